"""Pytest configuration shared by every test run from the repository root.

Lessons are not executed by pytest: the book build executes them once in the
default configuration (``make book``, ``make test``) and ``tools/lessons.py``
runs them in the other configurations (``make test-gpu-config``,
``make test-seeds``, ``make test-full``).
"""

from __future__ import annotations

import os

os.environ.setdefault("MPLBACKEND", "Agg")
