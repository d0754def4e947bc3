"""Low-rank adaptation (LoRA): a frozen dense layer plus a trainable low-rank update."""

from __future__ import annotations

import numpy as np

from bmlearn.numerics import unit_roundoff
from bmlearn.quiet import import_keras
from bmlearn.validation import as_finite_array, check_scalar

keras = import_keras()
ops = keras.ops

__all__ = ["ATTENTION_PROJECTIONS", "LoRA", "add_lora", "merge_lora"]

#: The attention projections of :class:`bmlearn.layers.TransformerBlock`, where
#: Hu et al. (2021) put LoRA: ``add_lora``'s default targets.
ATTENTION_PROJECTIONS = ("query", "key", "value", "attention_output")

#: Roundings to the compute dtype on the path of one term of the output, at most, in
#: :meth:`LoRA.call` and in Keras's ``enable_lora`` (see :meth:`LoRA.error_bound`).
_ROUNDINGS = 10
_LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _specs(layer):
    """``(input, kernel, output)`` einsum subscripts of a Dense or EinsumDense layer."""
    if isinstance(layer, keras.layers.EinsumDense):
        inputs, rest = layer.equation.split(",")
        kernel, output = rest.split("->")
        if "." in layer.equation:
            raise ValueError(f"layer must be an EinsumDense without an ellipsis ('...'), but "
                             f"received the equation {layer.equation!r}.")
        return inputs, kernel, output
    return "...i", "io", "...o"  # Dense: x @ W over the last axis


def _contracted_axes(layer) -> int:
    """How many leading kernel axes are summed against the input; raise if they are not leading."""
    inputs, kernel, _ = _specs(layer)
    contracted = [c in inputs for c in kernel]
    n = sum(contracted)
    if n == 0 or contracted != [True] * n + [False] * (len(kernel) - n):
        raise ValueError(
            f"layer's kernel axes must list the axes summed against the input first, then the "
            f"output axes, but received the equation {getattr(layer, 'equation', '')!r}.")
    return n


def _check_target(layer, name: str = "layer"):
    if not isinstance(layer, (keras.layers.Dense, keras.layers.EinsumDense)):
        raise ValueError(f"{name} must be a keras.layers.Dense or EinsumDense, but received "
                         f"{type(layer).__name__}.")
    if getattr(layer, "lora_enabled", False):
        raise ValueError(f"{name} must not have Keras's own LoRA enabled, but received "
                         f"{layer.name!r} with lora_enabled=True.")
    if getattr(layer, "quantization_mode", None) is not None:
        raise ValueError(f"{name} must not be quantized, but received {layer.name!r} with "
                         f"quantization_mode={layer.quantization_mode!r}.")
    _contracted_axes(layer)


