"""bmlearn.pretrain: the command line, bad input, resumption and multi-worker training."""

import json
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import bmlearn as bm
from bmlearn import numerics, pretrain, pretrained

ROOT = Path(__file__).resolve().parents[1]

# A short run of the tiny size on the Markov corpus: 8 windows of 128 tokens a step.
QUICK = dict(steps=6, batch_size=8, checkpoint_every=2, eval_batches=0, max_val_tokens=2049)


@pytest.fixture(scope="module")
def env():
    return bm.setup(seed=0, mixed_precision=False, verbose=False)


def _weights(folder):
    return pretrained.load(folder).model.get_weights()


# ----------------------------------------------------------------------------- bad input

@pytest.mark.parametrize("kwargs, message", [
    (dict(corpus="shakespeare"), "corpus must be one of 'kjv', 'reviews', 'markov', but received "
                                 "'shakespeare'"),
    (dict(size="huge"), "size must be one of 'tiny', 'mini', 'nanogpt', 'gpt2-small', but "
                        "received 'huge'"),
    (dict(steps=-1), "steps must be a positive integer, but received -1"),
    (dict(steps=0), "steps must be a positive integer, but received 0"),
    (dict(steps=2.5), "steps must be a positive integer, but received 2.5"),
    (dict(batch_size=0), "batch_size must be a positive integer, but received 0"),
    (dict(seed=-3), "seed must be a non-negative integer, but received -3"),
    (dict(checkpoint_every=0), "checkpoint_every must be a positive integer, but received 0"),
    (dict(resume="yes"), "resume must be True or False, but received 'yes'"),
])
def test_bad_input_raises_before_any_work(kwargs, message, tmp_path):
    args = dict(corpus="markov", size="tiny", out_dir=tmp_path / "never")
    args.update(kwargs)
    with pytest.raises(ValueError, match=message.replace("(", r"\(")):
        pretrain.pretrain(**args)
    assert not (tmp_path / "never").exists()


def test_command_line_rejects_bad_values_with_their_names(tmp_path):
    out = tmp_path / "never"
    for argv, message in [
        (["--corpus", "wiki", "--size", "tiny"], "corpus must be one of"),
        (["--corpus", "kjv", "--size", "gpt5"], "size must be one of"),
        (["--corpus", "kjv", "--size", "tiny", "--steps", "-10"],
         "steps must be a positive integer, but received -10"),
    ]:
        proc = subprocess.run([sys.executable, "-m", "bmlearn.pretrain", *argv, "--out", str(out)],
                              cwd=ROOT, capture_output=True, text=True, timeout=60)
        assert proc.returncode == 2 and message in proc.stderr, proc.stderr
    assert not out.exists()


def test_sizes_are_the_published_configurations():
    nano = pretrain.size_config("nanogpt")  # nanoGPT, config/train_shakespeare_char.py
    assert (nano["num_layers"], nano["num_heads"], nano["d_model"], nano["seq_len"],
            nano["dropout"], nano["batch_size"], nano["learning_rate"], nano["steps"]) == (
        6, 6, 384, 256, 0.2, 64, 1e-3, 5000)
    gpt2 = pretrain.size_config("gpt2-small")
    assert (gpt2["num_layers"], gpt2["num_heads"], gpt2["d_model"], gpt2["seq_len"]) == (
        12, 12, 768, 1024)
    # GPT-2 small's published parameter count with its 50,257-token vocabulary
    assert bm.scaling.gpt_params(50257, gpt2["seq_len"], gpt2["d_model"],
                                 gpt2["num_layers"]) == 124_439_808


# ----------------------------------------------------------------------------- data order

def test_each_step_has_fixed_windows_so_a_run_can_resume_anywhere():
    starts = pretrain._window_starts(10_000, 128, 500, seed=3)
    # the first steps of a longer run are the same windows: the order depends only on the step
    np.testing.assert_array_equal(pretrain._window_starts(10_000, 128, 100, seed=3), starts[:100])
    assert not np.array_equal(pretrain._window_starts(10_000, 128, 100, seed=4), starts[:100])
    # a pass over the text: windows that do not overlap, all of them, from one random offset
    first = np.sort(starts[:77])
    assert np.all(np.diff(first) == 128) and first[0] < 128 and first[-1] + 128 < 10_000


