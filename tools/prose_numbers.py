"""Find numbers typed by hand in lesson prose: ``python tools/prose_numbers.py [lesson.md ...]``.

The course's rule 3: every number a lesson's prose states is computed in the
lesson and shown with ``{glue:text}``, never typed. This tool reads each
lesson's Markdown cells, removes what is not prose (code, roles such as
``{glue:text}`` and ``{cite}``, display math, directive lines, link targets,
headings' lesson numbers, subscripts and exponents), and reports every number
left that is not covered by:

- :data:`GLOBAL_PATTERNS`: references and names that are not measurements
  (lesson and part numbers, versions of software, bit widths), each commented;
- the lesson's own list, ``<lesson>.numbers.yml`` beside its ``.md``: phrases,
  as written in the lesson, holding definitional numbers (an example's chosen
  sizes, a paper's published figure with its citation), each with the reason.
  :data:`HEADER` says what belongs there.

``tests/test_book.py`` runs it on every lesson and also fails on an allowed
phrase that no longer occurs, so the list cannot silently rot.
"""

from __future__ import annotations

import dataclasses
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]

#: The comment that opens every ``<lesson>.numbers.yml``.
HEADER = """\
# Numbers that this lesson's prose may state without {glue:text}: definitions, not results.
# The course's rule: every number a lesson states is computed in the lesson and glued, never
# typed (tools/prose_numbers.py finds the rest; tests/test_book.py fails on them). What belongs
# here is true by definition, not by measurement:
#   - an example's chosen sizes or hyperparameters, set in the code next to the prose;
#   - a published figure, with its citation in the same sentence;
#   - a mathematical fact stated as such (an interval, a constant in a formula);
#   - what an exercise asks (its answer is computed and asserted in the solution).
# A result of running code (an accuracy, a count, a time, a gap) never belongs here.
# Format: "phrase as written in the lesson": why its numbers are definitional.
# A phrase that no longer occurs in the lesson fails the test.
"""

#: A number as prose writes it: 12,288 · 0.5 · 1e-7 · 10⁻³ is caught as 10.
NUMBER = re.compile(r"(?<![\w.\\])[-−]?\d(?:[\d,]*\d)?(?:\.\d+)?(?:[eE][-−+]?\d+)?(?![\w])")

#: Numbers that are names or references, not claims. Each is matched on the
#: cleaned prose; a number inside a match is allowed.
GLOBAL_PATTERNS = {
    # cross-references: "lesson 1.3", "lessons 3.4 and 3.5", "Part 2", "chapter 6", "section 3.1"
    "reference": r"\b(?:[Ll]essons?|Parts?|[Cc]hapters?|[Ss]ections?|[Tt]able|[Ff]igure|[Ee]q\.?|"
                 r"[Ee]quation|[Aa]lgorithm|[Pp]age|[Ii]ssue)s?\s+\d+(?:\.\d+)*"
                 r"(?:\s*(?:,|and|or|to|–|-)\s*\d+(?:\.\d+)*)*",
    # a lesson named by number alone: "1.4's CNN", "(3.5)"
    "lesson number": r"(?<![\d.])\d\.\d(?:'s|’s)",
    # software versions: "TensorFlow 2.17", "Keras 3.10", "Python 3.11"
    "version": r"\b(?:Python|TensorFlow|Keras|NumPy|scikit-learn|CUDA|Jupyter Book|TF|tf)\s+"
               r"\d+(?:\.\d+)*",
    # formats and bit widths: "32-bit floats", "16-bit", "8-bit integers"
    "bit width": r"\b\d+-bit\b",
    # model and hardware names: "GPT-3", "GPT-2's", "BERT-base", "Llama 2"
    "model name": r"\b(?:GPT|Llama|T5|PaLM|Chinchilla|Gopher)[- ]?\d+(?:\.\d+)?",
    # the course's stated budget: "2 CPU cores", "60 s a lesson" is rule 6 of the course
    "budget": r"\b2 CPU cores?\b",
}

_ROLE = re.compile(r"\{[\w:.-]+\}`[^`]*`")                 # {glue:text}`x`, {cite}`y`, {term}`z`
_CODE = re.compile(r"``[^`]+``|`[^`]*`")
_DISPLAY_MATH = re.compile(r"\$\$.*?\$\$", re.S)
_MATH_ENV = re.compile(r"\\begin\{(\w+\*?)\}.*?\\end\{\1\}", re.S)
_LINK_TARGET = re.compile(r"\]\([^)]*\)|<https?://[^>]*>|https?://\S+")
_HTML = re.compile(r"<[^>]+>")
_INDEX = re.compile(r"[_^](?:\{[^{}]*\}|\\?\w)")            # x_1, 10^{-3}, e^x
_LATEX_CMD = re.compile(r"\\[a-zA-Z]+")


