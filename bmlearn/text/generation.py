"""Generating text from a GPT: sampling with temperature and top-k, and a key/value cache.

A language model scores the next token; generating text is a loop that samples
one, appends it and asks again. Without a cache each step runs the model over
the whole context again; with one, each block keeps the keys and values of the
positions it has seen and a step computes only the new position's. The cache
here is preallocated at its full size and written at an index, so every step
has the same shapes and XLA compiles the step once (the pattern of KerasHub's
``CachedMultiHeadAttention``). This module drives Keras (TensorFlow backend)
and imports it only when :func:`generate` is called.
"""

from __future__ import annotations

import weakref

import numpy as np

from bmlearn.validation import check_scalar

__all__ = ["generate"]

# One _Generator per (model, batch size): its compiled functions and its cache live as long
# as the model does, so a second call (another temperature, another prompt) compiles nothing.
_GENERATORS: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def generate(model, prompt_ids, max_new_tokens: int, *, temperature: float = 1.0,
             top_k: int | None = None, seed: int | None = None,
             use_cache: bool = True) -> np.ndarray:
    """Continue a prompt with ``max_new_tokens`` tokens sampled from a GPT.

    At each step the model's logits ``z`` for the next token become
    probabilities ``softmax(z / temperature)``: a temperature below 1
    sharpens the distribution, above 1 flattens it, and ``temperature=0``
    takes the most likely token (greedy decoding, deterministic). With
    ``top_k``, only the ``k`` most likely tokens keep their probability
    (renormalised); the others get exactly 0 and are never drawn. Sampling
    happens in NumPy (float64) with ``np.random.default_rng(seed)``, so a seed
    gives the same tokens on every run and every device.

    **The context limit.** The model reads at most ``seq_len`` tokens (its
    learned positions). The prompt is cropped to its last ``seq_len`` tokens.
    While the text fits in the context, each new token costs one cached step.
    Once prompt + new tokens exceed ``seq_len``, generation goes on with a
    sliding window: each next token is predicted from the last ``seq_len``
    tokens, recomputed in full, because with learned absolute positions every
    token's position (and so its keys and values) changes when the window
    slides, and the cache cannot be reused. That is what ``use_cache=False``
    does at every step, so both paths give the same tokens throughout; the
    cache only speeds up the tokens that fit in the context.

    **The cache** (``use_cache=True``): each block of the model gets a
    ``(batch, 2, seq_len, heads, head_dim)`` tensor of keys and values, held
    in a ``tf.Variable`` allocated once. The prompt, padded to ``seq_len``,
    fills it in one compiled call ("prefill"; causal attention keeps the
    padding from affecting the prompt's positions, and the padded slots are
    overwritten before any query may see them). Each new token then runs one
    XLA-compiled step with fixed shapes: the block writes the token's key and
    value at its position (a dynamic-update-slice into the variable, done in
    place) and attends to the positions up to it. The step is traced and
    compiled once per model and batch size, not per token nor per call.
    ``use_cache=False`` runs the model itself on the window padded to
    ``seq_len``, also compiled once.

    Args:
        model: a model built by :func:`bmlearn.models.build_gpt` (the cache
            path runs its layers one by one: embedding, blocks, final norm,
            tied or separate output projection).
        prompt_ids: token ids, 1-D ``(T,)`` for one prompt or 2-D
            ``(batch, T)`` for prompts of equal length; ``T >= 1``.
        max_new_tokens: number of tokens to add, an integer >= 0.
        temperature: >= 0; 0 is greedy.
        top_k: keep only the ``k`` most likely tokens, ``1 <= k <= vocab_size``;
            ``None`` keeps all.
        seed: seed of the sampler (ignored by greedy decoding); ``None`` for a
            fresh one each call.
        use_cache: use the blocks' key/value cache.

    Returns:
        An int32 array: the whole prompt (uncropped) followed by the new
        tokens, of shape ``(T + max_new_tokens,)``, or
        ``(batch, T + max_new_tokens)`` for a 2-D prompt.

    Raises:
        ValueError: for a negative temperature, ``top_k`` outside
            ``[1, vocab_size]``, an empty prompt, ids that are not whole numbers
            or are outside ``[0, vocab_size)``, a negative ``max_new_tokens``, a
            model without a :class:`~bmlearn.layers.TokenAndPositionEmbedding`,
            ``use_cache=True`` for a model not laid out like ``build_gpt``'s
            (e.g. a non-causal block), or Keras on another backend than TensorFlow.

    Example:
        >>> from bmlearn.models import build_gpt
        >>> model = build_gpt(vocab_size=20, seq_len=8, d_model=16, num_layers=1, num_heads=2)
        >>> out = generate(model, [3, 1, 4], 5, temperature=0)
        >>> out.shape, out[:3]
        ((8,), array([3, 1, 4], dtype=int32))
        >>> bool(np.array_equal(out, generate(model, [3, 1, 4], 5, temperature=0, use_cache=False)))
        True
        >>> generate(model, [3, 1, 4], 5, temperature=-1.0)
        Traceback (most recent call last):
        ...
        ValueError: temperature must be a finite number >= 0, but received -1.0.
    """
    from bmlearn.quiet import import_keras

    keras = import_keras()
    if keras.backend.backend() != "tensorflow":
        raise ValueError(f"generate needs Keras's TensorFlow backend, but received the "
                         f"{keras.backend.backend()!r} backend.")
    max_new_tokens = check_scalar(max_new_tokens, "max_new_tokens", integer=True, low=0)
    temperature = check_scalar(temperature, "temperature", low=0)
    if seed is not None:
        seed = check_scalar(seed, "seed", integer=True, low=0)
    if not isinstance(use_cache, (bool, np.bool_)):
        raise ValueError(f"use_cache must be True or False, but received {use_cache!r}.")
    embedding = _find_embedding(keras, model)
    vocab_size, seq_len = embedding.vocab_size, embedding.seq_len
    if top_k is not None:
        top_k = check_scalar(top_k, "top_k", integer=True, low=1, high=vocab_size)
    prompt, single = _check_prompt(prompt_ids, vocab_size)

    generator = _generator(model, batch_size=prompt.shape[0])
    rng = np.random.default_rng(seed)
    window = prompt[:, -seq_len:]  # what the model can read
    new = []
    if max_new_tokens:
        logits = generator.prefill(window) if use_cache else generator.forward(window)
    for n in range(max_new_tokens):
        token = _sample(logits, temperature, top_k, rng)
        new.append(token)
        if n == max_new_tokens - 1:
            break
        window = np.concatenate([window, token[:, None]], axis=1)
        if use_cache and window.shape[1] <= seq_len:
            logits = generator.step(token, position=window.shape[1] - 1)
        else:  # no cache, or the context is full: slide the window and recompute
            window = window[:, -seq_len:]
            logits = generator.forward(window)
    out = np.concatenate([prompt, np.stack(new, axis=1) if new else prompt[:, :0]], axis=1)
    return out[0] if single else out


