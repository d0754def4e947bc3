"""The oldest TensorFlow and Keras the course is tested on, and why.

These floors are the single source of truth: ``pyproject.toml`` and
``environment.yml`` must state exactly them (a test checks), and
``make test-compat`` (``tools/compat.py``) runs every lesson in an environment
pinned to them. They are the lowest releases on which every lesson passes,
found by running the matrix, not guessed. There are no upper bounds: a cap
would make pip downgrade Colab's TensorFlow the week Colab moves past it.

:func:`bmlearn.setup` adds a note to its report when an installed version is
older (for instance in an environment installed with ``--no-deps``).
"""

from __future__ import annotations

from packaging.version import InvalidVersion, Version

__all__ = ["MINIMUM", "WHY", "outdated"]

#: The oldest release of each package on which every lesson passes.
MINIMUM = {"tensorflow": "2.17", "keras": "3.10"}

#: What goes wrong below each floor (measured with ``make test-compat``).
WHY = {
    "tensorflow": (
        "TensorFlow 2.16's TFLite converter aborts the Python process on Keras 3 models "
        "('LLVM ERROR: Failed to infer result type(s)'; lesson 3.8)"
    ),
    "keras": (
        "under tf.distribute.MirroredStrategy, Keras 3.8 and 3.9 report a wrong loss from "
        "fit and evaluate, and Keras 3.7 trains to different weights than one device does "
        "(lesson 3.7); Keras 3.0 also does not resume the epoch count after "
        "BackupAndRestore (lesson 3.5)"
    ),
}


def outdated(installed: dict) -> list:
    """Messages for each installed package older than the course's floor.

    Args:
        installed: package name to installed version, e.g.
            ``{"tensorflow": "2.16.2", "keras": "3.15.0"}``. Packages not in
            :data:`MINIMUM`, and versions that are not PEP 440 versions, are
            ignored. A pre-release of the floor itself counts as older.

    Returns:
        One message per package below its floor, naming the installed and the
        required version and what fails; empty when everything is recent enough.

    Example:
        >>> outdated({"tensorflow": "2.20.0", "keras": "3.15.0"})
        []
        >>> outdated({"tensorflow": "2.16.2"})[0][:60]
        'TensorFlow 2.16.2 is older than 2.17, the oldest bmlearn is '
    """
    names = {"tensorflow": "TensorFlow", "keras": "Keras"}
    messages = []
    for package, version in installed.items():
        floor = MINIMUM.get(package)
        if floor is None:
            continue
        try:
            too_old = Version(str(version)) < Version(floor)
        except InvalidVersion:
            continue
        if too_old:
            messages.append(
                f"{names[package]} {version} is older than {floor}, the oldest bmlearn is "
                f"tested with: {WHY[package]}. Upgrade with: pip install -U '{package}>={floor}'"
            )
    return messages
