"""Parameters, compute, memory and time of a language model, checked against published figures.

Every estimate about a large model, what it costs, how long it trains and what
it fits on, starts from a few lines of arithmetic. This module holds them, and
its tests hold each one to a figure its authors published:

- :func:`gpt_params` and :func:`gpt_param_breakdown` count a GPT-2-layout
  model's parameters exactly. GPT-2 small's shape gives 124,439,808, the
  released checkpoint's count (Radford et al. 2019 printed 117M in their
  Table 2; the checkpoint is what counts). The breakdown teaches where the
  parameters go: at 124M the token embedding is almost a third of the model,
  and the blocks' share grows as ``12 L d²`` with width and depth (Kaplan et
  al. 2020, Section 2.1).
- :func:`training_flops` is ``6 N D`` (Kaplan et al. 2020, Section 2.1): two
  FLOPs per parameter per token forward, four backward. It reproduces GPT-3's
  3.14e23 FLOPs (Brown et al. 2020, Table D.1): training cost is parameters
  times tokens, nothing else to first order.
- :func:`flops_per_token` adds attention's ``12 L H Q T`` (Chowdhery et al.
  2022, "PaLM", Appendix B), the work that grows with the context, and
  :func:`model_flops_utilisation` divides achieved by peak FLOP/s. It gives
  back PaLM 540B's published 46.2% (45.7% without the attention term).
- :func:`training_memory` says where the 16 bytes per parameter of
  mixed-precision Adam go (Rajbhandari et al. 2020, "ZeRO", Section 3.1): the
  optimiser, not the model, holds most of the memory; ZeRO's stages divide it
  across devices (its Figure 1: 7.5B parameters on 64 GPUs, 120 GB down to 1.9 GB).
- :func:`compute_optimal_tokens` and :func:`compute_optimal_size`: about 20
  tokens per parameter (Hoffmann et al. 2022, "Chinchilla", Table 3). GPT-3
  saw 1.7 per parameter; Chinchilla 70B, 1.4T tokens, saw 20.
- :func:`training_time`, :func:`gpu_hours` and :func:`implied_utilisation`
  turn FLOPs into days and device-hours at a stated utilisation, and back:
  Llama 2 7B's 184,320 A100-hours for 2T tokens (Touvron et al. 2023, Tables 1
  and 2) imply about 39% of the A100's peak, averaged over the whole run.
- :data:`DEVICE_PEAKS` and :func:`device_peak`: published dense peaks (no
  structured sparsity) of the accelerators the course runs on, with their
  memory and memory bandwidth, and sources. Peak FLOP/s over bandwidth is the
  device's ridge point (Williams et al. 2009, "Roofline"): an A100 does about
  150 FLOPs in the time it reads one byte.

This module imports the standard library and :mod:`bmlearn.validation` only:
no TensorFlow, no Keras.
"""

from __future__ import annotations

import dataclasses
import math

from bmlearn.validation import check_scalar

__all__ = [
    "GPTParamCount",
    "gpt_params",
    "gpt_param_breakdown",
    "training_flops",
    "flops_per_token",
    "model_flops_utilisation",
    "TrainingMemory",
    "training_memory",
    "CHINCHILLA_TOKENS_PER_PARAM",
    "compute_optimal_tokens",
    "compute_optimal_size",
    "training_time",
    "gpu_hours",
    "implied_utilisation",
    "DevicePeak",
    "DEVICE_PEAKS",
    "device_peak",
]

#: Tokens per parameter of a compute-optimal model (Hoffmann et al. 2022, Table 3).
CHINCHILLA_TOKENS_PER_PARAM = 20.0

_SECONDS_PER_HOUR = 3600.0


# --------------------------------------------------------------------------- parameters


