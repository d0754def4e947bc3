"""Retrain every body bmlearn ships and check that the recorded result reproduces.

``python tools/retrain_weights.py`` runs, for each folder of ``bmlearn/weights/``,
the command its ``config.json`` records (``python -m bmlearn.pretrain --corpus C
--size S`` with the recorded steps, batch, learning rate and seed) into a fresh
folder, then compares the new ``result.json`` with the shipped one:

- the baselines (uniform, unigram, add-one and tuned bigram) are counts on the
  same tokens, so they must agree to float64 rounding (1e-9 relative: sums of
  ~1e5 logarithms);
- the validation loss of the retrained model must be within ``--tolerance``
  nats of the recorded one (default 0.02). Another CPU or another TensorFlow
  build rounds differently, and 800 steps of AdamW carry those differences
  forward, so the loss is not reproduced bit for bit; 0.02 nats is about 0.5%
  of the loss, and far below the gap the lessons rely on (the shipped body is
  level with the tuned bigram, within 2%, and 0.4 nats below the add-one one).

It is run weekly by ``.github/workflows/weekly.yml``. It takes 5 to 15 minutes
per body on 2 CPU cores. Exit status 1 if anything fails to reproduce.
"""

from __future__ import annotations

import argparse
import json
import math
import pathlib
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def retrain(name: str, out: pathlib.Path, tolerance: float) -> list[str]:
    """Retrain the shipped body ``name`` into ``out``; return the differences found (none: [])."""
    from bmlearn import pretrain, pretrained

    shipped = pretrained.weights_path(name)
    config = json.loads((shipped / "config.json").read_text())
    recorded = json.loads((shipped / "result.json").read_text())
    training = config["training"]
    result = pretrain.pretrain(config["corpus"], config["size"], out, steps=training["steps"],
                               batch_size=training["batch_size"],
                               learning_rate=training["learning_rate"], seed=training["seed"],
                               resume=False, verbose=0)
    problems = []
    for baseline, value in recorded["baselines"].items():
        new = result["baselines"][baseline]
        if not math.isclose(new, value, rel_tol=1e-9):
            problems.append(f"{name}: baseline {baseline} {new!r} != recorded {value!r}")
    gap = abs(result["val_loss"] - recorded["val_loss"])
    print(f"{name}: validation loss {result['val_loss']:.4f} nats per token, recorded "
          f"{recorded['val_loss']:.4f} (difference {gap:.1e}, tolerance {tolerance})")
    if not gap <= tolerance:
        problems.append(f"{name}: validation loss {result['val_loss']:.4f} is {gap:.4f} from the "
                        f"recorded {recorded['val_loss']:.4f}, over the tolerance {tolerance}")
    return problems


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="bodies to retrain (default: every shipped one)")
    parser.add_argument("--tolerance", type=float, default=0.02,
                        help="largest difference in validation loss, nats per token")
    args = parser.parse_args(argv)
    from bmlearn import pretrained

    problems = []
    for name in args.names or pretrained.available():
        with tempfile.TemporaryDirectory() as out:
            problems += retrain(name, pathlib.Path(out) / name, args.tolerance)
    for problem in problems:
        print("FAIL", problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
