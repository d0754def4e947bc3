import re

import pytest

from bmlearn import bench


def test_bench_train_prints_both_paths_and_their_ratio(capsys):
    assert bench.main(["--epochs", "1", "--repeats", "1", "--batch-size", "256"]) == 0
    out = capsys.readouterr().out
    plain = float(re.search(r"\(a\) plain fit.*:\s+([\d.]+) samples/s", out).group(1))
    fast = float(re.search(r"\(b\) tf\.data \+ XLA.*:\s+([\d.]+) samples/s", out).group(1))
    ratio = float(re.search(r"ratio \(b\) / \(a\)\s+:\s+([\d.]+)", out).group(1))
    assert plain > 0 and fast > 0
    assert ratio == pytest.approx(fast / plain, rel=0.01, abs=0.006)  # printed rounded
    assert "warm-up" in out and "excluded" in out
    assert "4 steps of 256 samples" in out  # 1167 // 256 = 4 full batches per epoch


def test_a_leading_train_argument_is_accepted():
    with pytest.raises(ValueError, match="epochs must be a positive integer"):
        bench.main(["train", "--epochs", "0"])


@pytest.mark.parametrize("flag", ["--epochs", "--repeats", "--batch-size"])
def test_bad_counts(flag):
    with pytest.raises(ValueError, match="must be a positive integer"):
        bench.main([flag, "0"])


def test_building_a_path_leaves_the_global_policy_as_it_was():
    import keras

    import bmlearn as bm

    data = bm.data.load_digits(shape="image")
    keras.mixed_precision.set_global_policy("mixed_bfloat16")
    try:
        model = bench._build(data, "float32", False, 10, shift=0.0)
        assert keras.mixed_precision.global_policy().name == "mixed_bfloat16"
    finally:
        keras.mixed_precision.set_global_policy("float32")
    assert {layer.compute_dtype for layer in model.layers} == {"float32"}