@dataclasses.dataclass(frozen=True)
class GPTParamCount:
    """Where a GPT-2-layout model's parameters are: the result of :func:`gpt_param_breakdown`.

    Attributes:
        token_embedding: ``vocab_size × d_model``.
        position_embedding: ``seq_len × d_model`` (learned positions).
        attention: all blocks' query, key, value and output projections with
            their biases, ``L (4 d² + 4 d)``.
        mlp: all blocks' two dense layers with biases,
            ``L (2 d d_ff + d_ff + d)``.
        layer_norm: the two layer norms of every block and the final one,
            scale and bias each, ``(2 L + 1) 2 d``.
        output_projection: ``d_model × vocab_size`` without bias, or 0 when
            the output reuses the token embedding (tied).
    """

    token_embedding: int
    position_embedding: int
    attention: int
    mlp: int
    layer_norm: int
    output_projection: int

    @property
    def total(self) -> int:
        """All parameters, as ``keras.Model.count_params()`` counts them."""
        return (self.token_embedding + self.position_embedding + self.attention + self.mlp
                + self.layer_norm + self.output_projection)

    @property
    def embedding(self) -> int:
        """The token and position embeddings and an untied output projection."""
        return self.token_embedding + self.position_embedding + self.output_projection

    @property
    def non_embedding(self) -> int:
        """The blocks and the final layer norm: Kaplan et al.'s ``N`` (with biases and norms)."""
        return self.attention + self.mlp + self.layer_norm

    def as_dict(self) -> dict[str, int]:
        """The components in model order, then ``"total"``; for printing as a table."""
        parts = dataclasses.asdict(self)
        parts["total"] = self.total
        return parts


def _gpt_sizes(vocab_size, seq_len, d_model, num_layers, d_ff):
    vocab_size = check_scalar(vocab_size, "vocab_size", integer=True, low=1)
    seq_len = check_scalar(seq_len, "seq_len", integer=True, low=1)
    d_model = check_scalar(d_model, "d_model", integer=True, low=1)
    num_layers = check_scalar(num_layers, "num_layers", integer=True, low=1)
    d_ff = 4 * d_model if d_ff is None else check_scalar(d_ff, "d_ff", integer=True, low=1)
    return vocab_size, seq_len, d_model, num_layers, d_ff


def gpt_param_breakdown(vocab_size, seq_len, d_model, num_layers, *, d_ff=None,
                        tie_embeddings=True) -> GPTParamCount:
    """Count a GPT-2-layout model's parameters, component by component.

    The layout is GPT-2's (Radford et al. 2019, Section 2.3) and
    :func:`bmlearn.models.build_gpt`'s: learned token and position
    embeddings; in each of ``num_layers`` blocks a layer norm (scale and
    bias), attention with biased query, key, value and output projections
    (``d_model → d_model`` each, whatever the number of heads), a second layer
    norm and an MLP ``d_model → d_ff → d_model`` with biases; a final layer
    norm; and the output projection, tied to the token embedding or a
    separate ``d_model × vocab_size`` matrix without bias.

    Args:
        vocab_size: the number of token ids.
        seq_len: the context length, the number of learned positions.
        d_model: the width of the residual stream.
        num_layers: the number of transformer blocks.
        d_ff: the MLP's hidden width; ``4 * d_model`` by default.
        tie_embeddings: whether the output projection reuses the token
            embedding (GPT-2's choice) instead of holding its own matrix.

    Returns:
        A :class:`GPTParamCount`; its ``total`` is :func:`gpt_params`.

    Raises:
        ValueError: if a size is not a positive integer.

    Example:
        >>> parts = gpt_param_breakdown(50257, 1024, 768, 12)  # GPT-2 small
        >>> parts.token_embedding, parts.attention, parts.mlp, parts.total
        (38597376, 28348416, 56669184, 124439808)
        >>> round(parts.token_embedding / parts.total, 3)  # the token embedding's share
        0.31
    """
    vocab_size, seq_len, d_model, num_layers, d_ff = _gpt_sizes(
        vocab_size, seq_len, d_model, num_layers, d_ff)
    return GPTParamCount(
        token_embedding=vocab_size * d_model,
        position_embedding=seq_len * d_model,
        attention=num_layers * (4 * d_model * d_model + 4 * d_model),
        mlp=num_layers * (2 * d_model * d_ff + d_ff + d_model),
        layer_norm=(2 * num_layers + 1) * 2 * d_model,
        output_projection=0 if tie_embeddings else d_model * vocab_size,
    )


