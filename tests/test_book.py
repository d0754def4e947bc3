"""Repository checks: lessons, their notebooks, the table of contents, the book config."""

import pathlib
import re
import sys

import jupytext
import nbformat
import pytest
import yaml

import bmlearn
from bmlearn.course import REPOSITORY, install_cell_source

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

import prose_numbers  # noqa: E402  (tools/, not the package)
from lessons import lessons_in_toc  # noqa: E402
LESSON_MDS = sorted((ROOT / "lessons").glob("*/*.md"))
LESSON_IDS = [str(p.relative_to(ROOT)) for p in LESSON_MDS]


def _cells(nb):
    return [(c.cell_type, c.source.strip(), tuple(c.metadata.get("tags", []))) for c in nb.cells]


def _code_cells(path):
    return [c for c in jupytext.read(path).cells if c.cell_type == "code"]


def test_there_are_lessons():
    assert len(LESSON_MDS) >= 4


def test_every_lesson_is_in_the_toc_and_every_toc_entry_exists():
    toc_lessons = lessons_in_toc(ROOT)
    assert sorted(toc_lessons) == LESSON_MDS, "lessons and _toc.yml disagree"
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = re.findall(r"file:\s*(\S+)", (ROOT / "_toc.yml").read_text())
    assert toc["root"] == "book/intro"
    for f in files + [toc["root"]]:
        assert (ROOT / f"{f}.md").exists(), f"_toc.yml names {f}, which does not exist"


@pytest.mark.parametrize("md", LESSON_MDS, ids=LESSON_IDS)
def test_pair_exists_and_is_in_sync(md):
    ipynb = md.with_suffix(".ipynb")
    assert ipynb.exists(), f"{ipynb.name} is missing: run `make sync`"
    from_md = jupytext.read(md)
    from_ipynb = jupytext.read(ipynb)
    assert _cells(from_md) == _cells(from_ipynb), (
        f"{md.name} and {ipynb.name} are out of sync: run `make sync`"
    )
    assert from_ipynb.metadata["kernelspec"]["name"] == "python3"
    assert "md:myst" in from_ipynb.metadata["jupytext"]["formats"]


@pytest.mark.parametrize("md", LESSON_MDS, ids=LESSON_IDS)
def test_committed_notebook_has_no_outputs(md):
    nb = nbformat.read(md.with_suffix(".ipynb"), as_version=4)
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code":
            assert not cell.outputs, f"{md.with_suffix('.ipynb').name} cell {i} holds outputs"
            assert cell.execution_count is None, f"cell {i} has an execution count"


@pytest.mark.parametrize("md", LESSON_MDS, ids=LESSON_IDS)
def test_lesson_starts_with_install_cell_then_setup(md):
    code = _code_cells(md)
    assert code[0].source.strip() == install_cell_source(), (
        f"{md.name}: the first cell must be bmlearn.course.install_cell_source()"
    )
    assert "bm.setup()" in code[1].source and "import bmlearn as bm" in code[1].source, (
        f"{md.name}: the second cell must import bmlearn and call bm.setup()"
    )
    before = "\n".join(c.source for c in code[:2])
    assert "import keras" not in before and "import tensorflow" not in before


@pytest.mark.parametrize("md", LESSON_MDS, ids=LESSON_IDS)
def test_lesson_checks_its_claims_in_hidden_cells(md):
    hidden = [c for c in _code_cells(md)[1:] if "remove-cell" in c.metadata.get("tags", [])]
    assert any("assert" in c.source for c in hidden), (
        f"{md.name}: claims must be checked by asserts in cells tagged remove-cell"
    )
    for c in hidden:
        assert "assert" in c.source or "glue(" in c.source, (
            f"{md.name}: a hidden cell must hold bookkeeping (asserts, glue), not the lesson:\n"
            f"{c.source[:300]}"
        )


@pytest.mark.parametrize("md", LESSON_MDS, ids=LESSON_IDS)
def test_glue_calls_are_kept_out_of_the_cells_readers_see(md):
    for c in _code_cells(md)[2:]:
        if "remove-cell" not in c.metadata.get("tags", []):
            assert not re.search(r"(?<![\w.])glue\(", c.source), (
                f"{md.name}: move glue(...) into the hidden cell after this one:\n{c.source[:300]}"
            )


