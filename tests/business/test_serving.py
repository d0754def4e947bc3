"""bmlearn.business.serving: the roofline model against hand arithmetic and published figures.

Float64 arithmetic of a handful of products and quotients is held to a few unit roundoffs.
"""

import math

import numpy as np
import pytest

from bmlearn import scaling
from bmlearn.business import serving
from bmlearn.business.serving import MODEL_SHAPES, ModelShape
from bmlearn.numerics import unit_roundoff

F64 = 8 * unit_roundoff("float64")
A100 = scaling.DEVICE_PEAKS["A100"]

# A toy model and device with round numbers, for sums done by hand.
TOY = ModelShape("toy", num_layers=1, d_model=4, num_heads=1, num_kv_heads=1, n_params=1000,
                 source="made up")
TOY_DEVICE = scaling.DevicePeak("toy", 1e4, "float16", "made up", memory_bytes=1e6, bandwidth=1e3)


# --------------------------------------------------------------------------- shapes


def test_published_parameter_counts_of_llama_layout_models():
    # Llama 2 7B: embeddings 2 x 32,000 x 4,096; per block attention 4 x 4,096², MLP
    # 3 x 4,096 x 11,008, two norms 2 x 4,096; 32 blocks; a final norm of 4,096.
    llama7 = 2 * 32000 * 4096 + 32 * (4 * 4096**2 + 3 * 4096 * 11008 + 2 * 4096) + 4096
    # Llama 2 70B: 64 query heads of 128, 8 KV heads: K and V are 8,192 x 1,024 each.
    llama70 = (2 * 32000 * 8192
               + 80 * (2 * 8192**2 + 2 * 8192 * 1024 + 3 * 8192 * 28672 + 2 * 8192) + 8192)
    assert llama7 == 6_738_415_616 and llama70 == 68_976_648_192  # the released checkpoints
    assert MODEL_SHAPES["Llama 2 7B"].n_params == llama7
    assert MODEL_SHAPES["Llama 2 13B"].n_params == 13_015_864_320
    assert MODEL_SHAPES["Llama 2 70B"].n_params == llama70
    assert MODEL_SHAPES["Mistral 7B"].n_params == 7_241_732_096  # Jiang et al. 2023: 7.24B
    assert MODEL_SHAPES["GPT-2 small"].n_params == 124_439_808


def test_shapes_are_the_published_ones():
    expected = {  # layers, width, heads, KV heads
        "Llama 2 7B": (32, 4096, 32, 32), "Llama 2 13B": (40, 5120, 40, 40),
        "Llama 2 70B": (80, 8192, 64, 8), "Mistral 7B": (32, 4096, 32, 8),
        "GPT-2 small": (12, 768, 12, 12), "GPT-2 XL": (48, 1600, 25, 25),
    }
    for name, sizes in expected.items():
        s = MODEL_SHAPES[name]
        assert (s.num_layers, s.d_model, s.num_heads, s.num_kv_heads) == sizes
        assert s.source
    assert MODEL_SHAPES["Llama 2 70B"].head_dim == 128


@pytest.mark.parametrize("kwargs, message", [
    (dict(d_model=10, num_heads=3), r"d_model must be divisible by num_heads"),
    (dict(num_heads=4, num_kv_heads=3), r"num_heads must be divisible by num_kv_heads"),
    (dict(num_layers=0), r"num_layers must be a positive integer, but received 0"),
    (dict(n_params=-5), r"n_params must be a finite number > 0, but received -5"),
])
def test_bad_shapes_are_refused(kwargs, message):
    base = dict(name="x", num_layers=2, d_model=8, num_heads=2, num_kv_heads=2, n_params=10,
                source="x")
    with pytest.raises(ValueError, match=message):
        ModelShape(**(base | kwargs))


# --------------------------------------------------------------------------- memory


