"""``python -m bmlearn.bench``: how fast this machine trains a CNN and trains and samples a GPT.

The benchmarks readers run on their own hardware. Timing the lessons is
repository tooling instead: ``tools/lessons.py`` (``make bench``).

- ``python -m bmlearn.bench train`` (or no subcommand; ``make bench-train``):
  samples per second of the digits CNN, plain and on bmlearn's fast path.
- ``python -m bmlearn.bench gpt`` (``make bench-gpt``): training tokens per
  second of a mini-GPT in float32 and in mixed precision with XLA,
  generation tokens per second with and without the key/value cache, and
  model FLOPs utilisation on a GPU, for the mini-GPT and GPT-2 small's shape;
  see :func:`measure_gpt`.

**The CNN benchmark.** It trains the digits CNN (``bm.models.build_cnn`` on
``bm.data.load_digits()``, filters (32, 64), a dense layer of 128, dropout
0.3, one-pixel shifts, Adam with a cosine-decayed learning rate from 3e-3,
batches of 32) in two ways, on whatever device is present:

(a) plain: ``model.fit`` on NumPy arrays, float32, no XLA;
(b) bmlearn's fast path: a ``tf.data`` pipeline (:func:`bmlearn.train.make_dataset`:
    cache, shuffle, batch, augment, prefetch), ``jit_compile=True`` (XLA),
    and the mixed precision :func:`bmlearn.setup` picks where the hardware has
    fast 16-bit arithmetic (``mixed_bfloat16`` on GPUs of compute capability
    8.0 or newer and on TPUs, ``mixed_float16`` on 7.x; float32 on a CPU,
    whatever ``BMLEARN_PRECISION`` says). The same one-pixel shifts
    run in the pipeline instead of in the model, because Keras cannot
    compile a model that contains a ``RandomTranslation`` layer with XLA
    (it warns and falls back to no XLA).

To show where a difference comes from, a third, diagnostic path runs the
pipeline of (b) without XLA and without mixed precision.

Each model first trains one untimed warm-up epoch, which traces the training
step and, for (b), compiles it with XLA. Then the two paths take turns:
``--repeats`` timed runs each of ``--epochs`` epochs, and the median
samples per second of each path is reported with the ratio (b) / (a). The
training set is cut to a whole number of batches, so every step trains on a
full batch and no step needs a second compilation. Deterministic ops are off
(speed is measured, not reproducibility).

**The GPT benchmark** (:func:`measure_gpt`). A mini-GPT
(:func:`bmlearn.models.build_gpt`, AdamW, the cross-entropy of next-token
logits) trains on random token ids, which cost the same as text, in three
ways: (a) float32 without XLA; (b) mixed precision with XLA, the policy
:func:`bmlearn.setup` picks for the hardware (``mixed_bfloat16`` on GPUs of
compute capability 8.0 or newer, ``mixed_float16`` on 7.x; a CPU has no
16-bit policy of its own, so ``mixed_bfloat16`` there, or whatever
``BMLEARN_PRECISION`` asks); and, as a diagnostic, float32 with XLA. As for
the CNN, one untimed warm-up step per model traces and compiles, then the
paths take turns for ``repeats`` timed runs of ``steps`` steps each, and the
medians are reported. Then :func:`bmlearn.text.generate` adds 256 tokens
(greedy) to a one-token prompt, with and without the key/value cache, on a
model of the same shape whose context holds prompt and new tokens, in the
policy ``setup`` picks; each path is warmed up (compiled) first. Last, the
same fast path trains GPT-2 small's shape (124,439,808 parameters; on a CPU
on windows of 128 of its 1,024 positions, by default, so that it finishes).

Throughput times the model FLOPs per token,
:func:`bmlearn.scaling.flops_per_token` (``6 N + 12 L d T``), is the
achieved FLOP/s; on a GPU whose published dense peak is in
:data:`bmlearn.scaling.DEVICE_PEAKS` it is divided by that peak, the model
FLOPs utilisation (:func:`bmlearn.scaling.model_flops_utilisation`). CPUs
have no published peak comparable to a GPU's tensor cores, so on a CPU only
the FLOP/s are printed. Default sizes depend on the device
(:data:`GPT_SIZES`): on a GPU the mini-GPT is nanoGPT's Shakespeare shape;
on a CPU a smaller one, so that the whole run takes a couple of minutes.
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import sys
import time

from bmlearn.quiet import import_keras

__all__ = ["main", "measure", "measure_gpt", "GPT_SIZES"]


def _build(data, precision, jit_compile, steps, shift):
    keras = import_keras()

    import bmlearn as bm

    previous = keras.mixed_precision.global_policy()
    keras.mixed_precision.set_global_policy(precision)
    try:
        keras.utils.set_random_seed(0)
        model = bm.models.build_cnn(data.input_shape, data.num_classes, filters=(32, 64),
                                    dense_units=128, dropout=0.3, shift=shift)
        model.compile(
            optimizer=keras.optimizers.Adam(keras.optimizers.schedules.CosineDecay(3e-3, steps)),
            loss="sparse_categorical_crossentropy",
            metrics=["accuracy"],
            jit_compile=jit_compile,
        )
    finally:
        keras.mixed_precision.set_global_policy(previous)
    return model


def measure(*, epochs: int = 3, repeats: int = 3, batch_size: int = 32, verbose: bool = True):
    """Measure training throughput of the plain and the fast path.

    Args:
        epochs: epochs in each timed run.
        repeats: timed runs of each path; the median is reported.
        batch_size: samples per step.
        verbose: print the device and each run.

    Returns:
        A dict with ``plain``, ``fast`` and ``pipeline`` (median samples per
        second of (a), (b) and the diagnostic path), ``ratio`` (fast /
        plain), ``fast_precision``, ``steps_per_run`` and ``device``.

    Raises:
        ValueError: if a count is not a positive integer.

    Example:
        >>> measure(repeats=0)
        Traceback (most recent call last):
        ...
        ValueError: repeats must be a positive integer, but received 0.
    """
    import bmlearn as bm
    from bmlearn.validation import check_scalar

    epochs = check_scalar(epochs, "epochs", integer=True, low=1)
    repeats = check_scalar(repeats, "repeats", integer=True, low=1)
    batch_size = check_scalar(batch_size, "batch_size", integer=True, low=1)
    env = bm.setup(deterministic=False, verbose=False)
    with _nondeterministic():
        return _measure(env, epochs, repeats, batch_size, verbose)


@contextlib.contextmanager
def _nondeterministic():
    """Switch deterministic ops off for a measurement, and back on after if they were on.

    Keras refuses XLA while deterministic ops are on; an earlier ``setup()`` in the same
    process may have turned them on.
    """
    from tensorflow.python.framework import config as tf_config

    was_deterministic = tf_config.is_op_determinism_enabled()
    if was_deterministic:
        tf_config.disable_op_determinism()
    try:
        yield
    finally:
        if was_deterministic:
            tf_config.enable_op_determinism()


def _measure(env, epochs, repeats, batch_size, verbose):
    keras = import_keras()

    import bmlearn as bm

    data = bm.data.load_digits(shape="image", seed=env.seed)
    n = len(data.train.x) // batch_size * batch_size
    x, y = data.train.x[:n], data.train.y[:n]
    steps_per_epoch = n // batch_size
    total_steps = steps_per_epoch * (1 + epochs * repeats)
    device = "; ".join(str(d) for d in env.devices[:1])

    plain = _build(data, "float32", False, total_steps, shift=0.125)
    fast_precision = env.precision if env.has_accelerator else "float32"
    fast = _build(data, fast_precision, True, total_steps, shift=0.0)
    pipeline = _build(data, "float32", False, total_steps, shift=0.0)
    if not fast.jit_compile:  # pragma: no cover - guards the claim printed by main()
        raise RuntimeError("the fast path's model could not be compiled with XLA")
    shift = keras.layers.RandomTranslation(0.125, 0.125, fill_mode="constant", seed=env.seed)
    dataset = bm.train.make_dataset(
        x, y, batch_size, shuffle=True, seed=env.seed, num_classes=data.num_classes,
        augment=lambda images: shift(images, training=True), drop_remainder=True,
    )
    runs = {
        "plain": (plain, dict(x=x, y=y, batch_size=batch_size, shuffle=True)),
        "fast": (fast, dict(x=dataset, shuffle=False)),
        "pipeline": (pipeline, dict(x=dataset, shuffle=False)),
    }
    for model, kwargs in runs.values():  # warm-up: tracing and XLA compilation, untimed
        model.fit(epochs=1, verbose=0, **kwargs)
    speeds = {name: [] for name in runs}
    for r in range(repeats):
        for name, (model, kwargs) in runs.items():
            meter = bm.train.ThroughputMeter(batch_size, warmup_steps=0)
            model.fit(epochs=epochs, verbose=0, callbacks=[meter], **kwargs)
            speeds[name].append(meter.samples_per_second)
            if verbose:
                speed = meter.samples_per_second
                print(f"  run {r + 1}/{repeats} {name:<8}: {speed:7.0f} samples/s", flush=True)
    result = {name: statistics.median(v) for name, v in speeds.items()}
    result.update(ratio=result["fast"] / result["plain"], fast_precision=fast_precision,
                  steps_per_run=steps_per_epoch * epochs, device=device)
    return result


# --------------------------------------------------------------------------- the GPT benchmark

#: GPT-2 small's shape (Radford et al. 2019): 124,439,808 parameters with tied embeddings.
GPT2_SMALL = dict(vocab_size=50257, seq_len=1024, d_model=768, num_layers=12, num_heads=12)

#: Default sizes of :func:`measure_gpt`, by device. On a GPU the mini-GPT is nanoGPT's
#: Shakespeare shape (6 layers, 6 heads, width 384, context 256, 65 characters, batches of 64)
#: and GPT-2 small trains on full 1,024-token windows; on a CPU both are cut down so that the
#: benchmark takes a couple of minutes.
GPT_SIZES = {
    "gpu": dict(vocab_size=65, seq_len=256, d_model=384, num_layers=6, num_heads=6,
                batch_size=64, steps=20, repeats=3, gpt2_seq_len=1024, gpt2_batch_size=8,
                gpt2_steps=10),
    "cpu": dict(vocab_size=65, seq_len=128, d_model=128, num_layers=4, num_heads=4,
                batch_size=16, steps=4, repeats=3, gpt2_seq_len=128, gpt2_batch_size=1,
                gpt2_steps=2),
}

_GPT_COUNTS = {  # each size and its lowest allowed value
    "vocab_size": 1, "seq_len": 1, "d_model": 1, "num_layers": 1, "num_heads": 1,
    "batch_size": 1, "steps": 1, "repeats": 1, "new_tokens": 1, "prompt_len": 1,
    "gpt2_seq_len": 1, "gpt2_batch_size": 1, "gpt2_steps": 0,
}


def _gpt_under(shape, precision):
    """A GPT of ``shape`` (seed 0) built under ``precision``, leaving the global policy as it was."""
    keras = import_keras()

    import bmlearn as bm

    previous = keras.mixed_precision.global_policy()
    keras.mixed_precision.set_global_policy(precision)
    try:
        keras.utils.set_random_seed(0)
        return bm.models.build_gpt(shape["vocab_size"], shape["seq_len"], shape["d_model"],
                                   shape["num_layers"], shape["num_heads"])
    finally:
        keras.mixed_precision.set_global_policy(previous)


def _gpt_model(shape, precision, jit_compile):
    """A compiled GPT of ``shape`` under ``precision`` (the policy only decides the dtypes)."""
    keras = import_keras()
    model = _gpt_under(shape, precision)
    model.compile(optimizer=keras.optimizers.AdamW(3e-4),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  jit_compile=jit_compile)
    return model


def _train_tokens_per_second(models, vocab_size, seq_len, batch_size, steps, repeats, verbose,
                             label=""):
    """Median training tokens/s of each model, paths taking turns, after a warm-up step each."""
    import numpy as np

    import bmlearn as bm

    rng = np.random.default_rng(0)
    ids = rng.integers(0, vocab_size, size=(batch_size * steps, seq_len + 1), dtype=np.int32)
    x, y = ids[:, :-1], ids[:, 1:]
    for model in models.values():  # warm-up: tracing and XLA compilation, untimed
        model.fit(x[:batch_size], y[:batch_size], batch_size=batch_size, epochs=1, verbose=0)
    speeds = {name: [] for name in models}
    for r in range(repeats):
        for name, model in models.items():
            meter = bm.train.ThroughputMeter(batch_size, warmup_steps=0)
            model.fit(x, y, batch_size=batch_size, epochs=1, shuffle=False, verbose=0,
                      callbacks=[meter])
            speeds[name].append(meter.samples_per_second * seq_len)
            if verbose:
                print(f"  run {r + 1}/{repeats} {label}{name:<12}: "
                      f"{speeds[name][-1]:9.0f} tokens/s", flush=True)
    return {name: statistics.median(v) for name, v in speeds.items()}


def _generation_tokens_per_second(shape, precision, new_tokens, prompt_len, repeats, verbose):
    """Median tokens/s of greedy generation with and without the cache, and whether they agree."""
    import numpy as np

    import bmlearn as bm

    model = _gpt_under(shape, precision)
    prompt = np.random.default_rng(1).integers(0, shape["vocab_size"], prompt_len)
    paths = {"cache": True, "no cache": False}
    for use_cache in paths.values():  # warm-up: compiles prefill, step and forward
        bm.text.generate(model, prompt, min(2, new_tokens), temperature=0, use_cache=use_cache)
    speeds, outputs = {name: [] for name in paths}, {}
    for r in range(repeats):
        for name, use_cache in paths.items():
            start = time.perf_counter()
            outputs[name] = bm.text.generate(model, prompt, new_tokens, temperature=0,
                                             use_cache=use_cache)
            speeds[name].append(new_tokens / (time.perf_counter() - start))
            if verbose:
                print(f"  run {r + 1}/{repeats} generation, {name:<9}: "
                      f"{speeds[name][-1]:9.1f} tokens/s", flush=True)
    same = bool(np.array_equal(outputs["cache"], outputs["no cache"]))
    return {name: statistics.median(v) for name, v in speeds.items()}, same


def _device_peak(env):
    """``(DevicePeak or None, the device's name)``: the first GPU's published peak, if known."""
    from bmlearn.scaling import device_peak

    if not env.gpus:
        kind = next((d.kind for d in env.devices if d.kind != "CPU"), "CPU")
        return None, kind
    name = env.gpus[0].description or env.gpus[0].name
    try:
        return device_peak(name), name
    except ValueError:
        return None, name


def utilisation_text(tokens_per_second: float, flops_per_token: float, peak, device: str) -> str:
    """One line on achieved FLOP/s and, given a device's published peak, the MFU.

    Args:
        tokens_per_second: training tokens per second on one device.
        flops_per_token: the model's training FLOPs per token
            (:func:`bmlearn.scaling.flops_per_token`).
        peak: the device's :class:`bmlearn.scaling.DevicePeak`, or ``None``
            when no published peak is known (CPUs, unlisted GPUs).
        device: the device's name, for the message without a peak.

    Returns:
        A string: the MFU as a percentage of the peak with the FLOP/s
        achieved, or the FLOP/s achieved and why there is no MFU.

    Raises:
        ValueError: if ``tokens_per_second`` or ``flops_per_token`` is not
            positive, or the figures exceed the peak.

    Example:
        >>> from bmlearn.scaling import DEVICE_PEAKS
        >>> utilisation_text(300e3, 1e9, DEVICE_PEAKS["A100"], "NVIDIA A100-SXM4-80GB")
        "MFU 96.2% of the A100's 312 TFLOP/s bfloat16 peak (300.0 TFLOP/s achieved)"
        >>> utilisation_text(1e3, 5e6, None, "CPU")
        '5.00 GFLOP/s achieved; no MFU: no published peak for CPU'
    """
    from bmlearn.scaling import model_flops_utilisation

    achieved = _positive_float(tokens_per_second, "tokens_per_second") * _positive_float(
        flops_per_token, "flops_per_token")
    if peak is None:
        return f"{achieved / 1e9:.2f} GFLOP/s achieved; no MFU: no published peak for {device}"
    mfu = model_flops_utilisation(tokens_per_second, flops_per_token, peak.flops)
    return (f"MFU {100 * mfu:.1f}% of the {peak.name}'s {peak.flops / 1e12:.0f} TFLOP/s "
            f"{peak.dtype} peak ({achieved / 1e12:.1f} TFLOP/s achieved)")


def _positive_float(value, name):
    from bmlearn.validation import check_scalar

    return check_scalar(value, name, low=0, low_open=True)


def measure_gpt(*, verbose: bool = True, **sizes):
    """Measure a GPT's training and generation speed, and its FLOPs utilisation on a GPU.

    See the module's docstring for what runs. Sizes not given come from
    :data:`GPT_SIZES` for the device found (``"gpu"`` with a GPU, else ``"cpu"``).

    Args:
        verbose: print each run.
        **sizes: any of ``vocab_size``, ``seq_len``, ``d_model``,
            ``num_layers``, ``num_heads``, ``batch_size`` (the mini-GPT and its
            batches), ``steps`` and ``repeats`` (timed steps per run, runs per
            path), ``new_tokens`` and ``prompt_len`` (generation),
            ``gpt2_seq_len``, ``gpt2_batch_size`` and ``gpt2_steps`` (GPT-2
            small's training windows, batches and timed steps; 0 steps skips it).

    Returns:
        A dict: ``device``, ``sizes`` (all sizes used), ``params``,
        ``float32``, ``fast`` and ``xla_float32`` (median training tokens/s
        of (a), (b) and the diagnostic), ``ratio`` ((b) / (a)),
        ``fast_precision``, ``flops_per_token``, ``generation`` (tokens/s
        ``{"cache": …, "no cache": …}``), ``same_tokens``, ``gen_precision``,
        ``gen_context``, ``tf32`` (whether float32 products ran in TF32),
        ``peak`` (a :class:`~bmlearn.scaling.DevicePeak` or ``None``),
        ``gpt2`` (``None`` when skipped, else a dict with
        ``params``, ``tokens_per_second``, ``flops_per_token`` and ``error``,
        a message when it ran out of memory).

    Raises:
        ValueError: for an unknown size name, a count that is not a positive
            integer (``gpt2_steps`` may be 0), ``d_model`` not divisible by
            ``num_heads``, or ``gpt2_seq_len`` above 1024.

    Example:
        >>> measure_gpt(steps=0)
        Traceback (most recent call last):
        ...
        ValueError: steps must be a positive integer, but received 0.
    """
    _check_gpt_sizes(sizes)

    import bmlearn as bm

    env = bm.setup(deterministic=False, verbose=False)
    defaults = GPT_SIZES["gpu" if env.gpus else "cpu"]
    chosen = {name: defaults[name] if sizes.get(name) is None else sizes[name]
              for name in defaults}
    chosen["new_tokens"] = sizes.get("new_tokens") or 256
    chosen["prompt_len"] = sizes.get("prompt_len") or 1
    if chosen["d_model"] % chosen["num_heads"]:
        raise ValueError(f"d_model must be divisible by num_heads, but received "
                         f"d_model={chosen['d_model']} and num_heads={chosen['num_heads']}.")
    with _nondeterministic():
        return _measure_gpt(env, chosen, verbose)


def _check_gpt_sizes(sizes):
    from bmlearn.validation import check_scalar

    unknown = sorted(set(sizes) - set(_GPT_COUNTS))
    if unknown:
        raise ValueError(f"sizes must be among {', '.join(_GPT_COUNTS)}, but received "
                         f"{', '.join(unknown)}.")
    for name, value in sizes.items():
        if value is not None:
            low = _GPT_COUNTS[name]
            what = "a positive integer" if low else "an integer >= 0"
            if isinstance(value, bool) or not isinstance(value, int) or value < low:
                raise ValueError(f"{name} must be {what}, but received {value!r}.")
    if sizes.get("gpt2_seq_len") is not None:
        check_scalar(sizes["gpt2_seq_len"], "gpt2_seq_len", integer=True, low=1,
                     high=GPT2_SMALL["seq_len"])


def _measure_gpt(env, sizes, verbose):
    import bmlearn as bm
    from bmlearn.quiet import import_tensorflow
    from bmlearn.scaling import flops_per_token, gpt_params

    tf = import_tensorflow()
    shape = {k: sizes[k] for k in ("vocab_size", "seq_len", "d_model", "num_layers", "num_heads")}
    fast_precision = env.precision if env.precision != "float32" else "mixed_bfloat16"
    models = {
        "(a) float32": _gpt_model(shape, "float32", False),
        "(b) fast": _gpt_model(shape, fast_precision, True),
        "float32+XLA": _gpt_model(shape, "float32", True),
    }
    xla_models = (models["(b) fast"], models["float32+XLA"])
    if not all(m.jit_compile for m in xla_models):  # pragma: no cover - guards _print_gpt
        raise RuntimeError("the XLA paths' models could not be compiled with XLA")
    params = models["(a) float32"].count_params()
    speeds = _train_tokens_per_second(models, sizes["vocab_size"], sizes["seq_len"],
                                      sizes["batch_size"], sizes["steps"], sizes["repeats"],
                                      verbose)
    per_token = flops_per_token(params, sizes["num_layers"], sizes["d_model"], sizes["seq_len"])
    del models

    gen_context = max(sizes["seq_len"], sizes["prompt_len"] + sizes["new_tokens"] - 1)
    generation, same = _generation_tokens_per_second(
        dict(shape, seq_len=gen_context), env.precision, sizes["new_tokens"],
        sizes["prompt_len"], sizes["repeats"], verbose)

    gpt2 = None
    if sizes["gpt2_steps"]:
        gpt2 = {"params": gpt_params(**{k: v for k, v in GPT2_SMALL.items() if k != "num_heads"}),
                "flops_per_token": None, "tokens_per_second": None, "error": None}
        gpt2["flops_per_token"] = flops_per_token(gpt2["params"], GPT2_SMALL["num_layers"],
                                                  GPT2_SMALL["d_model"], sizes["gpt2_seq_len"])
        try:
            model = _gpt_model(GPT2_SMALL, fast_precision, True)
            gpt2["tokens_per_second"] = _train_tokens_per_second(
                {"GPT-2 small": model}, GPT2_SMALL["vocab_size"], sizes["gpt2_seq_len"],
                sizes["gpt2_batch_size"], sizes["gpt2_steps"], 1, verbose, label="(b) ",
            )["GPT-2 small"]
        except tf.errors.ResourceExhaustedError:  # pragma: no cover - small GPUs only
            gpt2["error"] = (f"out of memory at batches of {sizes['gpt2_batch_size']}: "
                             "try a smaller --gpt2-batch-size")
    peak, device_name = _device_peak(env)
    return {
        "device": "; ".join(str(d) for d in env.devices[:1]), "device_name": device_name,
        "sizes": sizes, "params": params, "float32": speeds["(a) float32"],
        "fast": speeds["(b) fast"], "xla_float32": speeds["float32+XLA"],
        "ratio": speeds["(b) fast"] / speeds["(a) float32"], "fast_precision": fast_precision,
        "flops_per_token": per_token, "generation": generation, "same_tokens": same,
        "gen_precision": env.precision, "gen_context": gen_context, "peak": peak, "gpt2": gpt2,
        "tf32": env.tf32,
    }


def _print_gpt(result):
    s = result["sizes"]
    print(f"device    : {result['device']}")
    print(f"mini-GPT  : vocabulary {s['vocab_size']}, context {s['seq_len']}, width "
          f"{s['d_model']}, {s['num_layers']} layers, {s['num_heads']} heads: "
          f"{result['params']:,} parameters; batches of {s['batch_size']} x {s['seq_len']} tokens")
    print(f"measured  : {s['repeats']} runs x {s['steps']} steps per path, after one untimed "
          "warm-up step per model (tracing and XLA compilation are excluded); median of the runs")
    float32 = "float32 (TF32 products)" if result.get("tf32") else "float32"
    rows = [
        (f"training (a) {float32}, no XLA", result["float32"]),
        (f"training (b) {result['fast_precision']} + XLA", result["fast"]),
    ]
    for label, speed in rows:
        print(f"{label:<44}: {speed:10.0f} tokens/s "
              f"({speed * result['flops_per_token'] / 1e9:.2f} GFLOP/s)")
    print(f"{'ratio (b) / (a)':<44}: {result['ratio']:10.2f}")
    print(f"{'diagnostic: float32 + XLA':<44}: {result['xla_float32']:10.0f} tokens/s")
    gen = result["generation"]
    print(f"generation: {s['new_tokens']} new tokens after a {s['prompt_len']}-token prompt, "
          f"greedy, one sequence, {result['gen_precision']}, the same shape with context "
          f"{result['gen_context']} (prompt and new tokens fit: the cache serves every token)")
    print(f"{'generation with the KV cache':<44}: {gen['cache']:10.1f} tokens/s")
    print(f"{'generation without the cache':<44}: {gen['no cache']:10.1f} tokens/s")
    print(f"{'speed-up of the cache':<44}: {gen['cache'] / gen['no cache']:10.1f} x "
          f"(same tokens: {'yes' if result['same_tokens'] else 'no'})")
    peak, name = result["peak"], result["device_name"]
    print(f"FLOPs per token, 6N + 12 L d T: {result['flops_per_token']:.3g} (mini-GPT)")
    print(f"{'utilisation (b), mini-GPT':<44}: "
          + utilisation_text(result["fast"], result["flops_per_token"], peak, name))
    gpt2 = result["gpt2"]
    if gpt2 is None:
        print("GPT-2 small: skipped (--gpt2-steps 0)")
        return
    print(f"GPT-2 small: {gpt2['params']:,} parameters, {result['fast_precision']} + XLA, "
          f"batches of {s['gpt2_batch_size']} x {s['gpt2_seq_len']} tokens (of its "
          f"{GPT2_SMALL['seq_len']:,} positions), 1 run x {s['gpt2_steps']} steps after a "
          f"warm-up step; FLOPs per token {gpt2['flops_per_token']:.3g}")
    if gpt2["error"]:
        print(f"{'training GPT-2 small (b)':<44}: {gpt2['error']}")
        return
    speed = gpt2["tokens_per_second"]
    print(f"{'training GPT-2 small (b)':<44}: {speed:10.0f} tokens/s "
          f"({speed * gpt2['flops_per_token'] / 1e9:.2f} GFLOP/s)")
    print(f"{'utilisation (b), GPT-2 small':<44}: "
          + utilisation_text(speed, gpt2["flops_per_token"], peak, name))


def _main_gpt(argv) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bmlearn.bench gpt",
        description="Training and generation tokens/s of a mini-GPT, and MFU on a GPU. "
                    "Sizes left out depend on the device (bmlearn.bench.GPT_SIZES).",
    )
    flags = [
        ("--vocab-size", "vocab_size", "token ids of the mini-GPT (65)"),
        ("--seq-len", "seq_len", "its context and training windows (GPU 256, CPU 128)"),
        ("--d-model", "d_model", "its width (GPU 384, CPU 128)"),
        ("--layers", "num_layers", "its blocks (GPU 6, CPU 4)"),
        ("--heads", "num_heads", "its attention heads (GPU 6, CPU 4)"),
        ("--batch-size", "batch_size", "sequences per step (GPU 64, CPU 16)"),
        ("--steps", "steps", "timed steps per run (GPU 20, CPU 4)"),
        ("--repeats", "repeats", "timed runs per path; the median is reported (3)"),
        ("--new-tokens", "new_tokens", "tokens to generate (256)"),
        ("--prompt-len", "prompt_len", "tokens in the prompt (1)"),
        ("--gpt2-seq-len", "gpt2_seq_len", "GPT-2 small's training windows, <= 1024 "
                                           "(GPU 1024, CPU 128)"),
        ("--gpt2-batch-size", "gpt2_batch_size", "GPT-2 small's batch (GPU 8, CPU 1)"),
        ("--gpt2-steps", "gpt2_steps", "GPT-2 small's timed steps; 0 skips it (GPU 10, CPU 2)"),
    ]
    for flag, dest, text in flags:
        parser.add_argument(flag, dest=dest, type=int, default=None, help=text)
    args = parser.parse_args(argv)
    _check_gpt_sizes(vars(args))
    print("the GPT benchmark: training and generation tokens/s, and FLOPs utilisation")
    result = measure_gpt(**vars(args))
    _print_gpt(result)
    return 0


def main(argv=None) -> int:
    """Command-line entry point (``python -m bmlearn.bench [train|gpt]``); returns the exit code.

    Args:
        argv: the arguments. A leading ``gpt`` runs the GPT benchmark
            (:func:`measure_gpt`; ``python -m bmlearn.bench gpt --help`` lists
            its options); a leading ``train``, or none, the CNN benchmark
            (:func:`measure`). ``None`` reads ``sys.argv``.

    Returns:
        0 on success.

    Raises:
        ValueError: if a count is not a positive integer.

    Example:
        >>> main(["--epochs", "0"])
        Traceback (most recent call last):
        ...
        ValueError: epochs must be a positive integer, but received 0.
        >>> main(["gpt", "--repeats", "0"])
        Traceback (most recent call last):
        ...
        ValueError: repeats must be a positive integer, but received 0.
    """
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["gpt"]:
        return _main_gpt(argv[1:])
    parser = argparse.ArgumentParser(
        prog="python -m bmlearn.bench",
        description="Samples per second of the digits CNN: plain fit vs bmlearn's fast path.",
    )
    parser.add_argument("--epochs", type=int, default=3, help="epochs per timed run (default 3)")
    parser.add_argument("--repeats", type=int, default=3, help="timed runs per path (default 3)")
    parser.add_argument("--batch-size", type=int, default=32, help="samples per step (default 32)")
    args = parser.parse_args(argv[1:] if argv[:1] == ["train"] else argv)
    from bmlearn.validation import check_scalar

    for name in ("epochs", "repeats", "batch_size"):
        check_scalar(getattr(args, name), name, integer=True, low=1)
    print("the digits CNN: plain fit vs bmlearn's fast path")
    result = measure(epochs=args.epochs, repeats=args.repeats, batch_size=args.batch_size)
    print(f"device   : {result['device']}")
    print(f"measured : {args.repeats} runs x {result['steps_per_run']} steps of "
          f"{args.batch_size} samples per path, after one untimed warm-up epoch per model "
          "(tracing and XLA compilation are excluded); median of the runs")
    print(f"(a) plain fit on NumPy arrays, float32, no XLA : {result['plain']:9.0f} samples/s")
    print(f"(b) tf.data + XLA, {result['fast_precision']:<27} : {result['fast']:9.0f} samples/s")
    print(f"ratio (b) / (a)                                : {result['ratio']:9.2f}")
    print(f"diagnostic: tf.data pipeline alone (no XLA)    : {result['pipeline']:9.0f} samples/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