def gpt_params(vocab_size, seq_len, d_model, num_layers, *, d_ff=None,
               tie_embeddings=True) -> int:
    """The exact parameter count of a GPT-2-layout model.

    The same count as ``bmlearn.models.build_gpt(...).count_params()`` and as
    GPT-2's released checkpoints: 124,439,808 for GPT-2 small. The layout is
    described in :func:`gpt_param_breakdown`, which returns the parts.

    Args:
        vocab_size: the number of token ids.
        seq_len: the context length, the number of learned positions.
        d_model: the width of the residual stream.
        num_layers: the number of transformer blocks.
        d_ff: the MLP's hidden width; ``4 * d_model`` by default.
        tie_embeddings: whether the output projection reuses the token embedding.

    Returns:
        The number of parameters, an ``int``.

    Raises:
        ValueError: if a size is not a positive integer.

    Example:
        >>> gpt_params(50257, 1024, 768, 12)  # GPT-2 small
        124439808
        >>> gpt_params(65, 256, 384, 6)  # nanoGPT's Shakespeare shape, 65 characters, with biases
        10770816
        >>> gpt_params(50257, 1024, 768, 12, tie_embeddings=False) - 124439808 == 50257 * 768
        True
        >>> gpt_params(50257, 1024, 0, 12)
        Traceback (most recent call last):
        ...
        ValueError: d_model must be a positive integer, but received 0.
    """
    return gpt_param_breakdown(vocab_size, seq_len, d_model, num_layers, d_ff=d_ff,
                               tie_embeddings=tie_embeddings).total


# --------------------------------------------------------------------------- compute


def _positive(value, name: str) -> float:
    return check_scalar(value, name, low=0, low_open=True)


def training_flops(n_params, n_tokens) -> float:
    """The compute to train a dense transformer: ``6 N D`` floating-point operations.

    Each parameter does one multiply and one add per token in the forward pass
    (2 FLOPs) and twice that in the backward pass, which computes gradients
    with respect to both activations and weights (4 FLOPs): 6 per parameter
    per token (Kaplan et al. 2020, "Scaling laws for neural language models",
    Section 2.1). Attention's context-dependent work is left out; see
    :func:`flops_per_token` for it.

    Args:
        n_params: the number of parameters ``N``.
        n_tokens: the number of training tokens ``D``.

    Returns:
        ``6 * n_params * n_tokens``, a ``float``.

    Raises:
        ValueError: if either is not a positive number.

    Example:
        >>> f"{training_flops(174_600e6, 300e9):.2e}"  # GPT-3 (Brown et al. 2020, Table D.1)
        '3.14e+23'
        >>> training_flops(124439808, -1)
        Traceback (most recent call last):
        ...
        ValueError: n_tokens must be a finite number > 0, but received -1.
    """
    return 6.0 * _positive(n_params, "n_params") * _positive(n_tokens, "n_tokens")


def flops_per_token(n_params, num_layers, d_model, seq_len, *, num_heads=None,
                    head_dim=None) -> float:
    """Training FLOPs per token with attention's term: ``6 N + 12 L H Q T``.

    The model FLOPs of PaLM's utilisation measure (Chowdhery et al. 2022,
    "PaLM", Appendix B): ``6 N`` for the parameters' matrix products, and for
    each of ``L`` layers the two attention products ``Q Kᵀ`` and ``A V``,
    ``2 · 2 · H Q T`` FLOPs per token forward (``H`` heads of size ``Q``
    against ``T`` positions), times 3 with the backward pass. The full
    ``T × T`` score matrix is counted, as in PaLM, although a causal kernel
    may skip half of it.

    ``H Q`` is ``d_model`` in GPT-2's layout; pass ``num_heads`` and
    ``head_dim`` when they differ (PaLM 540B: 48 heads of 256 with
    ``d_model`` 18,432).

    Args:
        n_params: the number of parameters ``N``.
        num_layers: the number of blocks ``L``.
        d_model: the model width; the attention width when ``head_dim`` is not given.
        seq_len: the sequence length ``T`` trained on.
        num_heads: the number of heads ``H``; with ``head_dim`` omitted it
            must divide ``d_model``.
        head_dim: the size ``Q`` of a head; needs ``num_heads``.

    Returns:
        FLOPs per trained token, a ``float``.

    Raises:
        ValueError: for sizes that are not positive, ``head_dim`` without
            ``num_heads``, or ``num_heads`` that does not divide ``d_model``.

    Example:
        >>> n = gpt_params(50257, 1024, 768, 12)  # GPT-2 small at context 1024
        >>> flops_per_token(n, 12, 768, 1024) == 6 * n + 12 * 12 * 768 * 1024
        True
        >>> round(flops_per_token(n, 12, 768, 1024) / (6 * n), 3)  # attention adds 15%
        1.152
        >>> flops_per_token(n, 12, 768, 1024, num_heads=5)
        Traceback (most recent call last):
        ...
        ValueError: d_model must be divisible by num_heads, but received d_model=768 and
        num_heads=5.
    """
    n_params = _positive(n_params, "n_params")
    num_layers = check_scalar(num_layers, "num_layers", integer=True, low=1)
    d_model = check_scalar(d_model, "d_model", integer=True, low=1)
    seq_len = check_scalar(seq_len, "seq_len", integer=True, low=1)
    if num_heads is not None:
        num_heads = check_scalar(num_heads, "num_heads", integer=True, low=1)
    if head_dim is not None:
        head_dim = check_scalar(head_dim, "head_dim", integer=True, low=1)
        if num_heads is None:
            raise ValueError(
                f"num_heads must be given with head_dim, but received num_heads=None and "
                f"head_dim={head_dim!r}."
            )
        width = num_heads * head_dim
    else:
        if num_heads is not None and d_model % num_heads:
            raise ValueError(
                f"d_model must be divisible by num_heads, but received d_model={d_model} and "
                f"num_heads={num_heads}."
            )
        width = d_model
    return 6.0 * n_params + 12.0 * num_layers * width * seq_len