@pytest.mark.parametrize("md", LESSON_MDS, ids=LESSON_IDS)
def test_prose_states_no_number_typed_by_hand(md):
    rel = md.relative_to(ROOT).as_posix()
    markdown = prose_numbers.markdown_of(md)
    allowed = prose_numbers.load_allowed(md)
    listed = prose_numbers.allowed_file(md).relative_to(ROOT).as_posix()
    found = prose_numbers.unglued_numbers(markdown, allowed)
    stale = prose_numbers.missing_phrases(markdown, allowed)
    assert not found, (
        f"{rel} states numbers that are not glued. Compute each and show it with "
        f"{{glue:text}}, or, if it is a definition, add its phrase and why to {listed}:\n"
        + "\n".join(str(f) for f in found)
    )
    assert not stale, f"{listed} lists phrases gone from {rel}: {stale}"
    if allowed:
        assert prose_numbers.allowed_file(md).read_text().startswith(prose_numbers.HEADER)
        assert all(isinstance(why, str) and len(why) > 10 for why in allowed.values()), (
            f"{listed}: every allowed phrase needs its reason"
        )


def test_prose_number_check_can_fail():
    text = (
        "The CNN reaches 98.6% on the test set, see lesson 1.3 and {glue:text}`acc:.1f`.\n\n"
        "With `epochs = 30` and TensorFlow 2.17 in 32-bit floats, GPT-3 has 12,288 units.\n\n"
        "$$ z = 2 x^2 $$"
    )
    found = [f.number for f in prose_numbers.unglued_numbers(text)]
    assert found == ["98.6", "12,288"]
    assert prose_numbers.unglued_numbers(text, ["GPT-3 has 12,288 units"])[-1].number == "98.6"
    assert prose_numbers.missing_phrases(text, ["GPT-4 has 7 units"]) == ["GPT-4 has 7 units"]


def test_every_numbers_file_belongs_to_a_lesson():
    for path in ROOT.glob("lessons/*/*.numbers.yml"):
        assert path.with_name(path.name.replace(".numbers.yml", ".md")) in LESSON_MDS, path


@pytest.mark.parametrize("md", LESSON_MDS, ids=LESSON_IDS)
def test_lesson_shape(md):
    text = md.read_text(encoding="utf-8")
    assert re.search(r"^# \d+\.\d+ ", text, re.M), "a numbered title"
    for needed in ("In this lesson", "**Prerequisites:**", "**Run time:**", "## Summary",
                   "## Exercises", "{solution-start}", ":class: dropdown", "## Further reading"):
        assert needed in text, f"{md.name} lacks {needed!r}"
    assert text.count("{exercise-start}") == text.count("{solution-start}") >= 1


@pytest.mark.parametrize("md", LESSON_MDS, ids=LESSON_IDS)
def test_lesson_sizes_come_from_the_profile_when_it_trains(md):
    source = "\n".join(c.source for c in _code_cells(md))
    if ".fit(" in source:
        assert "env.profile.pick(" in source, f"{md.name} trains but takes no size from the profile"


@pytest.mark.parametrize("md", LESSON_MDS, ids=LESSON_IDS)
def test_lessons_download_nothing(md):
    source = "\n".join(c.source for c in _code_cells(md)[1:])
    for pattern in ("urlopen", "requests.", "wget", "curl ", "get_file(", "fetch_openml", "tfds.load"):
        assert pattern not in source, f"{md.name} uses {pattern!r}: lessons must run offline"


@pytest.mark.parametrize("md", LESSON_MDS, ids=LESSON_IDS)
def test_lessons_use_only_declared_dependencies_for_tables(md):
    """pandas' Styler needs jinja2, which bmlearn does not declare: the install without [book]
    (the compat runs, a plain pip install) has no jinja2, and ``df.style`` raises there."""
    source = "\n".join(c.source for c in _code_cells(md))
    assert not re.search(r"\.style\b", source), f"{md.name} uses pandas' .style: format a copy instead"


def test_one_place_holds_the_repository_url():
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    assert config["repository"]["url"] == REPOSITORY
    assert f'Homepage = "{REPOSITORY}"' in (ROOT / "pyproject.toml").read_text()
    for path in ROOT.glob("bmlearn/**/*.py"):
        if path.name != "course.py":
            assert REPOSITORY not in path.read_text(), f"{path} repeats the repository URL"


def test_book_config():
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    assert config["execute"]["execute_notebooks"] == "cache"
    assert config["only_build_toc_files"] is True
    assert "**/*.ipynb" in config["exclude_patterns"]
    assert config["sphinx"]["config"]["nb_output_stderr"] == "remove"
    assert config["launch_buttons"]["colab_url"].startswith("https://colab.research.google.com")
    assert config["author"] and config["copyright"]