def _find_embedding(keras, model):
    """The model's TokenAndPositionEmbedding (it knows the vocabulary and the context length)."""
    from bmlearn.layers import TokenAndPositionEmbedding

    if not isinstance(model, keras.Model):
        raise ValueError(f"model must be a keras.Model built by bmlearn.models.build_gpt, but "
                         f"received {type(model).__name__}.")
    found = [layer for layer in model.layers if isinstance(layer, TokenAndPositionEmbedding)]
    if len(found) != 1:
        raise ValueError(f"model must have one TokenAndPositionEmbedding layer (a model built by "
                         f"bmlearn.models.build_gpt), but received a model with {len(found)}.")
    return found[0]


def _check_prompt(prompt_ids, vocab_size: int):
    """The prompt as an int32 ``(batch, T)`` array, and whether it was 1-D; or raise."""
    try:
        arr = np.asarray(prompt_ids)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"prompt_ids must be an array of token ids, but received "
                         f"{type(prompt_ids).__name__}: {exc}") from None
    if arr.ndim not in (1, 2):
        raise ValueError(f"prompt_ids must have 1 dimension (one prompt) or 2 (batch, length), "
                         f"but received shape {arr.shape}.")
    if arr.size == 0:
        raise ValueError(f"prompt_ids must hold at least one token id per prompt, but received "
                         f"an empty prompt (shape {arr.shape}).")
    if not (np.issubdtype(arr.dtype, np.integer) or np.issubdtype(arr.dtype, np.floating)):
        raise ValueError(f"prompt_ids must hold integer token ids, but received dtype "
                         f"{arr.dtype}.")
    if np.issubdtype(arr.dtype, np.floating) and not np.all(
            np.isfinite(arr) & (arr == np.round(arr))):
        bad = arr[~(np.isfinite(arr) & (arr == np.round(arr)))]
        raise ValueError(f"prompt_ids must hold whole-number token ids, but received values "
                         f"such as {bad[:3]}.")
    lo, hi = arr.min(), arr.max()
    if lo < 0 or hi >= vocab_size:
        raise ValueError(f"prompt_ids must hold token ids in 0..{vocab_size - 1} (the model's "
                         f"vocabulary), but received values from {int(lo)} to {int(hi)}.")
    single = arr.ndim == 1
    return np.atleast_2d(arr).astype(np.int32), single