def model_flops_utilisation(tokens_per_second, flops_per_token, peak_flops, *,
                            num_devices=1) -> float:
    """Model FLOPs utilisation (MFU): achieved model FLOP/s over the devices' peak.

    PaLM's measure (Chowdhery et al. 2022, Section 4.1 and Appendix B): the
    throughput in tokens per second times the model's FLOPs per token (from
    :func:`flops_per_token` or ``6 N``), divided by the devices' published
    peak. Recomputed activations do not count, so it compares
    implementations fairly.

    Args:
        tokens_per_second: training tokens processed per second, all devices together.
        flops_per_token: the model's training FLOPs per token.
        peak_flops: one device's peak FLOP/s in the precision trained (see
            :data:`DEVICE_PEAKS`).
        num_devices: the number of devices.

    Returns:
        The utilisation, a ``float`` in (0, 1].

    Raises:
        ValueError: for values that are not positive, or figures that would
            imply more than the peak (a utilisation above 1).

    Example:
        >>> per_token = flops_per_token(540.35e9, 118, 18432, 2048, num_heads=48, head_dim=256)
        >>> tpu_v4 = DEVICE_PEAKS["TPU v4"].flops
        >>> round(100 * model_flops_utilisation(238.3e3, per_token, tpu_v4, num_devices=6144), 1)
        46.2
    """
    tokens_per_second = _positive(tokens_per_second, "tokens_per_second")
    flops_per_token = _positive(flops_per_token, "flops_per_token")
    peak_flops = _positive(peak_flops, "peak_flops")
    num_devices = check_scalar(num_devices, "num_devices", integer=True, low=1)
    peak = peak_flops * num_devices
    utilisation = tokens_per_second * flops_per_token / peak
    if utilisation > 1:
        raise ValueError(
            f"tokens_per_second * flops_per_token must be at most the peak, {peak:.4g} FLOP/s, "
            f"but received {utilisation * peak:.4g} FLOP/s (a utilisation of {utilisation:.3g})."
        )
    return utilisation


# --------------------------------------------------------------------------- memory

#: Bytes per parameter of weights, gradients and fp32 master weights, by precision.
_PRECISION_BYTES = {
    "float32": {"weights": 4, "gradients": 4, "master_weights": 0},
    "mixed": {"weights": 2, "gradients": 2, "master_weights": 4},
}
#: Bytes per parameter of the optimiser's state, kept in float32 in both precisions.
_OPTIMIZER_BYTES = {"sgd": 0, "momentum": 4, "adam": 8, "adamw": 8}


@dataclasses.dataclass(frozen=True)
class TrainingMemory:
    """Memory per parameter of training, on each device: the result of :func:`training_memory`.

    Every field but ``n_params`` is in bytes per parameter of the whole model,
    as held on one device (after ZeRO's partitioning, if any). Activations,
    buffers and fragmentation come on top and are not counted.

    Attributes:
        n_params: the number of parameters.
        weights: the weights the forward pass reads (float16/bfloat16 in mixed precision).
        gradients: the gradients, in the weights' precision.
        master_weights: the float32 copy that the update is applied to
            (mixed precision only).
        optimizer_states: momentum (SGD with momentum, Adam) and variance
            (Adam), in float32.
    """

    n_params: float
    weights: float
    gradients: float
    master_weights: float
    optimizer_states: float

    @property
    def bytes_per_param(self) -> float:
        """All four components: 16 for Adam in either precision on one device."""
        return self.weights + self.gradients + self.master_weights + self.optimizer_states

    @property
    def total_bytes(self) -> float:
        """``bytes_per_param * n_params``: the model states on one device."""
        return self.bytes_per_param * self.n_params

    def as_dict(self) -> dict[str, float]:
        """Bytes per parameter by component, then ``"bytes_per_param"`` and ``"total_bytes"``."""
        parts = dataclasses.asdict(self)
        del parts["n_params"]
        parts["bytes_per_param"] = self.bytes_per_param
        parts["total_bytes"] = self.total_bytes
        return parts