def test_glossary_has_chinese_for_every_term():
    text = (ROOT / "book" / "glossary.md").read_text(encoding="utf-8")
    entries = re.findall(r"^([A-Z][^\n]*)\n  \*\*([^*]+)\*\* — (.+)$", text, re.M)
    terms = re.findall(r"^[A-Z][^\n]*$", text.split(":sorted:", 1)[1], re.M)
    assert len(entries) == len(terms) >= 30
    for term, chinese, definition in entries:
        assert re.search(r"[\u4e00-\u9fff]", chinese), f"{term}: no Chinese term"
        assert len(definition) > 15


def test_lesson_terms_exist_in_glossary():
    glossary = (ROOT / "book" / "glossary.md").read_text(encoding="utf-8").lower()
    for md in LESSON_MDS:
        for term in re.findall(r"\{term\}`([^`<]+)`", md.read_text(encoding="utf-8")):
            assert f"\n{term.lower()}\n" in glossary, f"{md.name}: {{term}}`{term}` not in glossary"


def _pyproject_requirements() -> dict:
    """Package name -> specifier for the runtime, [book] and [test] requirements."""
    text = (ROOT / "pyproject.toml").read_text()
    blocks = re.findall(r"^(?:dependencies|book|test) = \[(.*?)\]$", text, re.M | re.S)
    assert len(blocks) == 3, "pyproject.toml: dependencies, book and test lists not found"
    requirements = re.findall(r'"([A-Za-z0-9_.-]+)([<>=!~][^"]*)"', "".join(blocks))
    return dict(requirements)


def test_dependencies_agree():
    """environment.yml states every runtime, [book] and [test] requirement exactly as pyproject."""
    env = (ROOT / "environment.yml").read_text()
    in_env = dict(re.findall(r"^\s+- ([A-Za-z0-9_.-]+)([<>=!~]\S*)$", env, re.M))
    required = _pyproject_requirements()
    assert {"tensorflow", "keras", "numpy", "jupyter-book", "jupytext", "nbclient"} <= set(required)
    for name, spec in required.items():
        assert in_env.get(name) == spec, f"{name}: pyproject {spec!r}, environment.yml {in_env.get(name)!r}"


def test_version_floors_are_bmlearn_versions_minimum():
    """The TensorFlow and Keras floors are exactly bmlearn.versions.MINIMUM, with no upper bound."""
    from bmlearn.versions import MINIMUM

    required = _pyproject_requirements()
    for package, floor in MINIMUM.items():
        assert required[package] == f">={floor}", (package, required[package], floor)
    gpu = re.search(r'^gpu = \["tensorflow\[and-cuda\]([^"]*)"\]', (ROOT / "pyproject.toml").read_text(), re.M)
    assert gpu and gpu.group(1) == f">={MINIMUM['tensorflow']}"


def test_compat_matrix_pins_the_floors_and_the_workflow_runs_it():
    """tools/compat.py's oldest environment is pyproject's floors; compat.yml runs every environment."""
    import importlib.util

    from bmlearn.versions import MINIMUM

    spec = importlib.util.spec_from_file_location("compat", ROOT / "tools" / "compat.py")
    compat = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("compat", compat)  # dataclasses look their module up there
    spec.loader.exec_module(compat)
    oldest = {env.name: env for env in compat.ENVIRONMENTS}["oldest"]
    requires_python = re.search(r'^requires-python = "(.*)"$', (ROOT / "pyproject.toml").read_text(), re.M)
    assert requires_python.group(1) == f">={oldest.python}"
    assert sorted(oldest.requirements) == sorted(f"{p}=={v}.*" for p, v in MINIMUM.items())
    workflow = (ROOT / ".github" / "workflows" / "compat.yml").read_text()
    assert sorted(re.findall(r"- env: (\S+)", workflow)) == sorted(e.name for e in compat.ENVIRONMENTS)
    assert "make test-compat" in (ROOT / ".ci" / "run").read_text()


def test_version_and_public_api():
    assert re.fullmatch(r"\d+\.\d+\.\d+", bmlearn.__version__)
    for name in bmlearn.__all__:
        assert getattr(bmlearn, name) is not None


# --- Glossary links: every glossary term is linked where the course first uses it ----------

GLOSSARY_TERMS = re.findall(
    r"^([A-Z][^\n]*)\n  \*\*", (ROOT / "book" / "glossary.md").read_text(encoding="utf-8"), re.M
)


