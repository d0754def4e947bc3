"""Benchmarks: ``python -m bmlearn.bench`` (``make bench``) times every lesson;
``python -m bmlearn.bench train`` (``make bench-train``) measures training
throughput (see :mod:`bmlearn.train.bench`).

Executes each lesson (the MyST ``.md`` source) in a fresh kernel, in the order
of ``_toc.yml``, and prints seconds per lesson and the total. With
``--check`` it exits non-zero when a lesson exceeds its budget (60 s in the
quick profile) or the course exceeds 10 minutes.
"""

from __future__ import annotations

import argparse
import os
import pathlib
import sys
import time

__all__ = ["LESSON_BUDGET_S", "COURSE_BUDGET_S", "lessons_in_toc", "run_lesson", "main"]

#: Quick-profile budget for one lesson on 2 CPU cores, in seconds.
LESSON_BUDGET_S = 60.0
#: Quick-profile budget for the whole course, in seconds.
COURSE_BUDGET_S = 600.0


def lessons_in_toc(root: pathlib.Path) -> list[pathlib.Path]:
    """The lesson sources listed in ``_toc.yml``, in book order.

    Args:
        root: the repository root.

    Returns:
        Paths of ``lessons/**.md`` files.
    """
    import yaml

    toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))
    files = []

    def walk(node):
        if isinstance(node, dict):
            if "file" in node:
                files.append(node["file"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(toc)
    return [root / f"{f}.md" for f in files if f.startswith("lessons/")]


def run_lesson(path: pathlib.Path, timeout: int = 1200) -> float:
    """Execute one lesson in a fresh kernel and return the seconds it took.

    Args:
        path: the lesson's ``.md`` file.
        timeout: per-cell timeout in seconds.

    Returns:
        Wall-clock seconds, kernel start included.
    """
    import jupytext
    from nbclient import NotebookClient

    nb = jupytext.read(path)
    client = NotebookClient(
        nb, timeout=timeout, kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    )
    start = time.perf_counter()
    client.execute()
    return time.perf_counter() - start


def main(argv=None) -> int:
    """Command-line entry point; returns the exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["train"]:
        from bmlearn.train.bench import main as train_main

        return train_main(argv[1:])
    if argv[:1] == ["lessons"]:
        argv = argv[1:]
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("lessons", nargs="*", help="lesson .md files (default: all in _toc.yml)")
    parser.add_argument("--check", action="store_true", help="fail when over budget")
    args = parser.parse_args(argv)
    root = pathlib.Path.cwd()
    paths = [pathlib.Path(p) for p in args.lessons] or lessons_in_toc(root)
    profile = os.environ.get("BMLEARN_PROFILE", "auto")
    print(f"profile: {profile}; {os.cpu_count()} CPU core(s)")
    print(f"{'lesson':<48} {'seconds':>8}")
    total, over = 0.0, []
    for path in paths:
        seconds = run_lesson(path)
        total += seconds
        flag = "  OVER BUDGET" if seconds > LESSON_BUDGET_S else ""
        if flag:
            over.append(path)
        print(f"{str(path.relative_to(root) if path.is_absolute() else path):<48} {seconds:>8.1f}{flag}",
              flush=True)
    print(f"{'total':<48} {total:>8.1f}")
    if args.check and (over or total > COURSE_BUDGET_S):
        print(f"budget: {LESSON_BUDGET_S:.0f} s a lesson, {COURSE_BUDGET_S:.0f} s in all", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
