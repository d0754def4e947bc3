"""Checks on the rendered book in _build/html; `make test` runs them after `make book`."""

import html
import pathlib
import re

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
HTML = ROOT / "_build" / "html"
LESSONS = sorted((ROOT / "lessons").glob("*/*.md"))
NOISE = ("cudart_stub", "cuInit", "absl::InitializeLog", "oneDNN custom operations",
         "Could not find cuda drivers", "IPKernelApp")


def _page(md: pathlib.Path) -> str:
    page = HTML / md.relative_to(ROOT).with_suffix(".html")
    assert page.exists(), f"{page} was not built: run `make book` first"
    return page.read_text(encoding="utf-8")


def test_index_exists():
    assert (HTML / "index.html").exists(), "run `make book` first"


@pytest.mark.parametrize("md", LESSONS, ids=[p.stem for p in LESSONS])
def test_lesson_page_has_colab_button_to_its_notebook(md):
    from bmlearn.course import BRANCH, REPOSITORY

    repo = REPOSITORY.removeprefix("https://github.com/")
    rel = md.relative_to(ROOT).with_suffix(".ipynb").as_posix()
    expected = f"https://colab.research.google.com/github/{repo}/blob/{BRANCH}/{rel}"
    assert expected in _page(md)


@pytest.mark.parametrize("md", LESSONS, ids=[p.stem for p in LESSONS])
def test_lesson_page_shows_no_tensorflow_noise(md):
    text = _page(md)
    for noise in NOISE:
        assert noise not in text, f"{md.stem} shows {noise!r}"


@pytest.mark.parametrize("md", LESSONS, ids=[p.stem for p in LESSONS])
def test_lesson_page_has_plots_and_no_errors(md):
    text = _page(md)
    images = re.findall(r'<img[^>]+src="([^"]+\.png)"', text)
    assert images, f"{md.stem} has no plots"
    for src in images:
        assert (HTML / md.relative_to(ROOT).parent / src).resolve().exists(), src
    plain = html.unescape(re.sub(r"<[^>]+>", "", text))
    assert "Traceback" not in plain
    assert "np.float64(" not in plain and "{glue" not in plain


def _profile_shown(md: pathlib.Path) -> str:
    """The profile the lesson ran in, as bm.setup()'s report on the page says."""
    plain = html.unescape(re.sub(r"<[^>]+>", "", _page(md)))
    found = re.findall(r"profile\s+:\s+(quick|full)\b", plain)
    assert found, f"{md.stem}: no 'profile :' line from bm.setup() on the page"
    return found[-1]


def test_lessons_ran_within_the_quick_profile_budget():
    """The book build executes every lesson once; in the quick profile each has 60 s on 2 cores."""
    import json
    import os
    import sys

    sys.path.insert(0, str(ROOT / "tools"))
    from lessons import COURSE_BUDGET_S, LESSON_BUDGET_S

    times = json.loads((ROOT / "_build" / "lessons" / "book.json").read_text())
    assert sorted(times) == sorted(p.relative_to(ROOT).with_suffix("").as_posix() for p in LESSONS)
    quick = {doc: row["seconds"] for doc, row in times.items()
             if _profile_shown(ROOT / f"{doc}.md") == "quick"}
    if os.environ.get("BMLEARN_SKIP_BUDGET") or not quick:
        pytest.skip("the budget applies to the quick profile")
    assert all(s is not None for s in quick.values()), "a lesson has no recorded execution time"
    over = {doc: s for doc, s in quick.items() if s > LESSON_BUDGET_S}
    assert not over, f"over the {LESSON_BUDGET_S:.0f} s budget: {over}"
    assert sum(quick.values()) <= COURSE_BUDGET_S, f"the course took {sum(quick.values()):.0f} s"