def test_kv_cache_per_token_is_the_published_figure():
    # Kwon et al. 2023 (vLLM), Section 3: OPT-13B's KV cache is "800 KB" per token:
    # 2 (K, V) x 5,120 (hidden) x 40 (layers) x 2 bytes = 819,200 = 800 x 1,024.
    assert serving.kv_cache_bytes("Llama 2 13B", 1) == 2 * 5120 * 40 * 2 == 800 * 1024
    # Llama 2 7B: 2 x 32 x 32 x 128 x 2 = 524,288 bytes = 512 KiB per token.
    assert serving.kv_cache_bytes("Llama 2 7B", 1) == 512 * 1024
    # Llama 2 70B's 8 KV heads: 2 x 80 x 8 x 128 x 2 = 327,680 bytes, 8 times less per layer.
    assert serving.kv_cache_bytes("Llama 2 70B", 1) == 2 * 80 * 8 * 128 * 2
    # Linear in tokens, batch and bytes per value.
    assert serving.kv_cache_bytes("Llama 2 7B", 100, 3, bytes_per_value=1) == 524288 * 100 * 3 / 2
    assert serving.kv_cache_bytes("Llama 2 7B", 0) == 0


def test_weight_bytes():
    assert serving.weight_bytes("Llama 2 7B") == 2 * 6_738_415_616
    assert serving.weight_bytes(TOY, bytes_per_param=0.5) == 500


def test_max_batch_and_the_memory_check_by_hand():
    # (80e9 - 13,476,831,232) / (4,096 x 524,288 = 2,147,483,648) = 30.98: 30 fit, 31 do not.
    assert math.floor((80e9 - 2 * 6_738_415_616) / (4096 * 524288)) == 30
    assert serving.max_batch("Llama 2 7B", "A100", context_tokens=4096) == 30
    mem = serving.check_memory("Llama 2 7B", "A100", context_tokens=4096, batch=30)
    assert mem.fits and mem.total == 2 * 6_738_415_616 + 30 * 4096 * 524288
    with pytest.raises(ValueError, match=r"batch must fit in memory: .* received batch=31 for "
                                         r"80.00 GB \(1 × A100\)"):
        serving.check_memory("Llama 2 7B", "A100", context_tokens=4096, batch=31)
    # 70B's 137.95 GB of weights need two 80 GB devices.
    with pytest.raises(ValueError, match=r"the weights \(137.95 GB\)"):
        serving.max_batch("Llama 2 70B", "A100", context_tokens=4096)
    assert serving.max_batch("Llama 2 70B", "A100", context_tokens=4096, num_devices=2) == math.floor(
        (160e9 - 2 * 68_976_648_192) / (4096 * 327680))


def test_a_device_without_memory_figures_is_refused():
    with pytest.raises(ValueError, match=r"device must have memory_bytes and bandwidth, but "
                                         r"received 'TPU v4'"):
        serving.max_batch("GPT-2 small", "TPU v4", context_tokens=10)


# --------------------------------------------------------------------------- time


def test_ridge_point_of_an_a100():
    # 312e12 FLOP/s / 2.039e12 byte/s = 153 FLOPs per byte.
    assert A100.ridge_point == pytest.approx(153.0, abs=0.1)


def test_prefill_and_decode_by_hand_on_the_toy():
    # Prefill, 2 tokens: 2 x 1,000 x 2 + 2 x 1 x 4 x 2 x 3 = 4,048 FLOPs; 2,000 bytes of weights
    # + 2 tokens x 16 bytes of cache (2 x 1 x 1 x 4 x 2) = 2,032 bytes. At 1e4 FLOP/s and 1e3 B/s:
    # 0.4048 s against 2.032 s: memory-bound.
    p = serving.prefill_seconds(TOY, TOY_DEVICE, tokens_in=2)
    assert (p.flops, p.bytes, p.steps, p.bound) == (4048, 2032, 1, "memory")
    assert p.compute_seconds == pytest.approx(0.4048, rel=F64)
    assert p.seconds == p.memory_seconds == pytest.approx(2.032, rel=F64)
    # One decode step at context 3: 2,000 + 4 x 1 x 4 x 3 = 2,048 FLOPs; 2,000 + 3 x 16 = 2,048 bytes.
    d = serving.decode_step_seconds(TOY, TOY_DEVICE, context_tokens=3)
    assert (d.flops, d.bytes, d.bound) == (2048, 2048, "memory")
    assert d.seconds == pytest.approx(2.048, rel=F64)
    assert d.intensity == 1.0
    # Two steps (tokens_out=3): contexts 3 and 4.
    dd = serving.decode_seconds(TOY, TOY_DEVICE, tokens_in=2, tokens_out=3)
    assert dd.steps == 2 and dd.bytes == 2048 + 2064
    assert dd.seconds == pytest.approx((2048 + 2064) / 1e3, rel=F64)
    # tokens_out=1: prefill gives the only token; no decode step.
    none = serving.decode_seconds(TOY, TOY_DEVICE, tokens_in=2, tokens_out=1)
    assert (none.steps, none.seconds, none.bound) == (0, 0.0, "none")