def _sample(logits, temperature: float, top_k, rng) -> np.ndarray:
    """One token per row of ``logits`` (batch, vocab): greedy, or sampled with temperature/top-k."""
    z = np.asarray(logits, dtype=np.float64)
    if temperature == 0:
        return np.argmax(z, axis=-1).astype(np.int32)
    z = z / temperature
    if top_k is not None and top_k < z.shape[-1]:
        keep = np.argpartition(-z, top_k - 1, axis=-1)[:, :top_k]  # exactly k per row
        kept = np.full_like(z, -np.inf)
        np.put_along_axis(kept, keep, np.take_along_axis(z, keep, axis=-1), axis=-1)
        z = kept
    p = np.exp(z - z.max(axis=-1, keepdims=True))  # exactly 0 where z = -inf
    cdf = np.cumsum(p, axis=-1)
    u = rng.random(z.shape[0]) * cdf[:, -1]
    # The first index whose cumulative mass exceeds u: a token with p = 0 is never chosen.
    return np.array([np.searchsorted(c, ui, side="right") for c, ui in zip(cdf, u)],
                    dtype=np.int32)


def _generator(model, batch_size: int) -> "_Generator":
    """The compiled generator of ``model`` for ``batch_size`` prompts, made on first use."""
    per_model = _GENERATORS.setdefault(model, {})
    if batch_size not in per_model:
        per_model[batch_size] = _Generator(model, batch_size)
    return per_model[batch_size]


class _Generator:
    """A GPT's layers, its key/value caches (tf.Variables) and three XLA-compiled functions.

    - ``prefill(window)``: fill every block's cache from the padded prompt, and return the
      logits after its last token;
    - ``step(token, position)``: write one token's keys and values at ``position`` and return
      the logits after it;
    - ``forward(window)``: the model itself on the padded window (no cache).

    Each takes fixed shapes, ``(batch, seq_len)`` or ``(batch, 1)``, and integer tensors for the
    positions, so each is traced once.
    """

    def __init__(self, model, batch_size: int):
        from bmlearn.layers import TransformerBlock
        from bmlearn.quiet import import_keras, import_tensorflow

        keras, tf = import_keras(), import_tensorflow()
        self.embedding = _find_embedding(keras, model)
        self.seq_len = self.embedding.seq_len
        self.blocks = [layer for layer in model.layers if isinstance(layer, TransformerBlock)]
        norms = [layer for layer in model.layers
                 if isinstance(layer, keras.layers.LayerNormalization)]
        heads = [layer for layer in model.layers if isinstance(layer, keras.layers.Dense)]
        self.usable = (bool(self.blocks) and all(b.causal for b in self.blocks)
                       and len(norms) == 1 and len(heads) <= 1)
        self.final_norm = norms[0] if len(norms) == 1 else None
        self.head = heads[0] if heads else None  # None: tied to the token embeddings
        self.batch_size = batch_size
        self.caches = []  # allocated at the first prefill: use_cache=False needs none
        model_ref = weakref.ref(model)  # the registry holds the model weakly
        self._tf = tf

        def cached(token_ids, index):
            x = self.embedding(token_ids, start_index=index)
            for block, cache in zip(self.blocks, self.caches):
                x, updated = block(x, cache=cache.value(), cache_update_index=index,
                                   training=False)
                cache.assign(updated)
            x = self.final_norm(x)
            return self.head(x) if self.head is not None else self.embedding(x, reverse=True)

        def prefill(token_ids, last):
            return tf.gather(cached(token_ids, tf.constant(0, tf.int32)), last, axis=1)

        def step(token, position):
            return cached(token, position)[:, 0]

        def forward(token_ids, last):
            return tf.gather(model_ref()(token_ids, training=False), last, axis=1)

        self._prefill = tf.function(prefill, jit_compile=True, reduce_retracing=False)
        self._step = tf.function(step, jit_compile=True, reduce_retracing=False)
        self._forward = tf.function(forward, jit_compile=True, reduce_retracing=False)

    def _padded(self, window):
        padded = np.zeros((window.shape[0], self.seq_len), np.int32)  # id 0 after the tokens
        padded[:, :window.shape[1]] = window
        return self._tf.constant(padded), self._tf.constant(window.shape[1] - 1, self._tf.int32)

    def prefill(self, window):
        if not self.usable:
            raise ValueError("use_cache=True needs a model laid out like build_gpt's (causal "
                             "TransformerBlocks, one final LayerNormalization, at most one Dense "
                             "output layer); pass use_cache=False for this model.")
        if not self.caches:
            self.caches = [
                self._tf.Variable(block.empty_cache(self.batch_size, self.seq_len),
                                  trainable=False, name=f"{block.name}_cache")
                for block in self.blocks
            ]
        return np.asarray(self._prefill(*self._padded(window)))

    def step(self, token, position: int):
        token = self._tf.constant(np.asarray(token, np.int32)[:, None])
        return np.asarray(self._step(token, self._tf.constant(position, self._tf.int32)))

    def forward(self, window):
        return np.asarray(self._forward(*self._padded(window)))

    def tracing_counts(self) -> dict:
        """How many times each compiled function was traced (each should be at most 1)."""
        return {name: getattr(self, f"_{name}").experimental_get_tracing_count()
                for name in ("prefill", "step", "forward")}
