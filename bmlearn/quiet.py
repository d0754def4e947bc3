"""Keep TensorFlow's C++ log noise out of lesson output.

On a machine without a GPU, TensorFlow writes absl, oneDNN and CUDA lines to
file descriptor 2 while it is imported, and a ``cuInit`` error at the first
device query. ``TF_CPP_MIN_LOG_LEVEL`` does not stop all of them, because some
are printed before that variable is read. The reliable way is to point file
descriptor 2 at ``/dev/null`` while TensorFlow is imported and devices are
listed, then restore it, which :func:`import_tensorflow` does.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import warnings

__all__ = ["import_keras", "import_tensorflow", "silenced_stderr"]

# Set before TensorFlow is imported: hide C++ INFO and WARNING lines. Set when bmlearn is
# imported (bmlearn.runtime imports this module), so that child processes, such as a kernel a
# lesson starts, inherit it too. The one place bmlearn sets it.
_QUIET_ENV = {"TF_CPP_MIN_LOG_LEVEL": "3"}
for _key, _value in _QUIET_ENV.items():
    os.environ.setdefault(_key, _value)


@contextlib.contextmanager
def silenced_stderr():
    """Send everything written to stderr, by Python or C++, to ``/dev/null``.

    Returns:
        A context manager; stderr is restored when it exits.

    Example:
        >>> import sys
        >>> with silenced_stderr():
        ...     print("hidden", file=sys.stderr)
        >>> print("shown")
        shown
    """
    # File descriptor 2 is where C++ code writes. Some front ends (ipykernel)
    # replace sys.stderr with an object whose fileno() is a different, saved
    # descriptor, so silence both.
    fds = {2}
    try:
        fds.add(sys.stderr.fileno())
    except (AttributeError, OSError, ValueError):  # no real descriptor (some IDEs)
        pass
    with contextlib.ExitStack() as stack:
        try:
            sys.stderr.flush()
        except (AttributeError, ValueError):
            pass
        devnull = os.open(os.devnull, os.O_WRONLY)
        stack.callback(os.close, devnull)
        for fd in sorted(fds):
            saved = os.dup(fd)
            stack.callback(os.close, saved)
            os.dup2(devnull, fd)
            stack.callback(os.dup2, saved, fd)
        with open(os.devnull, "w") as sink, contextlib.redirect_stderr(sink):
            yield


def import_tensorflow():
    """Import TensorFlow quietly and list devices once, then return the module.

    Later calls are cheap: the module is cached by Python.

    Returns:
        The ``tensorflow`` module.
    """
    for key, value in _QUIET_ENV.items():
        os.environ.setdefault(key, value)
    already = "tensorflow" in sys.modules
    with silenced_stderr(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import tensorflow as tf

        if not already:
            tf.config.list_physical_devices()
    tf.get_logger().setLevel(logging.ERROR)
    try:
        from absl import logging as absl_logging

        absl_logging.set_verbosity(absl_logging.ERROR)
    except ImportError:  # pragma: no cover - absl ships with TensorFlow
        pass
    return tf


def import_keras():
    """Import Keras quietly (TensorFlow first, through :func:`import_tensorflow`) and return it.

    Every bmlearn module that needs Keras gets it this way, inside the
    function that needs it or at the top of a module that is only imported
    when a lesson asks for it, so that ``import bmlearn`` stays light.

    Returns:
        The ``keras`` module.

    Example:
        >>> import_keras().__name__
        'keras'
    """
    import_tensorflow()
    with silenced_stderr():
        import keras
    return keras
