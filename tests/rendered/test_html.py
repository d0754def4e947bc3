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