@keras.saving.register_keras_serializable(package="bmlearn")
class LoRA(keras.layers.Layer):
    """A frozen ``Dense`` or ``EinsumDense`` layer plus a trainable low-rank update (LoRA).

    Low-rank adaptation (Hu et al., 2021) fine-tunes a pretrained layer
    ``y = x W + b`` without changing ``W``: it learns a low-rank correction
    ``ΔW = (alpha / rank) · A B`` and computes::

        y = x W + b + (alpha / rank) · (x A) B

    with ``A`` of shape ``(n_in, rank)`` and ``B`` of shape ``(rank, n_out)``
    for a kernel ``W`` of shape ``(n_in, n_out)``. ``W`` and ``b`` are frozen
    (the wrapped layer is made non-trainable); only ``A`` and ``B`` train:
    ``rank · (n_in + n_out)`` parameters instead of ``n_in · n_out``. ``B``
    starts at **zero**, so the wrapped layer starts out computing exactly what
    it computed before, and ``A`` from He-uniform noise (``a_initializer``).
    The scale ``alpha / rank`` (``alpha`` defaults to ``rank``: a scale of 1)
    lets one change the rank without re-tuning the learning rate. After
    training, :func:`merge_lora` folds ``ΔW`` into ``W``: the adapted model
    then costs nothing extra to run.

    This is the convention of Keras's built-in ``layer.enable_lora(rank,
    lora_alpha=alpha)`` (``keras/src/layers/core/dense.py``): its
    ``lora_kernel_a`` is ``A`` (He-uniform, input side), its ``lora_kernel_b``
    is ``B`` (zeros, output side), the scale is ``lora_alpha / rank``. The
    paper writes ``h = W₀x + BAx`` for column vectors: its ``A`` is our ``Aᵀ``,
    and in both it is the output side that starts at zero. Given the same
    ``A`` and ``B``, this layer and ``enable_lora`` compute the same outputs
    up to rounding (:meth:`error_bound` bounds it). Keras merges ``ΔW`` into
    the kernel at every call; this layer keeps ``W`` untouched and adds
    ``(x A) B``, the order the paper describes.

    **Kernels with more than two axes.** An ``EinsumDense`` kernel such as the
    query projection's ``(d_model, heads, head_dim)`` is split into its first
    ``input_axes`` axes (``A``: ``kernel.shape[:input_axes] + (rank,)``) and
    the rest (``B``: ``(rank,) + kernel.shape[input_axes:]``), and ``ΔW`` is
    ``A`` and ``B`` contracted over the rank axis. By default ``input_axes``
    is the number of axes summed against the input, so ``ΔW`` is a true
    rank-``rank`` update of the kernel read as an ``(inputs × outputs)``
    matrix, as in the paper. Keras's ``EinsumDense.enable_lora`` always splits
    off the **last** axis only (``input_axes = kernel.ndim - 1``); for the
    query projection that gives ``A`` of shape ``(d_model, heads, rank)``, a
    larger ``A`` and an update of rank up to ``heads · rank``. Pass
    ``input_axes=kernel.ndim - 1`` to reproduce it. For a ``Dense`` kernel,
    and for the attention output ``(heads, head_dim, d_model)``, the two
    conventions coincide.

    Dtypes: the layer takes the wrapped layer's dtype policy, and so computes
    in its compute dtype: under ``mixed_float16`` the output is **float16**.
    ``A`` and ``B`` are stored in the variable dtype (float32 under mixed
    precision, as Keras stores its LoRA kernels).

    Args:
        layer: a ``keras.layers.Dense`` or ``keras.layers.EinsumDense`` whose
            kernel lists the axes summed against the input first (an
            EinsumDense equation without ``...``), not quantized, without
            Keras's LoRA enabled. If it is built, the wrapper is built at once.
        rank: the rank ``r`` of the update, a positive integer.
        alpha: the scale's numerator (default ``rank``), > 0.
        input_axes: the number of leading kernel axes that ``A`` spans
            (default: the axes summed against the input).
        a_initializer: initializer of ``A`` (``B`` always starts at zero).
        **kwargs: passed to ``keras.layers.Layer`` (``name``; ``dtype``
            defaults to the wrapped layer's policy).

    Call arguments:
        inputs: what the wrapped layer takes.

    Raises:
        ValueError: for a layer that is not a plain Dense or EinsumDense (or
            has an activation, which the update must come before: wrap a
            layer without one and apply the activation after), a rank or
            alpha that is not positive, or ``input_axes`` outside
            ``[1, kernel.ndim - 1]``.

    Example:
        >>> import numpy as np
        >>> dense = keras.layers.Dense(6)
        >>> x = np.random.default_rng(0).normal(size=(2, 8)).astype("float32")
        >>> before = dense(x).numpy()
        >>> lora = LoRA(dense, rank=2)
        >>> [tuple(w.shape) for w in lora.trainable_weights]  # A and B: 2 · (8 + 6) numbers
        [(8, 2), (2, 6)]
        >>> bool(np.array_equal(lora(x).numpy(), before))  # B = 0: nothing changed yet
        True
        >>> LoRA(keras.layers.Dense(4), rank=0)
        Traceback (most recent call last):
        ...
        ValueError: rank must be a positive integer, but received 0.
    """

    def __init__(self, layer, rank: int, *, alpha: float | None = None,
                 input_axes: int | None = None, a_initializer="he_uniform", **kwargs):
        _check_target(layer)
        if layer.activation not in (None, keras.activations.linear):
            raise ValueError(
                f"layer must have no activation (the update comes before it), but received "
                f"{layer.name!r} with activation {getattr(layer.activation, '__name__', '?')!r}.")
        kwargs.setdefault("dtype", layer.dtype_policy)
        super().__init__(**kwargs)
        self.rank = check_scalar(rank, "rank", integer=True, low=1)
        self.alpha = float(self.rank if alpha is None else
                           check_scalar(alpha, "alpha", low=0, low_open=True))
        n_kernel_axes = len(_specs(layer)[1])
        self.input_axes = (_contracted_axes(layer) if input_axes is None else
                           check_scalar(input_axes, "input_axes", integer=True, low=1,
                                        high=n_kernel_axes - 1))
        self.a_initializer = keras.initializers.get(a_initializer)
        self.layer = layer
        if layer.built:
            self.build(layer.get_build_config()["input_shape"])

    @property
    def scale(self) -> float:
        """The update's scale, ``alpha / rank``."""
        return self.alpha / self.rank

    def build(self, input_shape):
        if not self.layer.built:
            self.layer.build(input_shape)
        kernel_shape = tuple(self.layer.kernel.shape)
        p = self.input_axes
        # Float32 under mixed precision (the variable dtype), like Keras's LoRA kernels.
        self.lora_kernel_a = self.add_weight(name="lora_kernel_a",
                                             shape=kernel_shape[:p] + (self.rank,),
                                             initializer=self.a_initializer)
        self.lora_kernel_b = self.add_weight(name="lora_kernel_b",
                                             shape=(self.rank,) + kernel_shape[p:],
                                             initializer="zeros")
        self.layer.trainable = False
        self.built = True

    def _lora_equations(self):
        """Einsum equations for ``x A`` and ``(x A) B``."""
        inputs, kernel, output = _specs(self.layer)
        r = next(c for c in _LETTERS if c not in inputs + kernel + output)
        p = self.input_axes
        b_axes = kernel[p:]
        middle = "".join(c for c in output if c not in b_axes) + r
        return f"{inputs},{kernel[:p]}{r}->{middle}", f"{middle},{r}{b_axes}->{output}"

    def call(self, inputs):
        layer = self.layer
        if isinstance(layer, keras.layers.EinsumDense):
            y = ops.einsum(layer.equation, inputs, layer.kernel)
        else:
            y = ops.matmul(inputs, layer.kernel)
        to_middle, to_output = self._lora_equations()
        update = ops.einsum(to_output, ops.einsum(to_middle, inputs, self.lora_kernel_a),
                            self.lora_kernel_b)
        y = ops.add(y, ops.multiply(ops.cast(self.scale, update.dtype), update))
        if layer.bias is not None:
            y = ops.add(y, layer.bias)
        return y

    def compute_output_shape(self, input_shape):
        return self.layer.compute_output_shape(input_shape)

    def delta(self) -> np.ndarray:
        """The update ``(alpha / rank) · A B`` in the kernel's shape, as a NumPy array.

        Returns:
            An array of the wrapped kernel's shape and variable dtype.

        Example:
            >>> lora = LoRA(keras.layers.Dense(3), rank=1)
            >>> _ = lora(np.ones((1, 4), "float32"))
            >>> lora.delta().shape, float(np.abs(lora.delta()).max())  # B = 0
            ((4, 3), 0.0)
        """
        a = np.asarray(self.lora_kernel_a)
        b = np.asarray(self.lora_kernel_b)
        return (self.scale * np.tensordot(a, b, axes=1)).astype(a.dtype)

    def error_bound(self, inputs, dtype=None) -> np.ndarray:
        """A rigorous bound on how far the computed output can be from the exact one.

        The exact output is ``y = x (W + s A B) + b`` (``s = alpha / rank``),
        a sum of the terms ``x_i W_ij``, ``s x_i A_ik B_kj`` and ``b_j``.
        :meth:`call` computes it as ``x W + s (x A) B + b``; Keras's
        ``enable_lora`` as ``x (W + s A B) + b``. On each term's way to the
        output there are, in either order, at most 10 roundings to ``dtype``
        (``x``, ``W``, ``A``, ``B``, ``s`` and the bias rounded to it; the
        results of the two products, the scaling and the two sums rounded;
        one more where float32 inputs are rounded to TF32 inside a product),
        and at most ``n + rank + 2`` in the accumulation (the sums of ``n``
        and ``rank`` products, each product rounded in float32 once), with ``n``
        the number of terms summed per output. Each term is therefore computed
        as ``term · ∏(1 + δ)`` with ``|δ| ≤ u`` (``dtype``'s unit roundoff) or
        ``≤ v`` (the accumulation's), so (Higham, *Accuracy and Stability of
        Numerical Algorithms*, 3.1)::

            |computed − y| <= ((1 + u)**10 (1 + v)**(n + rank + 2) − 1) · M,
            M = |x| (|W| + s |A| |B|) + |b|

        Both computations lie within this bound of ``y``, so they lie within
        twice it of each other.

        Args:
            inputs: the layer's inputs, as an array.
            dtype: the precision of the products (default: the layer's
                compute dtype; pass ``env.matmul_dtype`` for float32 on a GPU
                that multiplies in TF32). The sums accumulate in float64 when
                ``dtype`` is float64, else in float32.

        Returns:
            An array of the output's shape.

        Raises:
            ValueError: for non-finite inputs or an unknown dtype.

        Example:
            >>> rng = np.random.default_rng(0)
            >>> x = rng.normal(size=(5, 4)).astype("float32")
            >>> lora = LoRA(keras.layers.Dense(3), rank=2)
            >>> _ = lora(x)
            >>> _ = lora.lora_kernel_b.assign(rng.normal(size=(2, 3)))  # as if trained
            >>> W, b = (np.asarray(w, np.float64) for w in lora.layer.weights)
            >>> exact = x.astype(np.float64) @ (W + lora.delta().astype(np.float64)) + b
            >>> bool(np.all(np.abs(lora(x).numpy() - exact) <= lora.error_bound(x)))
            True
        """
        x = as_finite_array(inputs, "inputs", dtype=np.float64)
        dtype = self.compute_dtype if dtype is None else dtype
        u = unit_roundoff(dtype)
        v = unit_roundoff("float64" if str(dtype) == "float64" else "float32")
        inputs_spec, kernel_spec, output_spec = _specs(self.layer)
        if isinstance(self.layer, keras.layers.Dense):
            inputs_spec, output_spec = "zi", "zo"  # NumPy's einsum: flatten the batch axes
        magnitude_kernel = (np.abs(np.asarray(self.layer.kernel, np.float64))
                            + self.scale * np.tensordot(
                                np.abs(np.asarray(self.lora_kernel_a, np.float64)),
                                np.abs(np.asarray(self.lora_kernel_b, np.float64)), axes=1))
        flat = x.reshape(-1, x.shape[-1]) if isinstance(self.layer, keras.layers.Dense) else x
        magnitude = np.einsum(f"{inputs_spec},{kernel_spec}->{output_spec}", np.abs(flat),
                              magnitude_kernel)
        if self.layer.bias is not None:
            magnitude = magnitude + np.abs(np.asarray(self.layer.bias, np.float64))
        if isinstance(self.layer, keras.layers.Dense):
            magnitude = magnitude.reshape(*x.shape[:-1], -1)
        n = int(np.prod(self.layer.kernel.shape[:_contracted_axes(self.layer)]))
        # (1 + u)**10 (1 + v)**m - 1, without losing u to the rounding of 1 + u
        growth = np.expm1(_ROUNDINGS * np.log1p(u) + (n + self.rank + 2) * np.log1p(v))
        return growth * magnitude

    def get_config(self):
        config = super().get_config()
        config.update(layer=keras.saving.serialize_keras_object(self.layer), rank=self.rank,
                      alpha=self.alpha, input_axes=self.input_axes,
                      a_initializer=keras.initializers.serialize(self.a_initializer))
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        if isinstance(config.get("dtype"), dict):
            config["dtype"] = keras.dtype_policies.deserialize(config["dtype"])
        inner = dict(config.pop("layer"))
        # The wrapped layer computes in the wrapper's policy (the global one if none is given).
        dtype = config.get("dtype")
        inner["config"] = dict(inner["config"], dtype=keras.dtype_policies.serialize(dtype)
                               if dtype is not None else None)
        layer = keras.saving.deserialize_keras_object(inner)
        config["a_initializer"] = keras.initializers.deserialize(config["a_initializer"])
        return cls(layer, **config)


