"""Pytest configuration shared by the unit tests and the lesson notebooks.

When pytest executes lessons (``pytest --nbval-lax lessons/``), this adds up
the time spent in each notebook, prints a table at the end, and fails the run
if a lesson exceeds its quick-profile budget (60 s on 2 CPU cores) or the
course exceeds 10 minutes. The budget is not enforced under the full profile, nor
when ``BMLEARN_SKIP_BUDGET`` is set (the compatibility matrix checks correctness;
``make test`` checks time).
"""

from __future__ import annotations

import collections
import os
import shutil

import pytest

os.environ.setdefault("MPLBACKEND", "Agg")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

_LESSON_SECONDS: dict[str, float] = collections.defaultdict(float)


def _budget_applies() -> bool:
    if os.environ.get("BMLEARN_SKIP_BUDGET"):  # e.g. the compatibility matrix: correctness only
        return False
    profile = os.environ.get("BMLEARN_PROFILE", "").strip().lower()
    if profile:
        return profile == "quick"
    return shutil.which("nvidia-smi") is None  # without a GPU the default is quick


def pytest_runtest_logreport(report):
    path = report.nodeid.split("::", 1)[0]
    if path.endswith(".ipynb"):
        _LESSON_SECONDS[path] += report.duration


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if not _LESSON_SECONDS:
        return
    from bmlearn.bench import COURSE_BUDGET_S, LESSON_BUDGET_S

    tr = terminalreporter
    tr.section("lesson run times")
    total = 0.0
    for path, seconds in _LESSON_SECONDS.items():
        total += seconds
        flag = "  OVER BUDGET" if seconds > LESSON_BUDGET_S else ""
        tr.write_line(f"{path:<50} {seconds:7.1f} s{flag}")
    tr.write_line(f"{'total':<50} {total:7.1f} s")
    if _over_budget():
        tr.write_line(
            f"FAILED: the quick-profile budget is {LESSON_BUDGET_S:.0f} s a lesson and "
            f"{COURSE_BUDGET_S:.0f} s in all",
            red=True,
        )


def _over_budget() -> bool:
    from bmlearn.bench import COURSE_BUDGET_S, LESSON_BUDGET_S

    if not _LESSON_SECONDS or not _budget_applies():
        return False
    slowest = max(_LESSON_SECONDS.values())
    return slowest > LESSON_BUDGET_S or sum(_LESSON_SECONDS.values()) > COURSE_BUDGET_S


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session, exitstatus):
    if exitstatus == 0 and _over_budget():
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