def training_memory(n_params, *, precision="mixed", optimizer="adam", zero_stage=0,
                    num_devices=1) -> TrainingMemory:
    """The memory that training's model states need: weights, gradients and optimiser state.

    The accounting of ZeRO (Rajbhandari et al. 2020, Section 3.1). In mixed
    precision, a model of ``Ψ`` parameters holds float16 (or bfloat16)
    weights and gradients, ``2Ψ + 2Ψ`` bytes, and Adam's optimiser state in
    float32: a master copy of the weights, the momentum and the variance,
    ``4Ψ + 4Ψ + 4Ψ``, ZeRO's ``K = 12``; 16 bytes per parameter in all. In
    float32 the weights and gradients take ``4Ψ + 4Ψ`` and no master copy is
    needed: 16 again for Adam. SGD keeps no state, and SGD with momentum one
    float32 buffer.

    ZeRO's stages split the states across ``num_devices`` data-parallel
    devices (Section 5.1, Figure 1): stage 1 the master weights and optimiser
    state, stage 2 also the gradients, stage 3 also the weights. Stage 0 is
    plain data parallelism: every device holds everything.

    The "mixed" layout is that of Megatron-LM and DeepSpeed, which ZeRO
    analyses. Keras's ``mixed_float16`` and ``mixed_bfloat16`` policies keep
    the variables, and so the gradients, in float32 and cast them to 16 bits
    inside each layer: a Keras model's persistent state is the "float32" row,
    with the same 16 bytes for Adam.

    Args:
        n_params: the number of parameters ``Ψ``.
        precision: ``"mixed"`` (16-bit weights and gradients, float32 master
            weights) or ``"float32"``.
        optimizer: ``"adam"`` (or ``"adamw"``, the same state), ``"momentum"``
            (SGD with momentum) or ``"sgd"``.
        zero_stage: 0, 1, 2 or 3: what ZeRO partitions across devices.
        num_devices: the number of data-parallel devices ``N_d``.

    Returns:
        A :class:`TrainingMemory` with the bytes per parameter on one device.

    Raises:
        ValueError: for an unknown precision or optimiser, a stage outside
            0..3, or a number of parameters or devices that is not positive.

    Example:
        >>> mem = training_memory(1.5e9)  # GPT-2 XL, mixed-precision Adam
        >>> mem.weights, mem.gradients, mem.master_weights, mem.optimizer_states
        (2.0, 2.0, 4.0, 8.0)
        >>> mem.bytes_per_param, mem.total_bytes / 1e9  # ZeRO, Section 3.1: "at least 24 GB"
        (16.0, 24.0)
        >>> training_memory(7.5e9, zero_stage=3, num_devices=64).total_bytes / 1e9
        1.875
        >>> training_memory(1e9, optimizer="lion")
        Traceback (most recent call last):
        ...
        ValueError: optimizer must be one of 'sgd', 'momentum', 'adam', 'adamw', but received
        'lion'.
    """
    n_params = _positive(n_params, "n_params")
    if precision not in _PRECISION_BYTES:
        choices = ", ".join(repr(k) for k in _PRECISION_BYTES)
        raise ValueError(f"precision must be one of {choices}, but received {precision!r}.")
    if optimizer not in _OPTIMIZER_BYTES:
        choices = ", ".join(repr(k) for k in _OPTIMIZER_BYTES)
        raise ValueError(f"optimizer must be one of {choices}, but received {optimizer!r}.")
    zero_stage = check_scalar(zero_stage, "zero_stage", integer=True, low=0, high=3)
    num_devices = check_scalar(num_devices, "num_devices", integer=True, low=1)
    parts = {k: float(v) for k, v in _PRECISION_BYTES[precision].items()}
    parts["optimizer_states"] = float(_OPTIMIZER_BYTES[optimizer])
    partitioned = {1: ("master_weights", "optimizer_states"),
                   2: ("master_weights", "optimizer_states", "gradients"),
                   3: ("master_weights", "optimizer_states", "gradients", "weights")}
    for name in partitioned.get(zero_stage, ()):
        parts[name] /= num_devices
    return TrainingMemory(n_params=n_params, **parts)


# --------------------------------------------------------------------------- compute-optimal


