"""Execute every lesson in a named configuration: ``python tools/lessons.py --config gpu``.

Each lesson (the MyST ``.md`` source, in ``_toc.yml`` order) runs in a fresh
kernel with the configuration's environment variables (:mod:`bmlearn.overrides`)
set, hidden asserts included. A failing lesson is reported with the cell and
the error, and the others still run. At the end a table gives each lesson's
seconds and result; it is also written to ``_build/lessons/<config>.md`` and
``.json``. The exit code is non-zero if any lesson failed, or, with
``--budget``, if the quick profile went over its time budget.

Configurations (``--config``, repeatable):

- ``default``: what ``bm.setup()`` picks on this machine;
- ``gpu``: what it picks on an A100, L4 or H100 (``mixed_bfloat16``,
  non-deterministic ops, XLA), quick profile (``make test-gpu-config``);
- ``t4``: what it picks on a T4 or V100 (``mixed_float16``), quick profile;
  slow on a CPU, which has no fast float16 convolutions;
- ``seed1``, ``seed2``: another seed, quick profile (``make test-seeds``);
- ``full``: the full profile (``make test-full``).

The book build (``make book``) executes the lessons in the default
configuration; this tool runs the others, and ``make bench`` uses it for times.
"""

from __future__ import annotations

import argparse
import json
import os
import pathlib
import re
import sys
import time
import traceback

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bmlearn import overrides  # noqa: E402  (imports neither NumPy nor TensorFlow)

#: Quick-profile budget for one lesson on 2 CPU cores, in seconds.
LESSON_BUDGET_S = 60.0
#: Quick-profile budget for the whole course, in seconds. CI executes the course three times
#: (the book; Colab's versions with a GPU's settings; the oldest versions admitted) beside the
#: unit tests in each environment, all within its 90-minute limit: 15 minutes a pass leaves room.
COURSE_BUDGET_S = 900.0

QUICK = {overrides.PROFILE: "quick"}
CONFIGS = {
    "default": {},
    "gpu": {**QUICK, **overrides.GPU_SETTINGS},
    "t4": {**QUICK, overrides.PRECISION: "mixed_float16", overrides.DETERMINISTIC: "0",
           overrides.XLA: "1"},
    "seed1": {**QUICK, overrides.SEED: "1"},
    "seed2": {**QUICK, overrides.SEED: "2"},
    "full": {overrides.PROFILE: "full"},
}


def lessons_in_toc(root: pathlib.Path = ROOT) -> list[pathlib.Path]:
    """The lesson sources listed in ``_toc.yml``, in book order.

    Args:
        root: the repository root.

    Returns:
        Paths of ``lessons/**.md`` files.
    """
    toc = (root / "_toc.yml").read_text(encoding="utf-8")
    files = re.findall(r"^\s*-?\s*file:\s*(\S+)\s*$", toc, re.M)
    return [root / f"{f}.md" for f in files if f.startswith("lessons/")]


def run_lesson(path: pathlib.Path, env: dict, timeout: int = 1800) -> tuple[float, str | None]:
    """Execute one lesson in a fresh kernel with ``env`` added to the environment.

    Args:
        path: the lesson's ``.md`` file.
        env: environment variables for the kernel.
        timeout: per-cell timeout in seconds.

    Returns:
        ``(seconds, error)``: wall-clock seconds, kernel start included, and
        ``None`` or a description of the first failing cell.
    """
    import jupytext
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    nb = jupytext.read(path)
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)  # the kernel inherits this process's environment
    start = time.perf_counter()
    error = None
    try:
        NotebookClient(nb, timeout=timeout, kernel_name="python3",
                       resources={"metadata": {"path": str(path.parent)}}).execute()
    except CellExecutionError as exc:
        cell = next((i for i, c in enumerate(nb.cells) if c.cell_type == "code"
                     and any(o.get("output_type") == "error" for o in c.get("outputs", []))), None)
        error = f"cell {cell}: {exc}"
    except Exception:  # a dead kernel, a timeout: report it, run the other lessons
        error = traceback.format_exc()
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    return time.perf_counter() - start, error


def _short(error: str, lines: int = 40) -> str:
    text = re.sub(r"\x1b\[[0-9;]*m", "", error).rstrip().splitlines()
    return "\n".join(text if len(text) <= lines else text[:8] + ["..."] + text[-(lines - 9):])


def run_config(name: str, paths: list[pathlib.Path], budget: bool, tag: str = "") -> dict:
    """Run ``paths`` in configuration ``name``; print and write its table; return the results.

    The table goes to ``_build/lessons/<tag><name>.md`` and ``.json``.
    """
    env = CONFIGS[name]
    shown = " ".join(f"{k}={v}" for k, v in env.items()) or "(nothing set)"
    print(f"\n== configuration {name}: {shown}; {os.cpu_count()} CPU core(s)", flush=True)
    rows = []
    for path in paths:
        seconds, error = run_lesson(path, env)
        rel = path.relative_to(ROOT).as_posix() if path.is_absolute() else path.as_posix()
        over = budget and seconds > LESSON_BUDGET_S
        status = "FAIL" if error else ("OVER BUDGET" if over else "pass")
        rows.append({"lesson": rel, "seconds": round(seconds, 1), "status": status, "error": error})
        print(f"{rel:<48} {seconds:7.1f} s  {status}", flush=True)
        if error:
            print(_short(error), flush=True)
    total = sum(r["seconds"] for r in rows)
    result = {"config": name, "env": env, "cpus": os.cpu_count(), "lessons": rows,
              "total": round(total, 1)}
    result["ok"] = all(r["status"] == "pass" for r in rows) and not (
        budget and total > COURSE_BUDGET_S)
    print(f"{'total':<48} {total:7.1f} s  {'pass' if result['ok'] else 'FAIL'}", flush=True)
    out = ROOT / "_build" / "lessons"
    out.mkdir(parents=True, exist_ok=True)
    (out / f"{tag}{name}.json").write_text(json.dumps(result, indent=1) + "\n")
    table = [f"Configuration `{name}`: {shown}", "", "| lesson | seconds | result |", "|---|---|---|"]
    table += [f"| {r['lesson']} | {r['seconds']} | {r['status']} |" for r in rows]
    table.append(f"| total | {result['total']} | {'pass' if result['ok'] else 'FAIL'} |")
    (out / f"{tag}{name}.md").write_text("\n".join(table) + "\n")
    return result


def main(argv=None) -> int:
    """Command-line entry point; returns the exit code."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("lessons", nargs="*", help="lesson .md files (default: all in _toc.yml)")
    parser.add_argument("--config", action="append", choices=list(CONFIGS),
                        help="configuration to run (repeatable); default: default")
    parser.add_argument("--budget", action="store_true",
                        help=f"fail a lesson over {LESSON_BUDGET_S:.0f} s or a course over "
                             f"{COURSE_BUDGET_S:.0f} s (the quick profile's budget)")
    parser.add_argument("--tag", default="", help="prefix for the report files (e.g. the environment)")
    args = parser.parse_args(argv)
    paths = [pathlib.Path(p).resolve() for p in args.lessons] or lessons_in_toc()
    results = [run_config(name, paths, args.budget, args.tag) for name in args.config or ["default"]]
    if len(results) > 1:
        print("\n" + "\n".join(f"{r['config']:<10} {r['total']:7.1f} s  "
                                f"{'pass' if r['ok'] else 'FAIL'}" for r in results))
    return 0 if all(r["ok"] for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