def _parents(model):
    """Every layer in ``model``, nested ones included, and ``model`` itself."""
    return list(model._flatten_layers(include_self=True, recursive=True))


def _swap(parent, name: str, old, new) -> None:
    """Replace the sublayer ``parent.<name>`` by ``new``, keeping its place in ``parent``'s list."""
    tracker = parent._tracker
    locked = tracker.locked
    tracker.unlock()  # Keras locks a built layer's list of sublayers; this is what enable_lora does
    try:
        tracker.replace_tracked_value("layers", old, new)
        object.__setattr__(parent, name, new)
    finally:
        if locked:
            tracker.lock()


def _forget_traced_functions(model) -> None:
    """Drop the train/test/predict functions Keras traced and cached for every model in ``model``.

    A traced function keeps calling the sublayers it was traced with; after a swap it must be
    traced again (``compile`` does the same).
    """
    for layer in _parents(model):
        if isinstance(layer, keras.Model):
            layer.train_function = layer.test_function = layer.predict_function = None


def add_lora(model, rank: int, *, alpha: float | None = None,
             targets=ATTENTION_PROJECTIONS, input_axes: int | None = None,
             a_initializer="he_uniform") -> list:
    """Put LoRA on the named dense sublayers of a model, in place.

    Every layer of ``model`` (nested ones included) that has an attribute
    named in ``targets`` holding a built ``Dense`` or ``EinsumDense`` gets
    that sublayer replaced by a :class:`LoRA` wrapping it, so the same
    weights are used and frozen, plus a trainable ``A`` and ``B`` (``B = 0``:
    the model's outputs do not change). This is how LoRA libraries (Hugging
    Face PEFT, Microsoft's ``loralib``) apply it: to chosen sublayers of a
    pretrained network, by default the attention projections of every
    :class:`~bmlearn.layers.TransformerBlock` (Hu et al., 2021, section 4.2).
    Weights outside the targets keep their trainable flag: freeze them
    yourself (``layer.trainable = False``) for LoRA fine-tuning. Call it
    before ``compile`` of any model that holds ``model`` (``compile`` makes
    Keras trace its training step again; the models inside ``model`` itself
    are reset here).

    A model with LoRA in its blocks is for training and evaluating in this
    session; to save it, fold the updates in with :func:`merge_lora` first
    (the blocks' configs do not record the wrappers).

    Args:
        model: a built Keras model or layer.
        rank, alpha, input_axes, a_initializer: as :class:`LoRA`.
        targets: attribute names of the sublayers to adapt.

    Returns:
        The list of new :class:`LoRA` layers, in the model's layer order.

    Raises:
        ValueError: if no sublayer matches ``targets``, or as :class:`LoRA`.

    Example:
        >>> import numpy as np
        >>> from bmlearn.models import build_gpt
        >>> gpt = build_gpt(vocab_size=50, seq_len=8, d_model=16, num_layers=2, num_heads=2)
        >>> ids = np.arange(8)[None] % 50
        >>> before = gpt(ids).numpy()
        >>> added = add_lora(gpt, rank=2)
        >>> len(added)  # 4 projections in each of 2 blocks
        8
        >>> lora = [w for w in gpt.trainable_weights if "lora" in w.name]
        >>> sum(int(np.prod(w.shape)) for w in lora) == 8 * 2 * (16 + 16)  # rank (n_in + n_out)
        True
        >>> bool(np.array_equal(gpt(ids).numpy(), before))  # B = 0
        True
    """
    targets = tuple(targets)
    added = []
    for parent in _parents(model):
        if isinstance(parent, LoRA):
            continue
        for name in targets:
            old = getattr(parent, name, None)
            if isinstance(old, (keras.layers.Dense, keras.layers.EinsumDense)) and old.built:
                new = LoRA(old, rank, alpha=alpha, input_axes=input_axes,
                           a_initializer=a_initializer, name=f"{old.name}_lora")
                _swap(parent, name, old, new)
                added.append(new)
    if not added:
        raise ValueError(f"model must have built Dense or EinsumDense sublayers named "
                         f"{list(targets)!r}, but received a model with none.")
    _forget_traced_functions(model)
    return added


