"""The package's shape: every module listed and importable, docstrings free of course parts."""

import importlib
import pathlib
import re

import bmlearn

ROOT = pathlib.Path(bmlearn.__file__).parent
PUBLIC = sorted(
    p.stem if p.suffix == ".py" else p.name
    for p in ROOT.iterdir()
    if not p.name.startswith("_") and (p.suffix == ".py" or (p / "__init__.py").exists())
)


def test_every_module_is_listed_in_the_package_docstring_and_importable():
    assert set(PUBLIC) == set(bmlearn._SUBMODULES), (
        "bmlearn._SUBMODULES and the modules on disk differ: "
        f"{sorted(set(PUBLIC) ^ set(bmlearn._SUBMODULES))}"
    )
    for name in PUBLIC:
        assert f":mod:`bmlearn.{name}`" in bmlearn.__doc__, f"bmlearn's docstring omits {name}"
        assert getattr(bmlearn, name) is importlib.import_module(f"bmlearn.{name}")


def test_no_module_docstring_names_a_course_part():
    import ast

    for path in ROOT.rglob("*.py"):
        doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
        assert not re.search(r"\bPart \d|\b[Ll]esson \d", doc), f"{path} names a course part"


def test_subpackages_list_their_modules():
    for package in ("data", "math", "models", "train", "compression", "plot", "layers", "text", "business"):
        module = importlib.import_module(f"bmlearn.{package}")
        for path in (ROOT / package).glob("*.py"):
            if not path.name.startswith("_"):
                assert path.stem in module.__doc__, f"bmlearn.{package}'s docstring omits {path.stem}"