def _clean_line(line: str) -> str:
    stripped = line.strip()
    if stripped.startswith(("```", ":::", "%", "(", "<!--")) and (
        stripped.startswith(("```", ":::", "%", "<!--")) or re.match(r"\([\w-]+\)=$", stripped)
    ):
        return ""
    if re.match(r":[\w-]+:", stripped):                  # a directive's option line
        return ""
    line = re.sub(r"^(#+)\s+\d+(?:\.\d+)*\s", r"\1 ", line)  # "# 1.1 The neuron"
    return line


def prose(markdown: str) -> str:
    """The text of Markdown cells with everything that is not prose removed."""
    text = _DISPLAY_MATH.sub(" ", markdown)
    text = _MATH_ENV.sub(" ", text)
    text = "\n".join(_clean_line(line) for line in text.splitlines())
    text = _ROLE.sub(" ", text)
    text = _CODE.sub(" ", text)
    text = _LINK_TARGET.sub("]", text)
    text = _HTML.sub(" ", text)

    def inline_math(m):
        inner = _INDEX.sub(" ", m.group(1))
        return " " + _LATEX_CMD.sub(" ", inner) + " "

    return re.sub(r"\$([^$\n]+)\$", inline_math, text)


@dataclasses.dataclass(frozen=True)
class Finding:
    number: str
    line: str

    def __str__(self) -> str:
        return f"{self.number!r} in: {self.line.strip()[:160]}"


def markdown_of(path: pathlib.Path) -> str:
    """The Markdown cells of a MyST lesson, joined (code cells left out)."""
    import jupytext

    nb = jupytext.read(path)
    return "\n\n".join(c.source for c in nb.cells if c.cell_type == "markdown")


def allowed_file(lesson: pathlib.Path) -> pathlib.Path:
    """Where a lesson's list of definitional numbers lives: ``<lesson>.numbers.yml``."""
    return lesson.with_suffix(".numbers.yml")


def load_allowed(lesson: pathlib.Path) -> dict:
    """``{phrase: reason}`` from the lesson's ``.numbers.yml`` (empty if it has none)."""
    import yaml

    path = allowed_file(lesson)
    data = yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else None
    return {str(k): v for k, v in (data or {}).items()}


def _covered(text: str, patterns) -> list[tuple[int, int]]:
    spans = []
    for pattern in patterns:
        spans += [m.span() for m in re.finditer(pattern, text)]
    return spans


def unglued_numbers(markdown: str, allowed_phrases=()) -> list[Finding]:
    """Every number in ``markdown``'s prose not covered by a global pattern or an allowed phrase.

    Args:
        markdown: a lesson's Markdown cells.
        allowed_phrases: phrases, as written in the (cleaned) prose, whose numbers are allowed.

    Returns:
        A list of findings, in order of appearance.
    """
    findings = []
    escaped = [re.escape(" ".join(prose(p).split())).replace(r"\ ", r"\s+") for p in allowed_phrases]
    for paragraph in re.split(r"\n\s*\n", prose(markdown)):
        flat = " ".join(paragraph.split())
        spans = _covered(flat, list(GLOBAL_PATTERNS.values()) + escaped)
        for m in NUMBER.finditer(flat):
            if not any(a <= m.start() and m.end() <= b for a, b in spans):
                findings.append(Finding(m.group(0), flat[max(0, m.start() - 70): m.end() + 70]))
    return findings


def missing_phrases(markdown: str, allowed_phrases) -> list[str]:
    """Allowed phrases that no longer occur in the lesson's prose."""
    flat = " ".join(prose(markdown).split())
    return [p for p in allowed_phrases if " ".join(prose(p).split()) not in flat]


def main(argv=None) -> int:
    """Print the unglued numbers of each lesson; exit non-zero if there are any."""
    argv = list(sys.argv[1:] if argv is None else argv)
    sys.path.insert(0, str(ROOT / "tools"))
    from lessons import lessons_in_toc

    paths = [pathlib.Path(p).resolve() for p in argv] or lessons_in_toc(ROOT)
    total = 0
    for path in paths:
        rel = path.relative_to(ROOT).as_posix()
        md = markdown_of(path)
        phrases = load_allowed(path)
        found = unglued_numbers(md, phrases)
        stale = missing_phrases(md, phrases)
        total += len(found) + len(stale)
        if found or stale:
            print(f"\n{rel}: {len(found)} number(s) typed by hand, {len(stale)} stale phrase(s)")
            for f in found:
                print("  ", f)
            for p in stale:
                print("   stale allowed phrase:", repr(p))
    print(f"\n{total} finding(s)")
    return 1 if total else 0


if __name__ == "__main__":
    sys.exit(main())