def compute_optimal_tokens(n_params, *, tokens_per_param=CHINCHILLA_TOKENS_PER_PARAM) -> float:
    """The number of training tokens that is compute-optimal for a model size.

    Hoffmann et al. 2022 ("Training compute-optimal large language models",
    Chinchilla) found that parameters and tokens should grow together; their
    Table 3 gives about 20 tokens per parameter at every size from 400M
    (8.0B tokens) to 10T parameters (216.2T), and Chinchilla itself is 70B
    parameters trained on 1.4T tokens.

    Args:
        n_params: the number of parameters.
        tokens_per_param: the ratio; 20 by default.

    Returns:
        ``tokens_per_param * n_params``, a ``float``.

    Raises:
        ValueError: if either is not a positive number.

    Example:
        >>> compute_optimal_tokens(70e9) / 1e12  # Chinchilla: 70B parameters, 1.4T tokens
        1.4
        >>> 300e9 / 175e9  # GPT-3 trained on 1.7 tokens per parameter
        1.7142857142857142
    """
    n_params = _positive(n_params, "n_params")
    return _positive(tokens_per_param, "tokens_per_param") * n_params


def compute_optimal_size(flops, *,
                         tokens_per_param=CHINCHILLA_TOKENS_PER_PARAM) -> tuple[float, float]:
    """The compute-optimal model size and tokens for a compute budget.

    Solves ``flops = 6 N D`` (:func:`training_flops`) with
    ``D = tokens_per_param · N`` (:func:`compute_optimal_tokens`):
    ``N = sqrt(flops / (6 · tokens_per_param))``. Gopher's budget, 5.76e23
    FLOPs, gives about 69B parameters and 1.39T tokens: Chinchilla's 70B and
    1.4T (Hoffmann et al. 2022, Table 3 and Section 4.1).

    Args:
        flops: the compute budget in FLOPs.
        tokens_per_param: the ratio; 20 by default.

    Returns:
        ``(n_params, n_tokens)``, two ``float``.

    Raises:
        ValueError: if either is not a positive number.

    Example:
        >>> n, d = compute_optimal_size(5.76e23)
        >>> round(n / 1e9), round(d / 1e12, 2)
        (69, 1.39)
    """
    flops = _positive(flops, "flops")
    ratio = _positive(tokens_per_param, "tokens_per_param")
    n_params = math.sqrt(flops / (6.0 * ratio))
    return n_params, ratio * n_params


# --------------------------------------------------------------------------- time


def _utilisation(value) -> float:
    return check_scalar(value, "utilisation", low=0, high=1, low_open=True)


def training_time(flops, peak_flops, *, utilisation, num_devices=1) -> float:
    """Wall-clock seconds to do ``flops`` of work on ``num_devices`` devices.

    ``flops / (num_devices · peak_flops · utilisation)``. The utilisation is
    the share of the peak that training sustains on average: 30–50% is
    typical of large runs (PaLM 540B: 46%; Llama 2 7B, with its restarts and
    evaluations, an implied 39%, :func:`implied_utilisation`).

    Args:
        flops: the work, e.g. :func:`training_flops`.
        peak_flops: one device's peak FLOP/s in the precision trained.
        utilisation: the share of the peak achieved, in (0, 1].
        num_devices: the number of devices working together.

    Returns:
        Seconds, a ``float``.

    Raises:
        ValueError: for values that are not positive or a utilisation outside (0, 1].

    Example:
        >>> flops = training_flops(124439808, 10e9)  # GPT-2 small on 10B tokens
        >>> hours = training_time(flops, DEVICE_PEAKS["A100"].flops, utilisation=0.4,
        ...                       num_devices=8) / 3600
        >>> round(hours, 1)
        2.1
        >>> training_time(flops, 312e12, utilisation=1.5)
        Traceback (most recent call last):
        ...
        ValueError: utilisation must be a number in (0, 1], but received 1.5.
    """
    flops = _positive(flops, "flops")
    peak_flops = _positive(peak_flops, "peak_flops")
    utilisation = _utilisation(utilisation)
    num_devices = check_scalar(num_devices, "num_devices", integer=True, low=1)
    return flops / (num_devices * peak_flops * utilisation)


