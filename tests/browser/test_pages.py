"""The browser test (`make browser-test`): every page of the built book in headless Chromium.

On every page: no JavaScript errors in the console, no request leaves localhost,
math is rendered by the bundled MathJax, every image loads. On lesson pages: the
Colab button opens that lesson's .ipynb, and the download button offers the
notebook. Also: search finds "attention", and dark mode switches the colours.
A full-page screenshot of each page goes to _build/screenshots/.
"""

from __future__ import annotations

import json
import pathlib
import re
import urllib.parse

import pytest
import yaml

from bmlearn.course import BRANCH, REPOSITORY

ROOT = pathlib.Path(__file__).resolve().parents[2]


def _toc_pages() -> list[str]:
    text = (ROOT / "_toc.yml").read_text(encoding="utf-8")
    toc = yaml.safe_load(text)
    return [toc["root"], *re.findall(r"file:\s*(\S+)", text)]


PAGES = [*_toc_pages(), "genindex", "search"]
LESSONS = [p for p in PAGES if p.startswith("lessons/")]

_MATH_RENDERED = """() => {
  const maths = Array.from(document.querySelectorAll('span.math, div.math'));
  return {total: maths.length,
          unrendered: maths.filter(m => !m.querySelector('mjx-container')).length};
}"""

_BROKEN_IMAGES = """() => Array.from(document.images)
  .filter(img => !(img.complete && img.naturalWidth > 0)).map(img => img.src)"""


def _open(browser, base_url, path, init_script=None):
    """Open a page, collecting console errors, page errors, failed and external requests."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    problems = []
    page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}")
            if m.type == "error" else None)
    page.on("pageerror", lambda err: problems.append(f"page error: {err}"))
    page.on("requestfailed", lambda r: problems.append(f"request failed: {r.url} {r.failure}"))
    page.on("response", lambda r: problems.append(f"HTTP {r.status}: {r.url}")
            if r.status >= 400 else None)
    page.on("request", lambda r: problems.append(f"external request: {r.url}")
            if not r.url.startswith((base_url, "data:", "blob:")) else None)
    if init_script:
        page.add_init_script(init_script)
    page.goto(f"{base_url}/{path}", wait_until="load")
    page.wait_for_load_state("networkidle")
    return page, problems


def _wait_for_mathjax(page):
    page.wait_for_function(
        "() => !document.querySelector('span.math, div.math') || "
        "(window.MathJax && MathJax.startup && MathJax.startup.promise && "
        " document.querySelector('mjx-container'))",
        timeout=20_000,
    )
    page.evaluate("() => window.MathJax && MathJax.startup ? MathJax.startup.promise : null")


@pytest.mark.parametrize("doc", PAGES)
def test_page(browser, base_url, screenshots, doc):
    page, problems = _open(browser, base_url, f"{doc}.html")
    try:
        _wait_for_mathjax(page)
        math = page.evaluate(_MATH_RENDERED)
        assert math["unrendered"] == 0, f"{math['unrendered']} of {math['total']} formulas not rendered"
        if doc in ("book/glossary", "lessons/01_neural_nets/01_neuron"):
            assert math["total"] > 0, "this page should have math"  # the check can fail
        assert page.evaluate(_BROKEN_IMAGES) == []
        scripts = page.evaluate("() => Array.from(document.scripts).map(s => s.src).filter(Boolean)")
        assert all(s.startswith(base_url) for s in scripts), scripts
        mathjax_entry_points = [s for s in scripts if "/mathjax/" in s]
        assert len(mathjax_entry_points) <= 1, mathjax_entry_points
        page.screenshot(path=str(screenshots / f"{doc.replace('/', '__')}.png"), full_page=True)
        assert problems == []
    finally:
        page.close()


@pytest.mark.parametrize("doc", LESSONS)
def test_lesson_buttons(browser, base_url, doc):
    page, problems = _open(browser, base_url, f"{doc}.html")
    try:
        repo = REPOSITORY.removeprefix("https://github.com/")
        colab = page.eval_on_selector_all(
            "a[href*='colab.research.google.com']", "els => els.map(e => e.href)")
        assert colab == [f"https://colab.research.google.com/github/{repo}/blob/{BRANCH}/{doc}.ipynb"]

        download = page.eval_on_selector_all(
            "a.btn[href$='.ipynb']:not([href*='colab'])", "els => els.map(e => e.href)")
        assert len(download) == 1, download
        response = page.request.get(download[0])
        assert response.ok
        notebook = json.loads(response.body())
        assert notebook["nbformat"] == 4 and len(notebook["cells"]) > 10
        assert problems == []
    finally:
        page.close()


def test_search_finds_attention(browser, base_url, screenshots):
    page, problems = _open(browser, base_url, "search.html?q=attention")
    try:
        page.wait_for_selector("#search-results ul.search li", timeout=20_000)
        hits = page.eval_on_selector_all("#search-results ul.search li a",
                                         "els => els.map(e => e.textContent)")
        assert hits, "no result for 'attention'"
        page.screenshot(path=str(screenshots / "search-attention.png"))
        assert problems == []
    finally:
        page.close()


def _luminance(css_color: str) -> float:
    r, g, b = (int(v) for v in re.findall(r"\d+", css_color)[:3])
    return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255


@pytest.mark.parametrize("mode, dark", [("light", False), ("dark", True)])
def test_theme_modes(browser, base_url, screenshots, mode, dark):
    doc = LESSONS[0]
    page, problems = _open(browser, base_url, f"{doc}.html",
                           init_script=f"localStorage.setItem('mode', '{mode}')")
    try:
        assert page.evaluate("document.documentElement.dataset.theme") == mode
        background = page.evaluate("getComputedStyle(document.body).backgroundColor")
        assert (_luminance(background) < 0.3) is dark, background
        page.screenshot(path=str(screenshots / f"{mode}-mode.png"))
        # The switch in the header cycles the mode.
        page.click(".theme-switch-button")
        assert page.evaluate("document.documentElement.dataset.mode") != mode
        assert problems == []
    finally:
        page.close()


def test_every_page_is_tested():
    html = ROOT / "_build" / "html"
    built = {p.relative_to(html).with_suffix("").as_posix() for p in html.rglob("*.html")
             if not p.relative_to(html).parts[0].startswith("_")}
    assert built - {"index"} <= set(PAGES), sorted(built - set(PAGES))
    assert urllib.parse.quote("x") == "x"
