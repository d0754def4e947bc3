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


# ----------------------------------------------------------------------------- the GPT benchmark

# A tiny mini-GPT, and GPT-2 small's shape shrunk: the same code paths, seconds instead of hours.
TINY_GPT = ["gpt", "--vocab-size", "32", "--seq-len", "16", "--d-model", "16", "--layers", "1",
            "--heads", "2", "--batch-size", "4", "--steps", "2", "--repeats", "1",
            "--new-tokens", "20", "--gpt2-seq-len", "8", "--gpt2-batch-size", "2",
            "--gpt2-steps", "1"]
TINY_GPT2 = dict(vocab_size=50, seq_len=32, d_model=16, num_layers=2, num_heads=2)


def _number(pattern, out):
    return float(re.search(pattern, out).group(1))


def test_bench_gpt_prints_training_generation_and_flops(capsys, monkeypatch):
    from bmlearn.scaling import flops_per_token, gpt_params

    monkeypatch.setattr(bench, "GPT2_SMALL", TINY_GPT2)
    results = []
    print_gpt = bench._print_gpt
    monkeypatch.setattr(bench, "_print_gpt", lambda r: (results.append(r), print_gpt(r)))
    assert bench.main(TINY_GPT) == 0
    out = capsys.readouterr().out
    result, = results
    plain = _number(r"training \(a\) float32, no XLA\s+:\s+([\d.]+) tokens/s", out)
    fast = _number(r"training \(b\) mixed_bfloat16 \+ XLA\s+:\s+([\d.]+) tokens/s", out)
    ratio = _number(r"ratio \(b\) / \(a\)\s+:\s+([\d.]+)", out)
    assert plain > 0 and fast > 0
    assert ratio == pytest.approx(fast / plain, rel=0.01, abs=0.006)  # printed rounded
    assert _number(r"diagnostic: float32 \+ XLA\s+:\s+([\d.]+) tokens/s", out) > 0
    params = gpt_params(32, 16, 16, 1)
    assert f"{params:,} parameters" in out
    # The FLOP/s printed are tokens/s times 6N + 12 L d T (both printed rounded).
    per_token = flops_per_token(params, 1, 16, 16)
    gflops = _number(r"training \(a\) float32.*tokens/s \(([\d.]+) GFLOP/s\)", out)
    assert gflops == pytest.approx(plain * per_token / 1e9, rel=0.01, abs=0.006)
    cached = _number(r"generation with the KV cache\s+:\s+([\d.]+) tokens/s", out)
    uncached = _number(r"generation without the cache\s+:\s+([\d.]+) tokens/s", out)
    assert cached > 0 and uncached > 0
    assert "20 new tokens after a 1-token prompt" in out
    assert "context 20" in out  # the context holds prompt and new tokens: max(16, 1 + 20 - 1)
    assert "same tokens: yes" in out  # greedy float32: the cache changes nothing
    assert "warm-up" in out and "excluded" in out
    # A CPU: mixed_bfloat16 for the fast path, FLOP/s but no MFU.
    assert result["fast_precision"] == "mixed_bfloat16" and result["peak"] is None
    assert "no published peak for CPU" in out and "MFU" not in out.replace("no MFU", "")
    # GPT-2 small's path, on the shrunk shape.
    gpt2 = result["gpt2"]
    assert gpt2["error"] is None and gpt2["tokens_per_second"] > 0
    assert gpt2["params"] == bench._gpt_model(TINY_GPT2, "float32", False).count_params()
    assert gpt2["flops_per_token"] == 6 * gpt2["params"] + 12 * 2 * 16 * 8
    assert _number(r"training GPT-2 small \(b\)\s+:\s+([\d.]+) tokens/s", out) > 0
    assert "batches of 2 x 8 tokens (of its 32 positions)" in out


def test_bench_gpt_prints_a_skipped_gpt2_and_an_mfu(capsys):
    from bmlearn.scaling import DEVICE_PEAKS

    sizes = dict(bench.GPT_SIZES["gpu"], new_tokens=256, prompt_len=1, gpt2_steps=0)
    result = dict(device="GPU:0", device_name="NVIDIA A100-SXM4-80GB", sizes=sizes,
                  params=10_770_816, float32=1e5, fast=3e5, xla_float32=1.2e5, ratio=3.0,
                  fast_precision="mixed_bfloat16", flops_per_token=1e8,
                  generation={"cache": 500.0, "no cache": 50.0}, same_tokens=False,
                  gen_precision="mixed_bfloat16", gen_context=256,
                  peak=DEVICE_PEAKS["A100"], gpt2=None)
    bench._print_gpt(result)
    out = capsys.readouterr().out
    # 3e5 tokens/s x 1e8 FLOPs = 30 TFLOP/s of the A100's 312: 9.6%.
    assert "MFU 9.6% of the A100's 312 TFLOP/s bfloat16 peak (30.0 TFLOP/s achieved)" in out
    assert "10.0 x (same tokens: no)" in out
    assert "GPT-2 small: skipped" in out


def test_utilisation_against_a_published_peak():
    from bmlearn.scaling import DEVICE_PEAKS

    h100 = DEVICE_PEAKS["H100 SXM"]
    # 400 TFLOP/s achieved on a 989 TFLOP/s peak: 40.4%.
    text = bench.utilisation_text(400e3, 1e9, h100, "NVIDIA H100 80GB HBM3")
    assert text.startswith("MFU 40.4% of the H100 SXM's 989 TFLOP/s bfloat16 peak")
    assert "400.0 TFLOP/s achieved" in text
    with pytest.raises(ValueError, match="at most the peak"):
        bench.utilisation_text(1e6, 1e9, h100, "NVIDIA H100 80GB HBM3")


@pytest.mark.parametrize("flag", ["--steps", "--repeats", "--batch-size", "--new-tokens",
                                  "--layers"])
def test_bench_gpt_bad_counts(flag):
    with pytest.raises(ValueError, match="must be a positive integer, but received 0"):
        bench.main(["gpt", flag, "0"])


def test_bench_gpt_bad_shapes():
    with pytest.raises(ValueError,
                       match=r"gpt2_seq_len must be an integer in \[1, 1024\], but received 2048"):
        bench.main(["gpt", "--gpt2-seq-len", "2048"])
    with pytest.raises(ValueError, match="gpt2_steps must be an integer >= 0"):
        bench.measure_gpt(gpt2_steps=-1)
    with pytest.raises(ValueError, match="d_model=30 and num_heads=4"):
        bench.measure_gpt(d_model=30, num_heads=4)
    with pytest.raises(ValueError, match="sizes must be among"):
        bench.measure_gpt(width=3)