def test_serving_cost_by_hand_on_the_toy():
    # 2 tokens in, 2 out, batch 1: prefill 2.032 s + one decode step 2.048 s = 4.08 s a request;
    # 3,600 / 4.08 = 882.35 requests an hour; at $3 an hour, 1,000 x 3 x 4.08 / 3,600 = $3.40.
    c = serving.serving_cost(TOY, TOY_DEVICE, tokens_in=2, tokens_out=2, batch=1,
                             price_per_gpu_hour=3.0)
    assert c.seconds_per_batch == pytest.approx(4.08, rel=F64)
    assert c.requests_per_gpu_hour == pytest.approx(3600 / 4.08, rel=F64)
    assert c.dollars_per_1000_requests == pytest.approx(3.4, rel=F64)
    assert c.output_tokens_per_second == pytest.approx(2 / 4.08, rel=F64)
    # Two devices at ideal scaling halve the time and bill twice the devices: the same cost.
    c2 = serving.serving_cost(TOY, TOY_DEVICE, tokens_in=2, tokens_out=2, batch=1,
                              price_per_gpu_hour=3.0, num_devices=2)
    assert c2.seconds_per_batch == pytest.approx(2.04, rel=F64)
    assert c2.dollars_per_1000_requests == pytest.approx(3.4, rel=F64)


def test_memory_bound_decode_time_is_bytes_over_bandwidth():
    step = serving.decode_step_seconds("Llama 2 7B", "A100", context_tokens=1000, batch=4)
    nbytes = 2 * 6_738_415_616 + 4 * 1000 * 524288
    assert step.bound == "memory" and step.bytes == nbytes
    assert step.seconds == pytest.approx(nbytes / 2.039e12, rel=F64)
    half = serving.decode_step_seconds("Llama 2 7B", "A100", context_tokens=1000, batch=4,
                                       bandwidth_utilisation=0.5)
    assert half.seconds == pytest.approx(2 * step.seconds, rel=F64)


def test_compute_bound_prefill_time_is_flops_over_peak():
    p = serving.prefill_seconds("Llama 2 7B", "A100", tokens_in=2000, compute_utilisation=0.5)
    flops = 2 * 6_738_415_616 * 2000 + 2 * 32 * 4096 * 2000 * 2001
    assert p.bound == "compute" and p.flops == flops
    assert p.seconds == pytest.approx(flops / (0.5 * 312e12), rel=F64)


def test_decoding_at_batch_one_is_about_one_flop_per_byte():
    # Multi-head attention in 16 bits: 2 FLOPs and 2 bytes per parameter, and for attention
    # 4 L d FLOPs per cached token against 2 x L x d x 2 bytes: exactly 1 FLOP per byte.
    step = serving.decode_step_seconds("Llama 2 7B", "A100", context_tokens=500)
    assert step.intensity == pytest.approx(1.0, rel=F64)
    # Batch b shares the weights: intensity grows with b, but stays below b (the cache is read too).
    b16 = serving.decode_step_seconds("Llama 2 7B", "A100", context_tokens=500, batch=16)
    assert 1 < b16.intensity < 16


def test_seven_b_at_batch_one_is_bandwidth_bound_near_150_tokens_per_second():
    # A derived bound, not a benchmark: 2,039 GB/s / 13.48 GB = 151 tokens/s at most, at a short
    # context; real servers measure below it.
    step = serving.decode_step_seconds("Llama 2 7B", "A100", context_tokens=1)
    assert 1 / step.seconds == pytest.approx(2.039e12 / (2 * 6_738_415_616 + 524288), rel=F64)
    assert 145 < 1 / step.seconds < 155


def test_cost_per_request_falls_with_batch_then_flattens_when_compute_bound():
    # GPT-2 small, 8 tokens in and 8 out: the cache is small, so decoding reaches the ridge.
    batches = [2**k for k in range(13)]
    costs = [serving.serving_cost("GPT-2 small", "A100", tokens_in=8, tokens_out=8, batch=b,
                                  price_per_gpu_hour=1.0) for b in batches]
    dollars = np.array([c.dollars_per_1000_requests for c in costs])
    assert np.all(np.diff(dollars) <= dollars[:-1] * F64)  # never rises
    assert costs[0].decode.bound == "memory" and costs[-1].decode.bound == "compute"
    compute = [c.dollars_per_1000_requests for c in costs
               if c.prefill.bound == c.decode.bound == "compute"]
    assert len(compute) >= 2
    assert np.ptp(compute) <= max(compute) * F64  # flat: time grows in proportion to the batch
    assert dollars[0] > 10 * dollars[-1]


