"""``python -m bmlearn.bench [train]``: the training benchmark readers run on their own hardware.

It measures training throughput of the Part 1 CNN, plain ``fit`` against the
fast path (``tf.data`` + XLA + mixed precision); see :mod:`bmlearn.train.bench`.
Timing the lessons themselves is repository tooling: ``tools/lessons.py``
(``make bench``).
"""

from __future__ import annotations

import sys

__all__ = ["main"]


def main(argv=None) -> int:
    """Command-line entry point; returns the exit code.

    Args:
        argv: arguments; a leading ``train`` is accepted and dropped.

    Returns:
        The benchmark's exit code.
    """
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["train"]:
        argv = argv[1:]
    from bmlearn.train.bench import main as train_main

    return train_main(argv)


if __name__ == "__main__":
    sys.exit(main())