def test_corpora_tokenize_their_texts():
    kjv = pretrain.load_corpus("kjv")
    splits = bm.data.load_kjv()
    assert kjv.vocab_size == len(splits.alphabet) == 63 and kjv.eot_id is None
    assert kjv.tokenizer.decode(kjv.val_ids) == splits.val
    markov = pretrain.load_corpus("markov")
    lang = bm.data.MarkovSource()
    np.testing.assert_array_equal(markov.train_ids, lang.sample(pretrain.MARKOV_TOKENS[0], seed=0))
    assert markov.vocab_size == lang.vocab_size


# ----------------------------------------------------------------------------- resumption

def test_an_interrupted_run_continues_and_ends_where_an_uninterrupted_one_does(env, tmp_path):
    """Stop a 6-step run before step 5 (epoch 2, batch 1); run the same command again.

    The second run restores the checkpoint written after step 4 (the end of
    epoch 1: checkpoints come every 2 steps), trains steps 5 and 6 on the
    same windows as an uninterrupted run, and ends with exactly its weights:
    deterministic ops on a CPU make the two runs bit for bit the same. The
    uninterrupted run starts in a folder holding a copy of that checkpoint,
    with ``resume=False`` (``--no-resume``), which must ignore it.
    """
    cut, full = tmp_path / "cut", tmp_path / "full"
    with pytest.raises(bm.train.TrainingInterrupted):
        pretrain.pretrain("markov", "tiny", cut, env=env, verbose=0,
                          callbacks=[bm.train.InterruptTraining(epoch=2, batch=1)], **QUICK)
    meta = json.loads((cut / "backup" / "training_metadata.json").read_text())
    assert meta["epoch"] == 2  # the last checkpoint: after 2 epochs of 2 steps
    shutil.copytree(cut / "backup", full / "backup")

    reference = pretrain.pretrain("markov", "tiny", full, env=env, verbose=0, resume=False,
                                  **QUICK)
    assert reference["resumed_from_step"] == 0 and not (full / "backup").exists()
    resumed = pretrain.pretrain("markov", "tiny", cut, env=env, verbose=0, **QUICK)
    assert resumed["resumed_from_step"] == 4 and resumed["steps"] == 6
    assert not (cut / "backup").exists()  # removed once the run completes
    for a, b in zip(_weights(cut), _weights(full)):
        np.testing.assert_array_equal(a, b)
    assert resumed["val_loss"] == reference["val_loss"]

    # what a run writes
    config = json.loads((full / "config.json").read_text())
    assert config["training"]["steps"] == 6 and config["training"]["checkpoint_every"] == 2
    assert config["training"]["tokens_seen"] == 6 * 8 * 128 == reference["tokens_seen"]
    assert config["model"] == dict(vocab_size=8, seq_len=128, d_model=64, num_layers=2,
                                   num_heads=2, d_ff=256, dropout=0.0, tie_embeddings=True)
    assert any((full / "logs").rglob("events.out.tfevents.*"))  # TensorBoard
    body = pretrained.load(full)
    corpus = pretrain.load_corpus("markov")
    val_ids = corpus.val_ids[: QUICK["max_val_tokens"]]
    loss = bm.train.lm_cross_entropy(body.model, val_ids, 128)
    assert loss == reference["val_loss"] == body.val_loss
    bigram = bm.text.NGramModel(2, 8).fit(corpus.train_ids)
    assert reference["baselines"]["bigram"] == bigram.cross_entropy(val_ids)
    # no model beats the source's exact entropy rate (up to the sampling noise of 2,048 tokens)
    assert loss > bm.data.MarkovSource().entropy_rate()


