"""What serving a model costs: a roofline estimate of prefill, decoding and dollars per request.

A decoder-only transformer answers a request in two phases. **Prefill** runs
the prompt's ``T`` tokens through the model at once: ``2 N`` FLOPs per token
for ``N`` parameters, against one read of the weights, so it does about ``T``
FLOPs per byte of weights read. **Decoding** then produces one token per step
for every sequence in the batch: ``2 N`` FLOPs per sequence against a read of
all the weights *and* of the sequence's KV cache. At batch 1 in 16 bits, that
is about one FLOP per byte.

The roofline model (Williams, Waterman and Patterson 2009) compares a
computation's **arithmetic intensity**, FLOPs per byte moved, with the
device's **ridge point**, peak FLOP/s divided by memory bandwidth: an A100
does about 150 FLOPs in the time it reads one byte
(:attr:`bmlearn.scaling.DevicePeak.ridge_point`). Below the ridge the
computation waits on memory, above it on arithmetic. Each phase's time is
therefore the larger of ``flops / (peak · compute utilisation)`` and
``bytes / (bandwidth · bandwidth utilisation)``. Decoding at small batches is
memory-bound, prefill compute-bound; batching shares one read of the weights
among many sequences, which is why it makes decoding cheaper per request
until the batch reaches the ridge point or the KV cache fills the memory.

- :class:`ModelShape` and :data:`MODEL_SHAPES`: the published shapes of a few
  models (GPT-2, Llama 2 7B, 13B and 70B, Mistral 7B), with
  :func:`llama_params` to count a Llama-layout model's parameters.
- :func:`weight_bytes`, :func:`kv_cache_bytes`, :func:`serving_memory`,
  :func:`check_memory` and :func:`max_batch`: what must fit in the devices'
  memory. The KV cache is ``2 · layers · kv_heads · head_dim`` values per
  token: 800 KB per token for a 13B model in 16 bits (Kwon et al. 2023,
  "vLLM", Section 3).
- :func:`prefill_seconds`, :func:`decode_step_seconds` and
  :func:`decode_seconds`: each phase's time, FLOPs, bytes and bound (a :class:`PhaseTime`).
- :func:`serving_cost`: seconds per batch, requests per GPU-hour and dollars
  per 1,000 requests at a stated price (a :class:`ServingCost`).

The model is an estimate, a bound rather than a benchmark: it assumes every
request in a batch has the same prompt and output lengths (static batching),
ignores activations' memory, kernel launch and sampling overheads, and
splits a model across ``num_devices`` devices (tensor parallelism) with no
communication cost. Utilisations below 1 stand for what real kernels reach.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np

from bmlearn import scaling
from bmlearn.business.training_cost import _price_amount
from bmlearn.validation import check_scalar

__all__ = [
    "ModelShape",
    "llama_params",
    "MODEL_SHAPES",
    "weight_bytes",
    "kv_cache_bytes",
    "ServingMemory",
    "serving_memory",
    "check_memory",
    "max_batch",
    "PhaseTime",
    "prefill_seconds",
    "decode_step_seconds",
    "decode_seconds",
    "ServingCost",
    "serving_cost",
]

_SECONDS_PER_HOUR = 3600.0


# --------------------------------------------------------------------------- shapes


@dataclasses.dataclass(frozen=True)
class ModelShape:
    """The sizes of a decoder-only transformer that decide its serving cost.

    Attributes:
        name: the model.
        num_layers: transformer blocks ``L``.
        d_model: the residual width, also the width of all query heads together.
        num_heads: query heads ``H``; ``head_dim = d_model / H``.
        num_kv_heads: key and value heads: ``H`` for multi-head attention, fewer
            for grouped-query attention (Ainslie et al. 2023), 1 for multi-query.
        n_params: all parameters ``N``.
        source: where the shape is published.
        context_length: the most tokens a sequence may hold, or ``None`` for no limit.

    Raises:
        ValueError: for sizes that are not positive, ``num_heads`` that does not
            divide ``d_model``, or ``num_kv_heads`` that does not divide ``num_heads``.

    Example:
        >>> shape = ModelShape("toy", num_layers=2, d_model=64, num_heads=4, num_kv_heads=2,
        ...                    n_params=1e5, source="made up")
        >>> shape.head_dim, shape.kv_values_per_token  # 64 / 4; 2 (K and V) · 2 layers · 2 heads · 16
        (16, 128)
    """

    name: str
    num_layers: int
    d_model: int
    num_heads: int
    num_kv_heads: int
    n_params: float
    source: str
    context_length: int | None = None

    def __post_init__(self):
        for field in ("num_layers", "d_model", "num_heads", "num_kv_heads"):
            object.__setattr__(self, field,
                               check_scalar(getattr(self, field), field, integer=True, low=1))
        object.__setattr__(self, "n_params",
                           check_scalar(self.n_params, "n_params", low=0, low_open=True))
        if self.context_length is not None:
            object.__setattr__(self, "context_length", check_scalar(
                self.context_length, "context_length", integer=True, low=1))
        if self.d_model % self.num_heads:
            raise ValueError(f"d_model must be divisible by num_heads, but received "
                             f"d_model={self.d_model} and num_heads={self.num_heads}.")
        if self.num_heads % self.num_kv_heads:
            raise ValueError(f"num_heads must be divisible by num_kv_heads, but received "
                             f"num_heads={self.num_heads} and num_kv_heads={self.num_kv_heads}.")

    @property
    def head_dim(self) -> int:
        """The size of one attention head, ``d_model / num_heads``."""
        return self.d_model // self.num_heads

    @property
    def kv_values_per_token(self) -> int:
        """Values the KV cache holds per token: ``2 · layers · kv_heads · head_dim``."""
        return 2 * self.num_layers * self.num_kv_heads * self.head_dim


def llama_params(vocab_size, d_model, d_ff, num_layers, num_heads, num_kv_heads) -> int:
    """The exact parameter count of a Llama-layout model (Llama 2, Mistral).

    Untied input embedding and output projection (``2 V d``); in each block,
    the query and output projections (``2 d²``), key and value projections of
    ``num_kv_heads`` heads (``2 d · kv_heads · head_dim``), a gated MLP with
    three ``d × d_ff`` matrices, and two RMSNorm scales (``2 d``); a final
    RMSNorm (``d``). No biases.

    Args:
        vocab_size: the number of token ids ``V``.
        d_model: the model width ``d``.
        d_ff: the MLP's hidden width.
        num_layers: the number of blocks.
        num_heads: the number of query heads.
        num_kv_heads: the number of key and value heads.

    Returns:
        The number of parameters, an ``int``.

    Raises:
        ValueError: for sizes that are not positive integers, or heads that do not divide.

    Example:
        >>> llama_params(32000, 4096, 11008, 32, 32, 32)  # Llama 2 7B's released checkpoint
        6738415616
    """
    v = check_scalar(vocab_size, "vocab_size", integer=True, low=1)
    shape = ModelShape("", num_layers, d_model, num_heads, num_kv_heads, 1.0, "")
    d_ff = check_scalar(d_ff, "d_ff", integer=True, low=1)
    d, kv_width = shape.d_model, shape.num_kv_heads * shape.head_dim
    block = 2 * d * d + 2 * d * kv_width + 3 * d * d_ff + 2 * d
    return 2 * v * d + shape.num_layers * block + d


def _llama(name, d_model, d_ff, num_layers, num_heads, num_kv_heads, source, context):
    n = llama_params(32000, d_model, d_ff, num_layers, num_heads, num_kv_heads)
    return ModelShape(name, num_layers, d_model, num_heads, num_kv_heads, float(n), source,
                      context)


def _gpt2(name, d_model, num_layers, num_heads):
    n = scaling.gpt_params(50257, 1024, d_model, num_layers)
    return ModelShape(name, num_layers, d_model, num_heads, num_heads, float(n),
                      "Radford et al. 2019 (GPT-2), Table 2; heads and parameter count from "
                      "the released checkpoint (bmlearn.scaling.gpt_params); context 1,024",
                      1024)


_LLAMA2 = ("Touvron et al. 2023 (Llama 2), Table 1 (context 4k) and Section 2.2, and the "
           "released checkpoint's configuration (vocabulary 32,000, MLP width {ff}); parameters "
           "counted by llama_params")

#: Published shapes, by name. The parameter counts are those of the released checkpoints.
MODEL_SHAPES: dict[str, ModelShape] = {
    s.name: s for s in (
        _gpt2("GPT-2 small", 768, 12, 12),
        _gpt2("GPT-2 XL", 1600, 48, 25),
        _llama("Llama 2 7B", 4096, 11008, 32, 32, 32, _LLAMA2.format(ff="11,008"), 4096),
        _llama("Llama 2 13B", 5120, 13824, 40, 40, 40, _LLAMA2.format(ff="13,824"), 4096),
        _llama("Llama 2 70B", 8192, 28672, 80, 64, 8,
               _LLAMA2.format(ff="28,672") + "; grouped-query attention with 8 KV heads", 4096),
        _llama("Mistral 7B", 4096, 14336, 32, 32, 8,
               "Jiang et al. 2023 (Mistral 7B), Table 1: 32 layers, width 4,096, 32 heads, "
               "8 KV heads, MLP width 14,336, vocabulary 32,000, context 8,192; parameters "
               "counted by llama_params", 8192),
    )
}


# --------------------------------------------------------------------------- memory


def _shape(shape) -> ModelShape:
    if isinstance(shape, ModelShape):
        return shape
    if isinstance(shape, str) and shape in MODEL_SHAPES:
        return MODEL_SHAPES[shape]
    choices = ", ".join(repr(k) for k in MODEL_SHAPES)
    raise ValueError(f"shape must be a ModelShape or one of {choices}, but received {shape!r}.")


def _check_context(shape: ModelShape, tokens: int, name: str = "context_tokens") -> None:
    if shape.context_length is not None and tokens > shape.context_length:
        raise ValueError(f"{name} must be at most {shape.name}'s context length, "
                         f"{shape.context_length}, but received {tokens}.")


def _device(device) -> scaling.DevicePeak:
    peak = device if isinstance(device, scaling.DevicePeak) else scaling.device_peak(device)
    if peak.memory_bytes is None or peak.bandwidth is None:
        raise ValueError(f"device must have memory_bytes and bandwidth, but received {peak.name!r} "
                         f"with memory_bytes={peak.memory_bytes!r} and bandwidth={peak.bandwidth!r}.")
    return peak


def _bytes_per(value, name) -> float:
    return check_scalar(value, name, low=0, low_open=True)


def weight_bytes(shape, *, bytes_per_param=2) -> float:
    """The bytes of a model's weights: ``n_params · bytes_per_param``.

    Args:
        shape: a :class:`ModelShape` or a name in :data:`MODEL_SHAPES`.
        bytes_per_param: 2 for 16-bit weights, 1 for 8-bit, 0.5 for 4-bit.

    Returns:
        Bytes, a ``float``.

    Raises:
        ValueError: for an unknown shape or bytes per parameter that are not positive.

    Example:
        >>> weight_bytes("Llama 2 7B") / 1e9  # 6,738,415,616 parameters · 2 bytes
        13.476831232
    """
    return _shape(shape).n_params * _bytes_per(bytes_per_param, "bytes_per_param")


def kv_cache_bytes(shape, context_tokens, batch=1, *, bytes_per_value=2) -> float:
    """The bytes of the KV cache: ``2 · layers · kv_heads · head_dim · tokens · batch · bytes``.

    Every block keeps a key and a value vector per KV head for every token
    of every sequence (the factor 2 is K and V).

    Args:
        shape: a :class:`ModelShape` or a name in :data:`MODEL_SHAPES`.
        context_tokens: the tokens held per sequence (prompt and output so far).
        batch: the number of sequences.
        bytes_per_value: 2 for a 16-bit cache.

    Returns:
        Bytes, a ``float``.

    Raises:
        ValueError: for an unknown shape, a negative number of tokens, a batch
            that is not a positive integer, or bytes per value that are not positive.

    Example:
        Llama 2 13B (40 layers, 40 heads of 128): 2 · 40 · 40 · 128 · 2 = 819,200
        bytes per token, vLLM's "800 KB" (Kwon et al. 2023, Section 3):

        >>> kv_cache_bytes("Llama 2 13B", 1)
        819200.0
        >>> kv_cache_bytes("Llama 2 7B", 4096, batch=8) / 2**30  # 512 KiB per token
        16.0
    """
    shape = _shape(shape)
    tokens = check_scalar(context_tokens, "context_tokens", integer=True, low=0)
    batch = check_scalar(batch, "batch", integer=True, low=1)
    return float(shape.kv_values_per_token * tokens * batch) * _bytes_per(bytes_per_value,
                                                                        "bytes_per_value")


@dataclasses.dataclass(frozen=True)
class ServingMemory:
    """What serving needs in memory: the result of :func:`serving_memory`.

    Attributes:
        weights: bytes of the weights.
        kv_cache: bytes of the KV cache for the whole batch at the full context.
        available: bytes of memory on all the devices together.
    """

    weights: float
    kv_cache: float
    available: float

    @property
    def total(self) -> float:
        """Weights plus KV cache."""
        return self.weights + self.kv_cache

    @property
    def fits(self) -> bool:
        """Whether the total is within the available memory."""
        return self.total <= self.available


def serving_memory(shape, device, *, context_tokens, batch=1, num_devices=1, bytes_per_param=2,
                   bytes_per_value=2) -> ServingMemory:
    """The memory that serving a batch needs, and the memory the devices have.

    Args:
        shape: a :class:`ModelShape` or a name in :data:`MODEL_SHAPES`.
        device: a name in :data:`bmlearn.scaling.DEVICE_PEAKS` or a
            :class:`bmlearn.scaling.DevicePeak` with ``memory_bytes``.
        context_tokens: the most tokens a sequence holds (prompt plus output).
        batch: the number of sequences served together.
        num_devices: devices the model is split across.
        bytes_per_param: bytes per weight.
        bytes_per_value: bytes per cached key or value.

    Returns:
        A :class:`ServingMemory`; nothing is raised when it does not fit
        (:func:`check_memory` raises).

    Raises:
        ValueError: for invalid arguments, or a device without memory and bandwidth figures.

    Example:
        >>> mem = serving_memory("Llama 2 7B", "A100", context_tokens=4096, batch=8)
        >>> round(mem.weights / 1e9, 2), round(mem.kv_cache / 1e9, 2), mem.available / 1e9, mem.fits
        (13.48, 17.18, 80.0, True)
    """
    peak = _device(device)
    n = check_scalar(num_devices, "num_devices", integer=True, low=1)
    shape = _shape(shape)
    _check_context(shape, check_scalar(context_tokens, "context_tokens", integer=True, low=0))
    return ServingMemory(
        weights=weight_bytes(shape, bytes_per_param=bytes_per_param),
        kv_cache=kv_cache_bytes(shape, context_tokens, batch, bytes_per_value=bytes_per_value),
        available=n * peak.memory_bytes,
    )


def max_batch(shape, device, *, context_tokens, num_devices=1, bytes_per_param=2,
              bytes_per_value=2) -> int:
    """The largest batch whose weights and KV cache fit in the devices' memory.

    ``floor((memory - weights) / kv_cache_per_sequence)``.

    Args:
        shape: a :class:`ModelShape` or a name in :data:`MODEL_SHAPES`.
        device: a device name or :class:`bmlearn.scaling.DevicePeak` with ``memory_bytes``.
        context_tokens: the most tokens a sequence holds (prompt plus output), at least 1.
        num_devices: devices the model is split across.
        bytes_per_param: bytes per weight.
        bytes_per_value: bytes per cached key or value.

    Returns:
        The batch, an ``int`` >= 1.

    Raises:
        ValueError: if not even one sequence fits beside the weights.

    Example:
        80 GB less 13.48 GB of weights, over 4,096 tokens of 524,288 bytes:

        >>> max_batch("Llama 2 7B", "A100", context_tokens=4096)
        30
        >>> max_batch("Llama 2 70B", "A100", context_tokens=4096)
        Traceback (most recent call last):
        ...
        ValueError: the weights (137.95 GB) and one sequence's KV cache at context_tokens=4096
        (1.34 GB) must fit in 80.00 GB (1 × A100), but received num_devices=1.
    """
    context_tokens = check_scalar(context_tokens, "context_tokens", integer=True, low=1)
    mem = serving_memory(shape, device, context_tokens=context_tokens, batch=1,
                         num_devices=num_devices, bytes_per_param=bytes_per_param,
                         bytes_per_value=bytes_per_value)
    batch = math.floor((mem.available - mem.weights) / mem.kv_cache)
    if batch < 1:
        raise ValueError(
            f"the weights ({mem.weights / 1e9:.2f} GB) and one sequence's KV cache at "
            f"context_tokens={context_tokens} ({mem.kv_cache / 1e9:.2f} GB) must fit in "
            f"{mem.available / 1e9:.2f} GB ({num_devices} × {_device(device).name}), but "
            f"received num_devices={num_devices}."
        )
    return batch


def check_memory(shape, device, *, context_tokens, batch=1, num_devices=1, bytes_per_param=2,
                 bytes_per_value=2) -> ServingMemory:
    """:func:`serving_memory`, raising a ``ValueError`` when the batch does not fit.

    Args:
        shape: a :class:`ModelShape` or a name in :data:`MODEL_SHAPES`.
        device: a device name or :class:`bmlearn.scaling.DevicePeak` with ``memory_bytes``.
        context_tokens: the most tokens a sequence holds (prompt plus output).
        batch: the number of sequences served together.
        num_devices: devices the model is split across.
        bytes_per_param: bytes per weight.
        bytes_per_value: bytes per cached key or value.

    Returns:
        The :class:`ServingMemory`, which fits.

    Raises:
        ValueError: naming the batch, the bytes needed and the bytes available.

    Example:
        >>> check_memory("Llama 2 7B", "A100", context_tokens=4096, batch=31)
        Traceback (most recent call last):
        ...
        ValueError: batch must fit in memory: weights 13.48 GB + KV cache 66.57 GB = 80.05 GB at
        context_tokens=4096, but received batch=31 for 80.00 GB (1 × A100).
    """
    mem = serving_memory(shape, device, context_tokens=context_tokens, batch=batch,
                         num_devices=num_devices, bytes_per_param=bytes_per_param,
                         bytes_per_value=bytes_per_value)
    if not mem.fits:
        raise ValueError(
            f"batch must fit in memory: weights {mem.weights / 1e9:.2f} GB + KV cache "
            f"{mem.kv_cache / 1e9:.2f} GB = {mem.total / 1e9:.2f} GB at "
            f"context_tokens={context_tokens}, but received batch={batch} for "
            f"{mem.available / 1e9:.2f} GB ({num_devices} × {_device(device).name})."
        )
    return mem


# --------------------------------------------------------------------------- time


@dataclasses.dataclass(frozen=True)
class PhaseTime:
    """The roofline time of a phase (prefill, one decode step, or all of decoding).

    Attributes:
        flops: the FLOPs done.
        bytes: the bytes read and written in memory.
        compute_seconds: ``flops / (num_devices · peak · compute_utilisation)``,
            summed over steps.
        memory_seconds: ``bytes / (num_devices · bandwidth · bandwidth_utilisation)``,
            summed over steps.
        seconds: the time: each step's larger of the two, summed.
        bound: ``"compute"`` or ``"memory"`` where every step has that bound,
            ``"mixed"`` where steps differ, ``"none"`` for no steps.
        steps: the number of steps (1 for prefill).
    """

    flops: float
    bytes: float
    compute_seconds: float
    memory_seconds: float
    seconds: float
    bound: str
    steps: int

    @property
    def intensity(self) -> float:
        """Arithmetic intensity: FLOPs per byte moved (``nan`` for no steps)."""
        return self.flops / self.bytes if self.bytes else float("nan")


def _rates(device, num_devices, compute_utilisation, bandwidth_utilisation):
    peak = _device(device)
    n = check_scalar(num_devices, "num_devices", integer=True, low=1)
    cu = check_scalar(compute_utilisation, "compute_utilisation", low=0, high=1, low_open=True)
    bu = check_scalar(bandwidth_utilisation, "bandwidth_utilisation", low=0, high=1,
                      low_open=True)
    return n * peak.flops * cu, n * peak.bandwidth * bu


def _phase(flops, nbytes, flop_rate, byte_rate) -> PhaseTime:
    flops, nbytes = np.atleast_1d(np.asarray(flops, float)), np.atleast_1d(np.asarray(nbytes, float))
    compute, memory = flops / flop_rate, nbytes / byte_rate
    if flops.size == 0:
        bound = "none"
    elif np.all(memory >= compute):
        bound = "memory"
    elif np.all(compute > memory):
        bound = "compute"
    else:
        bound = "mixed"
    return PhaseTime(flops=float(flops.sum()), bytes=float(nbytes.sum()),
                     compute_seconds=float(compute.sum()), memory_seconds=float(memory.sum()),
                     seconds=float(np.maximum(compute, memory).sum()), bound=bound,
                     steps=int(flops.size))


def prefill_seconds(shape, device, *, tokens_in, batch=1, num_devices=1, compute_utilisation=1.0,
                    bandwidth_utilisation=1.0, bytes_per_param=2, bytes_per_value=2) -> PhaseTime:
    """The roofline time to read a batch of prompts, which also yields each sequence's first token.

    FLOPs: ``batch · (2 N T + 2 L d T (T + 1))``: two per parameter per token,
    and causal attention, where the prompt's ``t``-th token compares its query
    with ``t`` keys and sums ``t`` values (``4 d t`` FLOPs per layer).
    Bytes: the weights, read once, and the KV cache written,
    ``batch · T`` tokens.

    Args:
        shape: a :class:`ModelShape` or a name in :data:`MODEL_SHAPES`.
        device: a device name or :class:`bmlearn.scaling.DevicePeak` with a bandwidth.
        tokens_in: the prompt's length ``T``.
        batch: prompts read together.
        num_devices: devices the model is split across (ideal scaling).
        compute_utilisation: the share of peak FLOP/s reached, in (0, 1].
        bandwidth_utilisation: the share of peak bandwidth reached, in (0, 1].
        bytes_per_param: bytes per weight.
        bytes_per_value: bytes per cached key or value.

    Returns:
        A :class:`PhaseTime`.

    Raises:
        ValueError: for invalid arguments.

    Example:
        A 1,000-token prompt on Llama 2 7B does about 1,000 FLOPs per byte of
        weights, far above an A100's ridge point of 153: compute-bound.

        >>> p = prefill_seconds("Llama 2 7B", "A100", tokens_in=1000)
        >>> p.bound, round(p.intensity), round(p.seconds * 1000, 1)
        ('compute', 981, 44.0)
    """
    shape = _shape(shape)
    t = check_scalar(tokens_in, "tokens_in", integer=True, low=1)
    _check_context(shape, t, "tokens_in")
    b = check_scalar(batch, "batch", integer=True, low=1)
    flop_rate, byte_rate = _rates(device, num_devices, compute_utilisation, bandwidth_utilisation)
    flops = b * (2.0 * shape.n_params * t + 2.0 * shape.num_layers * shape.d_model * t * (t + 1))
    nbytes = (weight_bytes(shape, bytes_per_param=bytes_per_param)
              + kv_cache_bytes(shape, t, b, bytes_per_value=bytes_per_value))
    return _phase(flops, nbytes, flop_rate, byte_rate)


def _decode_steps(shape, contexts, batch, bytes_per_param, bytes_per_value):
    contexts = np.asarray(contexts, float)
    flops = batch * (2.0 * shape.n_params + 4.0 * shape.num_layers * shape.d_model * contexts)
    nbytes = (weight_bytes(shape, bytes_per_param=bytes_per_param)
              + batch * contexts * kv_cache_bytes(shape, 1, bytes_per_value=bytes_per_value))
    return flops, nbytes


def decode_step_seconds(shape, device, *, context_tokens, batch=1, num_devices=1,
                        compute_utilisation=1.0, bandwidth_utilisation=1.0, bytes_per_param=2,
                        bytes_per_value=2) -> PhaseTime:
    """The roofline time of one decoding step: one new token for each sequence of the batch.

    FLOPs: ``batch · (2 N + 4 L d c)``: two per parameter, and attention of
    the new token's query over ``c`` positions. Bytes: all the weights, read
    once for the whole batch, and each sequence's KV cache of ``c`` tokens.
    At batch 1 in 16 bits that is about 1 FLOP per byte: memory-bound on any
    device whose ridge point is above 1.

    Args:
        shape: a :class:`ModelShape` or a name in :data:`MODEL_SHAPES`.
        device: a device name or :class:`bmlearn.scaling.DevicePeak` with a bandwidth.
        context_tokens: the positions ``c`` the new token attends to, itself included.
        batch: sequences decoded together.
        num_devices: devices the model is split across (ideal scaling).
        compute_utilisation: the share of peak FLOP/s reached, in (0, 1].
        bandwidth_utilisation: the share of peak bandwidth reached, in (0, 1].
        bytes_per_param: bytes per weight.
        bytes_per_value: bytes per cached key or value.

    Returns:
        A :class:`PhaseTime` with ``steps == 1``.

    Raises:
        ValueError: for invalid arguments.

    Example:
        Llama 2 7B at batch 1 on an A100: 13.48 GB of weights (and 0.5 MB of
        cache) at 2,039 GB/s is 6.6 ms a token, about 151 tokens per second:

        >>> step = decode_step_seconds("Llama 2 7B", "A100", context_tokens=1)
        >>> step.bound, round(step.intensity, 2), round(1 / step.seconds)
        ('memory', 1.0, 151)
    """
    shape = _shape(shape)
    c = check_scalar(context_tokens, "context_tokens", integer=True, low=1)
    _check_context(shape, c)
    b = check_scalar(batch, "batch", integer=True, low=1)
    flop_rate, byte_rate = _rates(device, num_devices, compute_utilisation, bandwidth_utilisation)
    flops, nbytes = _decode_steps(shape, [c], b, bytes_per_param, bytes_per_value)
    return _phase(flops, nbytes, flop_rate, byte_rate)


def decode_seconds(shape, device, *, tokens_in, tokens_out, batch=1, num_devices=1,
                   compute_utilisation=1.0, bandwidth_utilisation=1.0, bytes_per_param=2,
                   bytes_per_value=2) -> PhaseTime:
    """The roofline time to decode ``tokens_out`` tokens after a prompt of ``tokens_in``.

    Prefill yields the first output token; the other ``tokens_out - 1`` take a
    :func:`decode_step_seconds` each, the ``k``-th attending to
    ``tokens_in + k`` positions. The steps' times are summed.

    Args:
        shape: a :class:`ModelShape` or a name in :data:`MODEL_SHAPES`.
        device: a device name or :class:`bmlearn.scaling.DevicePeak` with a bandwidth.
        tokens_in: the prompt's length.
        tokens_out: the tokens generated per sequence, at least 1.
        batch: sequences decoded together.
        num_devices: devices the model is split across (ideal scaling).
        compute_utilisation: the share of peak FLOP/s reached, in (0, 1].
        bandwidth_utilisation: the share of peak bandwidth reached, in (0, 1].
        bytes_per_param: bytes per weight.
        bytes_per_value: bytes per cached key or value.

    Returns:
        A :class:`PhaseTime` with ``steps == tokens_out - 1``.

    Raises:
        ValueError: for invalid arguments.

    Example:
        >>> d = decode_seconds("Llama 2 7B", "A100", tokens_in=1000, tokens_out=101)
        >>> d.steps, d.bound, round(d.seconds, 3)
        (100, 'memory', 0.687)
    """
    shape = _shape(shape)
    t_in = check_scalar(tokens_in, "tokens_in", integer=True, low=1)
    t_out = check_scalar(tokens_out, "tokens_out", integer=True, low=1)
    _check_context(shape, t_in + t_out - 1, "tokens_in + tokens_out - 1")
    b = check_scalar(batch, "batch", integer=True, low=1)
    flop_rate, byte_rate = _rates(device, num_devices, compute_utilisation, bandwidth_utilisation)
    contexts = t_in + np.arange(1, t_out)
    flops, nbytes = _decode_steps(shape, contexts, b, bytes_per_param, bytes_per_value)
    return _phase(flops, nbytes, flop_rate, byte_rate)


# --------------------------------------------------------------------------- cost


@dataclasses.dataclass(frozen=True)
class ServingCost:
    """The cost of serving requests in batches: the result of :func:`serving_cost`.

    Attributes:
        shape: the model's name.
        device: the device's name.
        num_devices: devices serving one copy of the model.
        batch: requests served together.
        tokens_in: prompt tokens per request.
        tokens_out: output tokens per request.
        price_per_gpu_hour: the price assumed, dollars per device-hour.
        memory: the :class:`ServingMemory` of the batch at the full context.
        prefill: the prefill's :class:`PhaseTime`.
        decode: decoding's :class:`PhaseTime`.
        seconds_per_batch: prefill plus decoding.
        requests_per_gpu_hour: ``batch · 3600 / seconds_per_batch / num_devices``.
        dollars_per_1000_requests: ``1000 · price / requests_per_gpu_hour``.
        output_tokens_per_second: ``batch · tokens_out / seconds_per_batch``.
    """

    shape: str
    device: str
    num_devices: int
    batch: int
    tokens_in: int
    tokens_out: int
    price_per_gpu_hour: float
    memory: ServingMemory
    prefill: PhaseTime
    decode: PhaseTime
    seconds_per_batch: float
    requests_per_gpu_hour: float
    dollars_per_1000_requests: float
    output_tokens_per_second: float


def serving_cost(shape, device, *, tokens_in, tokens_out, batch, price_per_gpu_hour,
                 num_devices=1, compute_utilisation=1.0, bandwidth_utilisation=1.0,
                 bytes_per_param=2, bytes_per_value=2) -> ServingCost:
    """Dollars per 1,000 requests of ``tokens_in`` in and ``tokens_out`` out, served in batches.

    Each batch of ``batch`` requests is prefilled (:func:`prefill_seconds`)
    and decoded (:func:`decode_seconds`) together, on ``num_devices``
    devices billed at ``price_per_gpu_hour`` each. The batch, at its full
    context of ``tokens_in + tokens_out``, must fit in the devices' memory
    (:func:`check_memory`). With the default utilisations of 1 the result is
    the roofline's floor: no real server is cheaper at these assumptions.
    Prompt and output together must fit in the model's context length.

    Args:
        shape: a :class:`ModelShape` or a name in :data:`MODEL_SHAPES`.
        device: a device name or :class:`bmlearn.scaling.DevicePeak` with
            ``memory_bytes`` and ``bandwidth``.
        tokens_in: prompt tokens per request, at least 1.
        tokens_out: output tokens per request, at least 1.
        batch: requests served together.
        price_per_gpu_hour: dollars per device-hour (a number >= 0 or a
            :class:`~bmlearn.business.prices.Price` in "USD per GPU-hour").
        num_devices: devices one copy of the model is split across.
        compute_utilisation: the share of peak FLOP/s reached, in (0, 1].
        bandwidth_utilisation: the share of peak bandwidth reached, in (0, 1].
        bytes_per_param: bytes per weight (2 for 16 bits).
        bytes_per_value: bytes per cached key or value.

    Returns:
        A :class:`ServingCost`.

    Raises:
        ValueError: for a batch that does not fit in memory, tokens that are
            not positive integers or exceed the model's context length, a negative price, utilisations outside
            (0, 1], or an unknown shape or device.

    Example:
        Llama 2 7B on one A100 at $2 an hour, 1,000 tokens in and 101 out:
        batch 1 takes 0.044 s of prefill and 0.688 s of decoding, 0.732 s a
        request, 4,918 requests an hour, $0.41 per 1,000; batch 16 shares each
        read of the weights among 16 requests:

        >>> one = serving_cost("Llama 2 7B", "A100", tokens_in=1000, tokens_out=101, batch=1,
        ...                    price_per_gpu_hour=2.0)
        >>> round(one.seconds_per_batch, 3), round(one.dollars_per_1000_requests, 2)
        (0.732, 0.41)
        >>> many = serving_cost("Llama 2 7B", "A100", tokens_in=1000, tokens_out=101, batch=16,
        ...                     price_per_gpu_hour=2.0)
        >>> many.prefill.bound, many.decode.bound, round(many.dollars_per_1000_requests, 3)
        ('compute', 'memory', 0.062)
    """
    shape = _shape(shape)
    peak = _device(device)
    t_in = check_scalar(tokens_in, "tokens_in", integer=True, low=1)
    t_out = check_scalar(tokens_out, "tokens_out", integer=True, low=1)
    price = _price_amount(price_per_gpu_hour)
    kwargs = dict(batch=batch, num_devices=num_devices, bytes_per_param=bytes_per_param,
                  bytes_per_value=bytes_per_value)
    rates = dict(compute_utilisation=compute_utilisation,
                 bandwidth_utilisation=bandwidth_utilisation)
    memory = check_memory(shape, peak, context_tokens=t_in + t_out, **kwargs)
    prefill = prefill_seconds(shape, peak, tokens_in=t_in, **kwargs, **rates)
    decode = decode_seconds(shape, peak, tokens_in=t_in, tokens_out=t_out, **kwargs, **rates)
    seconds = prefill.seconds + decode.seconds
    n = int(num_devices)
    per_gpu_hour = batch * _SECONDS_PER_HOUR / seconds / n
    return ServingCost(
        shape=shape.name, device=peak.name, num_devices=n, batch=int(batch), tokens_in=t_in,
        tokens_out=t_out, price_per_gpu_hour=price, memory=memory, prefill=prefill,
        decode=decode, seconds_per_batch=seconds, requests_per_gpu_hour=per_gpu_hour,
        dollars_per_1000_requests=1000.0 * price / per_gpu_hour,
        output_tokens_per_second=batch * t_out / seconds,
    )