def gpu_hours(flops, peak_flops, *, utilisation) -> float:
    """Device-hours (GPU-hours, or TPU chip-hours) to do ``flops`` of work.

    ``flops / (peak_flops · utilisation) / 3600``: the figure papers publish
    and clouds bill, whatever the number of devices.

    Args:
        flops: the work, e.g. :func:`training_flops`.
        peak_flops: one device's peak FLOP/s in the precision trained.
        utilisation: the share of the peak achieved, in (0, 1].

    Returns:
        Device-hours, a ``float``.

    Raises:
        ValueError: for values that are not positive or a utilisation outside (0, 1].

    Example:
        >>> flops = training_flops(6.7e9, 2.0e12)  # Llama 2 7B on 2T tokens
        >>> round(gpu_hours(flops, DEVICE_PEAKS["A100"].flops, utilisation=0.4))
        178953
    """
    flops = _positive(flops, "flops")
    peak_flops = _positive(peak_flops, "peak_flops")
    return flops / (peak_flops * _utilisation(utilisation)) / _SECONDS_PER_HOUR


def implied_utilisation(flops, gpu_hours, peak_flops) -> float:
    """The utilisation a published device-hour figure implies: the inverse of :func:`gpu_hours`.

    ``flops / (gpu_hours · 3600 · peak_flops)``. Device-hours include every
    hour the devices were held, restarts and evaluations too, so this is the
    run's average; the utilisation while stepping is higher. With ``6 N D``
    for ``flops`` it also leaves attention's work out (:func:`flops_per_token`).

    Args:
        flops: the work done, e.g. :func:`training_flops`.
        gpu_hours: the published device-hours.
        peak_flops: one device's peak FLOP/s in the precision trained.

    Returns:
        The utilisation, a ``float`` in (0, 1].

    Raises:
        ValueError: for values that are not positive, or figures that imply
            more work than the devices' peak could do (a utilisation above 1).

    Example:
        >>> flops = training_flops(6.7e9, 2.0e12)  # Llama 2 7B: 2T tokens, 184,320 A100-hours
        >>> round(implied_utilisation(flops, 184320, DEVICE_PEAKS["A100"].flops), 2)
        0.39
    """
    flops = _positive(flops, "flops")
    hours = _positive(gpu_hours, "gpu_hours")
    peak_flops = _positive(peak_flops, "peak_flops")
    utilisation = flops / (hours * _SECONDS_PER_HOUR * peak_flops)
    if utilisation > 1:
        raise ValueError(
            f"gpu_hours must be at least flops / peak_flops = "
            f"{flops / peak_flops / _SECONDS_PER_HOUR:.4g} hours, but received {gpu_hours!r} "
            f"(a utilisation of {utilisation:.3g})."
        )
    return utilisation


# --------------------------------------------------------------------------- devices


@dataclasses.dataclass(frozen=True)
class DevicePeak:
    """A device's published peak for dense matrix products.

    Attributes:
        name: the device, as in :data:`DEVICE_PEAKS`.
        flops: peak FLOP/s without structured sparsity (datasheets print
            twice this "with sparsity").
        dtype: the precision of that peak: ``"bfloat16"`` or ``"float16"``.
        source: where the figures are published.
        memory_bytes: the datasheet's device memory in bytes (decimal: "80 GB"
            is ``80e9``), or ``None`` where the table does not give it.
        bandwidth: the datasheet's peak memory bandwidth in bytes per second,
            or ``None``.
    """

    name: str
    flops: float
    dtype: str
    source: str
    memory_bytes: float | None = None
    bandwidth: float | None = None

    @property
    def ridge_point(self) -> float | None:
        """FLOPs per byte at which the peak compute and the peak bandwidth take equal time.

        ``flops / bandwidth`` (Williams et al. 2009, "Roofline"): work that does
        fewer FLOPs per byte read waits on memory, work that does more waits
        on the arithmetic units. ``None`` when the bandwidth is not known.

        Example:
            >>> round(DEVICE_PEAKS["A100"].ridge_point)  # 312 TFLOP/s over 2,039 GB/s
            153
        """
        return None if self.bandwidth is None else self.flops / self.bandwidth