# ----------------------------------------------------------------------------- several workers

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("localhost", 0))
        return s.getsockname()[1]


def test_two_workers_train_one_model_equal_to_one_worker_with_the_same_global_batch(tmp_path):
    """Two processes on localhost, a ``TF_CONFIG`` each, train the tiny GPT together.

    ``MultiWorkerMirroredStrategy`` gives each worker 4 of the 8 windows of
    every step and sums their gradients, so both workers apply the same update
    and must end with *identical* weights. A third process, one worker with
    the same global batch of 8, computes the same update in one piece: the two
    differ only in rounding, because the batch's gradient is summed in a
    different order (two halves, then their sum).

    Tolerance. Every step ends with ``w ← w - lr·r`` (``r`` Adam's normalised
    step, ``|r| <= 1``), rounded to float32: at most half a unit in the last
    place of the weight, ``eps/2 · |w|``. The update itself, from gradients that
    differ by a few roundings, differs by ``lr · |Δr|``, which for these
    learning rates (at most 2e-3) and relative gradient errors of order
    ``k · u`` (``k`` terms summed) is below one unit in the last place of the
    weight. So each step may separate the two runs by at most about
    ``eps · max|w|``, and ``steps`` steps by ``2 · steps · eps · max|w|`` (the 2
    for both runs' roundings); over so few steps the differences have no
    time to grow through the gradients. For 4 steps and ``max|w| ≈ 1`` (the
    layer-norm scales) that is about 1e-6, while training moves the weights
    by thousands of times more: a worker training on other data, or updates
    not summed over the workers, would be far outside it.
    """
    steps = 4
    args = ["--corpus", "markov", "--size", "tiny", "--steps", str(steps), "--batch-size", "8",
            "--checkpoint-every", "2", "--eval-batches", "0", "--max-val-tokens", "2049",
            "--verbose", "0"]
    base_env = {**os.environ, "CUDA_VISIBLE_DEVICES": "", "PYTHONPATH": str(ROOT)}
    base_env.pop("TF_CONFIG", None)
    ports = [_free_port(), _free_port()]
    cluster = {"worker": [f"localhost:{p}" for p in ports]}
    procs = []
    for index in range(2):
        env = {**base_env, "TF_CONFIG": json.dumps({"cluster": cluster,
                                                    "task": {"type": "worker", "index": index}})}
        procs.append(subprocess.Popen(
            [sys.executable, "-m", "bmlearn.pretrain", *args, "--out", str(tmp_path / "multi")],
            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True))
    procs.append(subprocess.Popen(
        [sys.executable, "-m", "bmlearn.pretrain", *args, "--out", str(tmp_path / "single")],
        cwd=ROOT, env=base_env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True))
    try:
        outputs = [p.communicate(timeout=300)[0] for p in procs]
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
    for p, out in zip(procs, outputs):
        assert p.returncode == 0, out[-3000:]

    config = json.loads((tmp_path / "multi" / "config.json").read_text())
    assert config["training"]["strategy"] == "CollectiveAllReduceStrategy"  # multi-worker
    assert config["training"]["replicas"] == 2
    chief = _weights(tmp_path / "multi")
    other = _weights(tmp_path / "multi" / "worker-1")
    single = _weights(tmp_path / "single")
    for a, b in zip(chief, other):  # one model: the workers agree bit for bit
        np.testing.assert_array_equal(a, b)

    eps = numerics.eps("float32")
    largest = max(float(np.abs(w).max()) for w in single)
    tol = 2 * steps * eps * largest
    gap = max(float(np.abs(a - b).max()) for a, b in zip(chief, single))
    assert gap <= tol, (gap, tol)
    # and training moved the weights far more than that
    keras = bm.quiet.import_keras()
    bm.setup(seed=0, mixed_precision=False, verbose=False)
    keras.utils.set_random_seed(0)
    start = bm.models.build_gpt(**config["model"]).get_weights()
    moved = max(float(np.abs(a - b).max()) for a, b in zip(single, start))
    assert moved > 1000 * tol