def _prose(md_text: str) -> str:
    """The Markdown prose of a MyST notebook, with {term} roles marked by \\x01…\\x02.

    Drops front matter, code cells, fenced blocks and directives, math, headings,
    other roles, inline code and URLs, where a glossary word is not a use of the term.
    """
    text = re.sub(r"\A---\n.*?\n---\n", "", md_text, flags=re.S)
    text = re.sub(r"```[^\n]*\n.*?```", "", text, flags=re.S)
    text = re.sub(r"\$\$.*?\$\$", "", text, flags=re.S)
    text = re.sub(r"\$[^$\n]+\$", "", text)
    text = re.sub(r"^#.*$", "", text, flags=re.M)
    text = re.sub(r"\{term\}`([^`]*)`", lambda m: "\x01" + m.group(1) + "\x02", text)
    text = re.sub(r"\{[\w:-]+\}`[^`]*`", " ", text)
    text = re.sub(r"`[^`]*`", " ", text)
    return re.sub(r"<https?://[^>]*>|https?://\S+", " ", text)


def _first_use_is_linked(text: str, term: str):
    """None if the term is not used; else whether its first use is (or follows) a link."""
    match = re.search(r"(?<![\w-])" + re.escape(term) + r"(s|es)?(?![\w-])", text, re.I)
    if not match:
        return None
    for role in re.finditer("\x01([^\x02]*)\x02", text):
        if role.start() <= match.start() < role.end():
            return True
        if role.start() < match.start() and re.search(
            r"<\s*" + re.escape(term) + r"\s*>", role.group(1), re.I
        ):
            return True
    return False


def test_glossary_terms_are_linked_at_their_first_use_in_the_course():
    unlinked, seen = [], set()
    for md in lessons_in_toc(ROOT):
        text = _prose(md.read_text(encoding="utf-8"))
        for term in GLOSSARY_TERMS:
            if term in seen:
                continue
            linked = _first_use_is_linked(text, term)
            if linked is not None:
                seen.add(term)
                if not linked:
                    unlinked.append(f"{md.relative_to(ROOT)}: {term}")
    assert not unlinked, "link the first use with {term}: " + "; ".join(unlinked)


def test_first_use_check_can_fail():
    assert _first_use_is_linked(_prose("A neuron and a {term}`neuron`."), "Neuron") is False
    assert _first_use_is_linked(_prose("The {term}`neurons <neuron>` fire."), "Neuron") is True
    assert _first_use_is_linked(_prose("```{code-cell}\nneuron\n```\nNothing."), "Neuron") is None


@pytest.mark.parametrize("md", LESSON_MDS, ids=LESSON_IDS)
def test_solution_code_is_checked(md):
    text = md.read_text(encoding="utf-8")
    for block in re.findall(r"\{solution-start\}.*?\{solution-end\}", text, re.S):
        for cell in re.findall(r"```\{code-cell\}[^\n]*\n(.*?)```", block, re.S):
            assert "assert" in cell, f"{md.name}: a solution's code cell checks nothing"


def test_workflows_publish_and_test():
    book = (ROOT / ".github" / "workflows" / "book.yml").read_text()
    test = (ROOT / ".github" / "workflows" / "test.yml").read_text()
    assert "make book" in book and "deploy-pages" in book and "_build/html" in book
    assert "make test" in test and "pull_request" in test and "push" in test
    assert "make browser-test" in (ROOT / ".ci" / "run").read_text()


def test_every_configuration_runs_somewhere():
    """CI runs the default and GPU configurations; the weekly workflow the seeds and full profile."""
    import importlib.util

    from bmlearn import overrides

    spec = importlib.util.spec_from_file_location("lessons_tool", ROOT / "tools" / "lessons.py")
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    assert tool.CONFIGS["gpu"] == {overrides.PROFILE: "quick", **overrides.GPU_SETTINGS}
    assert overrides.GPU_SETTINGS == {"BMLEARN_PRECISION": "mixed_bfloat16",
                                      "BMLEARN_DETERMINISTIC": "0", "BMLEARN_XLA": "1"}
    makefile = (ROOT / "Makefile").read_text()
    for target, configs in {"test-gpu-config": ["gpu"], "test-seeds": ["seed1", "seed2"],
                            "test-full": ["full"]}.items():
        recipe = re.search(rf"^{target}:.*\n\t(.*)$", makefile, re.M).group(1)
        assert all(f"--config {c}" in recipe for c in configs), (target, recipe)
    ci = (ROOT / ".ci" / "run").read_text()
    assert "make test\n" in ci and "make browser-test" in ci and "make test-compat" in ci
    compat = (ROOT / "tools" / "compat.py").read_text()
    assert re.search(r'Env\("colab".*?config="gpu"\)', compat, re.S), "CI's GPU-configuration run"
    weekly = (ROOT / ".github" / "workflows" / "weekly.yml").read_text()
    assert "test-seeds" in weekly and "test-full" in weekly and "schedule" in weekly
