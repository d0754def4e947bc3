"""Facts about the course itself, kept in one place.

:data:`REPOSITORY` is the one place that holds the course repository's URL.
The Colab install cell at the top of every lesson is generated from it by
:func:`install_cell_source`, and the tests check that every lesson's first
cell, ``_config.yml`` and ``pyproject.toml`` agree with it.
"""

from __future__ import annotations

import json

__all__ = ["REPOSITORY", "BRANCH", "install_command", "install_cell_source"]

#: The course repository, where Colab installs bmlearn from.
REPOSITORY = "https://github.com/bmlearn/bmlearn"
#: The branch that the book and Colab use.
BRANCH = "main"


def install_command() -> list[str]:
    """The pip arguments that install bmlearn from the course repository.

    pip's default upgrade strategy leaves already-installed packages alone when
    they satisfy bmlearn's (deliberately loose) ranges, so Colab's TensorFlow,
    Keras and NumPy are reused, not reinstalled.

    Returns:
        Arguments to put after ``python -m``.

    Example:
        >>> install_command()[:3]
        ['pip', 'install', '--quiet']
    """
    return ["pip", "install", "--quiet", f"bmlearn @ git+{REPOSITORY}@{BRANCH}"]


def install_cell_source() -> str:
    """The exact source of the first code cell of every lesson.

    In Colab it installs bmlearn; anywhere else it does nothing (locally,
    ``make`` has already installed bmlearn into the virtual environment).

    Returns:
        Python source code.
    """
    *flags, requirement = install_command()
    flags = ", ".join(json.dumps(a) for a in flags)
    return (
        "# In Colab, install bmlearn from the course repository. Elsewhere this does nothing.\n"
        "import sys\n"
        "\n"
        'if "google.colab" in sys.modules:\n'
        "    import subprocess\n"
        "\n"
        "    subprocess.run(\n"
        f'        [sys.executable, "-m", {flags},\n'
        f"         {json.dumps(requirement)}],\n"
        "        check=True,\n"
        "    )"
    )