#: Published dense peaks of the accelerators the course runs on, in the 16-bit
#: format each is used with. NVIDIA's datasheets print the figure "with sparsity",
#: twice the dense one; the dense figure is what model FLOPs utilisation divides by.
#: Memory and bandwidth are the datasheets' figures in decimal units (GB = 1e9
#: bytes, TB/s = 1e12 bytes/s); "A100" is the 80 GB SXM board's.
DEVICE_PEAKS: dict[str, DevicePeak] = {
    peak.name: peak for peak in (
        DevicePeak("H100 SXM", 989e12, "bfloat16",
                   "NVIDIA H100 Tensor Core GPU datasheet: BF16 Tensor Core 1,979 TFLOPS "
                   "with sparsity (SXM); 989 dense; 80 GB HBM3 at 3.35 TB/s",
                   memory_bytes=80e9, bandwidth=3.35e12),
        DevicePeak("H100 PCIe", 756e12, "bfloat16",
                   "NVIDIA H100 Tensor Core GPU datasheet: BF16 Tensor Core 1,513 TFLOPS "
                   "with sparsity (PCIe); 756 dense; 80 GB HBM2e at 2 TB/s",
                   memory_bytes=80e9, bandwidth=2.0e12),
        DevicePeak("H200", 989e12, "bfloat16",
                   "NVIDIA H200 Tensor Core GPU datasheet: BF16 Tensor Core 1,979 TFLOPS "
                   "with sparsity (SXM); 989 dense; 141 GB HBM3e at 4.8 TB/s",
                   memory_bytes=141e9, bandwidth=4.8e12),
        DevicePeak("A100", 312e12, "bfloat16",
                   "NVIDIA A100 Tensor Core GPU datasheet: BF16 Tensor Core 312 TFLOPS "
                   "(624 with sparsity); the same for the 40 and 80 GB, SXM and PCIe. "
                   "Memory: 80 GB HBM2e at 2,039 GB/s (80 GB SXM; the 40 GB board "
                   "has 1,555 GB/s)",
                   memory_bytes=80e9, bandwidth=2.039e12),
        DevicePeak("L4", 121e12, "bfloat16",
                   "NVIDIA L4 Tensor Core GPU datasheet: BF16 Tensor Core 242 TFLOPS "
                   "with sparsity; 121 dense; 24 GB GDDR6 at 300 GB/s",
                   memory_bytes=24e9, bandwidth=300e9),
        DevicePeak("T4", 65e12, "float16",
                   "NVIDIA T4 datasheet: mixed precision (FP16/FP32) 65 TFLOPS; "
                   "no bfloat16, no sparsity; 16 GB GDDR6 at 320 GB/s",
                   memory_bytes=16e9, bandwidth=320e9),
        DevicePeak("TPU v4", 275e12, "bfloat16",
                   "Chowdhery et al. 2022 (PaLM), Section 4.1 and Appendix B: "
                   "275 TFLOP/s per TPU v4 chip"),
    )
}


def device_peak(name: str) -> DevicePeak:
    """The published dense peak of a device, by its name or the name a driver reports.

    Accepts a key of :data:`DEVICE_PEAKS` (case-insensitive) or a device
    name as TensorFlow's ``tf.config.experimental.get_device_details`` or
    ``nvidia-smi`` print it, e.g. ``"NVIDIA A100-SXM4-80GB"``,
    ``"NVIDIA H100 80GB HBM3"`` (SXM) or ``"Tesla T4"``. An H100 name that
    says neither SXM (or HBM3) nor PCIe is refused: the two differ by 30%.

    Args:
        name: the device's name.

    Returns:
        Its :class:`DevicePeak`.

    Raises:
        ValueError: for a device whose peak is not in the table.

    Example:
        >>> device_peak("NVIDIA A100-SXM4-80GB").flops / 1e12
        312.0
        >>> device_peak("NVIDIA H100 80GB HBM3").name
        'H100 SXM'
        >>> device_peak("Apple M2")
        Traceback (most recent call last):
        ...
        ValueError: name must name a device in DEVICE_PEAKS ('H100 SXM', 'H100 PCIe', 'H200',
        'A100', 'L4', 'T4', 'TPU v4'), but received 'Apple M2'.
    """
    if not isinstance(name, str):
        raise ValueError(f"name must be a string, but received {name!r}.")
    text = name.upper().replace("-", " ").replace("_", " ")
    words = set(text.split())
    key = next((k for k in DEVICE_PEAKS if text == k.upper()), None)
    if key is None and "NVL" not in words:  # NVL boards have other clocks and peaks
        if "H100" in words:
            if "PCIE" in words:
                key = "H100 PCIe"
            elif "SXM" in text or "HBM3" in words:
                key = "H100 SXM"
        else:
            key = next((k for k in ("H200", "A100", "L4", "T4") if k in words), None)
    if key is None:
        choices = ", ".join(repr(k) for k in DEVICE_PEAKS)
        raise ValueError(
            f"name must name a device in DEVICE_PEAKS ({choices}), but received {name!r}."
        )
    return DEVICE_PEAKS[key]
