"""``python -m bmlearn.bench``: samples per second of a small CNN, trained two ways.

The benchmark readers run on their own hardware (``make bench-train``; a
leading ``train`` argument is accepted, as in ``python -m bmlearn.bench train``).
Timing the lessons is repository tooling instead: ``tools/lessons.py``
(``make bench``).

It trains the digits CNN (``bm.models.build_cnn`` on
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
"""

from __future__ import annotations

import argparse
import statistics
import sys

from bmlearn.quiet import import_keras

__all__ = ["main", "measure"]


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
    from tensorflow.python.framework import config as tf_config

    # Keras refuses XLA while deterministic ops are on; an earlier setup() in the same
    # process may have turned them on, so switch them off for the measurement.
    was_deterministic = tf_config.is_op_determinism_enabled()
    if was_deterministic:
        tf_config.disable_op_determinism()
    try:
        return _measure(env, epochs, repeats, batch_size, verbose)
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


def main(argv=None) -> int:
    """Command-line entry point (``python -m bmlearn.bench [train]``); returns the exit code.

    Args:
        argv: the arguments (a leading ``train`` is dropped); ``None`` reads ``sys.argv``.

    Returns:
        0 on success.

    Raises:
        ValueError: if a count is not a positive integer.

    Example:
        >>> main(["--epochs", "0"])
        Traceback (most recent call last):
        ...
        ValueError: epochs must be a positive integer, but received 0.
    """
    parser = argparse.ArgumentParser(
        prog="python -m bmlearn.bench",
        description="Samples per second of the digits CNN: plain fit vs bmlearn's fast path.",
    )
    parser.add_argument("--epochs", type=int, default=3, help="epochs per timed run (default 3)")
    parser.add_argument("--repeats", type=int, default=3, help="timed runs per path (default 3)")
    parser.add_argument("--batch-size", type=int, default=32, help="samples per step (default 32)")
    argv = list(sys.argv[1:] if argv is None else argv)
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