def test_long_contexts_keep_multi_head_decoding_memory_bound():
    # Llama 2 7B at 1,000 tokens in, 100 out: the cache read grows with the batch, so decoding
    # stays memory-bound up to the largest batch that fits.
    big = serving.max_batch("Llama 2 7B", "A100", context_tokens=1100)
    c = serving.serving_cost("Llama 2 7B", "A100", tokens_in=1000, tokens_out=100, batch=big,
                             price_per_gpu_hour=1.0)
    assert c.decode.bound == "memory" and c.decode.intensity < A100.ridge_point


# --------------------------------------------------------------------------- errors


@pytest.mark.parametrize("kwargs, message", [
    (dict(batch=31, tokens_in=4000, tokens_out=96), r"batch must fit in memory"),
    (dict(batch=0), r"batch must be a positive integer, but received 0"),
    (dict(tokens_in=-1), r"tokens_in must be a positive integer, but received -1"),
    (dict(tokens_out=0), r"tokens_out must be a positive integer, but received 0"),
    (dict(price_per_gpu_hour=-2.0), r"price_per_gpu_hour must be a finite number >= 0"),
    (dict(compute_utilisation=0), r"compute_utilisation must be a number in \(0, 1\]"),
    (dict(bandwidth_utilisation=1.2), r"bandwidth_utilisation must be a number in \(0, 1\]"),
    (dict(num_devices=0), r"num_devices must be a positive integer"),
    (dict(bytes_per_param=0), r"bytes_per_param must be a finite number > 0"),
])
def test_serving_cost_refuses_bad_inputs(kwargs, message):
    args = dict(tokens_in=100, tokens_out=10, batch=1, price_per_gpu_hour=1.0) | kwargs
    with pytest.raises(ValueError, match=message):
        serving.serving_cost("Llama 2 7B", "A100", **args)


def test_unknown_shape_or_device_is_refused():
    with pytest.raises(ValueError, match=r"shape must be a ModelShape or one of"):
        serving.weight_bytes("Llama 9 1T")
    with pytest.raises(ValueError, match=r"name must name a device"):
        serving.serving_cost("Llama 2 7B", "Apple M2", tokens_in=1, tokens_out=1, batch=1,
                             price_per_gpu_hour=1.0)


def test_prompt_and_output_must_fit_the_context_length():
    assert MODEL_SHAPES["GPT-2 small"].context_length == 1024
    assert MODEL_SHAPES["Llama 2 7B"].context_length == 4096
    # 1,000 + 25 tokens: the cache holds 1,025 positions, one more than GPT-2's 1,024.
    with pytest.raises(ValueError, match=r"context_tokens must be at most GPT-2 small's context "
                                         r"length, 1024, but received 1025"):
        serving.serving_cost("GPT-2 small", "A100", tokens_in=1000, tokens_out=25, batch=1,
                             price_per_gpu_hour=1.0)
    with pytest.raises(ValueError, match=r"tokens_in must be at most"):
        serving.prefill_seconds("GPT-2 small", "A100", tokens_in=1025)
    serving.serving_cost("GPT-2 small", "A100", tokens_in=1000, tokens_out=24, batch=1,
                         price_per_gpu_hour=1.0)
    assert TOY.context_length is None


def test_llama_params_by_hand_and_its_errors():
    # A tiny Llama layout: V=10, d=4, d_ff=6, 1 layer, 2 heads of 2, 1 KV head (K, V are 4 x 2):
    # 2 x 10 x 4 + (2 x 16 + 2 x 4 x 2 + 3 x 4 x 6 + 2 x 4) + 4 = 80 + 128 + 4 = 212.
    assert serving.llama_params(10, 4, 6, 1, 2, 1) == 212
    with pytest.raises(ValueError, match=r"num_heads must be divisible by num_kv_heads"):
        serving.llama_params(10, 4, 6, 1, 2, 3)
    with pytest.raises(ValueError, match=r"vocab_size must be a positive integer"):
        serving.llama_params(0, 4, 6, 1, 2, 1)
