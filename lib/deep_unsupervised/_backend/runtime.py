"""The book's session set-up: environment, seeds and plot style, done once when asked.

Importing any module of the package changes nothing global. A chapter's first code cell calls
:func:`setup`; scripts and tests that train models call :func:`configure_environment` before they
import Keras. This module imports only the standard library and NumPy.
"""

from __future__ import annotations

import os
import random
import time

import numpy as np

from .validation import check_int

# Environment variables the book sets unless the user already has: they must be in place before
# TensorFlow (and scikit-learn) are first imported, which is why setup() runs before any training.
ENVIRONMENT = {
    "TF_CPP_MIN_LOG_LEVEL": "3",   # TensorFlow's C++ start-up log lines
    "GRPC_VERBOSITY": "ERROR",
    "KERAS_BACKEND": "tensorflow",  # the book's default backend; set KERAS_BACKEND to choose another
    # scikit-learn computes pairwise distances (k-NN, t-SNE) in chunks of up to this many MB
    # (default 1024); a smaller chunk keeps every chapter inside a free Binder session's 2 GB.
    "SKLEARN_WORKING_MEMORY": "256",
}


def configure_environment() -> None:
    """Set :data:`ENVIRONMENT` (without overriding what the user set) and quiet TensorFlow's loggers.

    Call it before the first import of Keras or TensorFlow; calling it later still quiets the
    Python loggers but cannot undo what TensorFlow printed while it loaded.
    """
    for name, value in ENVIRONMENT.items():
        os.environ.setdefault(name, value)
    import sys

    if "tensorflow" in sys.modules:
        _quiet_loaded_tensorflow()


def _quiet_loaded_tensorflow() -> None:
    import tensorflow as tf

    tf.get_logger().setLevel("ERROR")
    try:
        import absl.logging

        absl.logging.set_verbosity(absl.logging.ERROR)
    except ImportError:  # absl ships with TensorFlow; tolerate its absence
        pass


def _import_tensorflow_without_jax() -> None:
    """Import TensorFlow, for the TensorFlow backend, without loading JAX alongside it.

    When JAX is installed (the book pins it, for ``KERAS_BACKEND=jax``), TensorFlow 2.20 imports it
    at start-up for tf.lite's JAX converter, which the book never uses: about 120 MB more in every
    TensorFlow kernel. JAX is hidden only while TensorFlow loads and stays importable afterwards.
    """
    import sys

    if (os.environ.get("KERAS_BACKEND") != "tensorflow" or "tensorflow" in sys.modules
            or "jax" in sys.modules):
        return
    sys.modules["jax"] = None  # makes `import jax` raise ImportError, which TensorFlow tolerates
    try:
        import tensorflow  # noqa: F401
    finally:
        del sys.modules["jax"]


def setup(seed: int = 0, style: bool = True) -> None:
    """One call at the top of every chapter: environment, seeds and plot style.

    Args:
        seed: seeds Python's ``random``, NumPy's global generator and Keras (and so TensorFlow).
        style: apply the book's Matplotlib style (:func:`deep_unsupervised.book.plotting.set_style`).
    """
    seed = check_int("seed", seed, low=0)
    configure_environment()
    _import_tensorflow_without_jax()
    import keras

    _quiet_loaded_tensorflow()
    random.seed(seed)
    np.random.seed(seed)
    keras.utils.set_random_seed(seed)
    if style:
        from ..book.plotting import set_style

        set_style()
    _inline_figures()
    _scale_banner()


def _inline_figures() -> None:
    """In a Jupyter kernel, load Matplotlib's inline backend now (``%matplotlib inline``).

    Without it, a chapter whose first figure is a ``Figure`` returned by a cell (not drawn through
    ``pyplot``) shows the text ``<Figure size ...>`` instead of the image: the inline backend, and
    with it the image formatter, would load only at the first ``pyplot`` call. Figures are saved
    as 2x PNGs (:func:`deep_unsupervised.book.plotting.figure_png`).
    """
    try:
        from IPython import get_ipython
    except ImportError:  # plain Python: nothing to do
        return
    shell = get_ipython()
    if shell is not None and getattr(shell, "kernel", None) is not None:
        shell.run_line_magic("matplotlib", "inline")
        from matplotlib.figure import Figure

        from ..book.plotting import figure_png

        # PNGs at twice the resolution in a 256-colour palette, tagged with their 1x size: sharp
        # on high-density screens and when a reader taps a figure open on a phone.
        shell.display_formatter.formatters["image/png"].for_type(Figure, figure_png)


def _scale_banner() -> None:
    """Print which scale and backend a chapter runs at, unless they are the defaults (ci, TF)."""
    from ..book.recipes import current_scale, describe_scale

    if current_scale() != "ci" or os.environ.get("KERAS_BACKEND") != "tensorflow":
        print(describe_scale())


class Timer:
    """Context manager measuring wall time: ``with Timer() as t: ...; t.seconds``."""

    def __enter__(self):
        self.start = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self.start
        return False