def merge_lora(model) -> int:
    """Fold every LoRA update of a model into its kernel and remove the wrappers, in place.

    Each :class:`LoRA` sublayer is replaced by the layer it wraps, whose
    kernel becomes ``W + (alpha / rank) · A B`` (computed in the kernel's
    dtype) and which is made trainable again. The model then has its
    original structure and size, computes what the adapted model computed
    (up to rounding), and saves and loads like any other. The wrapper's
    ``B`` is set to zero, so that a ``predict`` function Keras traced
    before the merge, in a model holding this one, still computes the
    merged model (its stale path adds ``(x A) · 0``).

    Args:
        model: a Keras model or layer, as :func:`add_lora` left it.

    Returns:
        The number of updates folded in.

    Example:
        >>> import numpy as np
        >>> from bmlearn.models import build_gpt
        >>> gpt = build_gpt(vocab_size=50, seq_len=8, d_model=16, num_layers=1, num_heads=2)
        >>> n_params = gpt.count_params()
        >>> _ = add_lora(gpt, rank=2)
        >>> merge_lora(gpt), gpt.count_params() == n_params
        (4, True)
    """
    merged = 0
    for parent in _parents(model):
        for name, value in list(vars(parent).items()):
            if isinstance(value, LoRA) and not name.startswith("_"):
                inner = value.layer
                kernel = inner.kernel
                kernel.assign(np.asarray(kernel) + value.delta().astype(kernel.dtype))
                value.lora_kernel_b.assign(np.zeros(value.lora_kernel_b.shape))
                inner.trainable = True
                _swap(parent, name, value, inner)
                merged += 1
    _forget_traced_functions(model)
    return merged
