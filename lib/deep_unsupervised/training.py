"""Notebook set-up (seeds, quiet TensorFlow, plot style) and a one-line live progress bar."""

from __future__ import annotations

import os
import random
import time

import numpy as np


def quiet_tensorflow() -> None:
    """Silence TensorFlow's C++ and Python log noise; must run before TensorFlow is imported."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    os.environ.setdefault("GRPC_VERBOSITY", "ERROR")


quiet_tensorflow()
# scikit-learn computes pairwise distances (k-NN, t-SNE) in chunks of up to this many MB (default
# 1024); a smaller chunk keeps every chapter within a free Binder session's 2 GB, at no cost in
# speed. Read when scikit-learn is first imported, so it is set here, before any chapter imports it.
os.environ.setdefault("SKLEARN_WORKING_MEMORY", "256")
import keras  # noqa: E402  (after the environment is set)


# Training steps run per call into TensorFlow (Keras's ``compile(steps_per_execution=...)``). The
# book's models are small, so a step takes a few milliseconds, of which Python-side overhead is a
# large part; running 32 steps per call cuts roughly 10-20 % of the CPU time and changes no
# result (the same steps run in the same order). The library's builders and models use it.
STEPS_PER_EXECUTION = 32


def setup(seed: int = 0, style: bool = True) -> None:
    """One call at the top of every chapter: seed everything, quiet TensorFlow, set plot style.

    Args:
        seed: seeds Python's ``random``, NumPy's global generator and Keras/TensorFlow.
        style: apply the book's Matplotlib style (:func:`deep_unsupervised.plotting.set_style`).
    """
    import tensorflow as tf

    tf.get_logger().setLevel("ERROR")
    try:
        import absl.logging

        absl.logging.set_verbosity(absl.logging.ERROR)
    except ImportError:  # absl ships with TensorFlow; tolerate its absence
        pass
    random.seed(seed)
    np.random.seed(seed)
    keras.utils.set_random_seed(seed)
    if style:
        from .plotting import set_style

        set_style()


def _in_notebook() -> bool:
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and type(shell).__name__ == "ZMQInteractiveShell"


def _format_logs(logs: dict | None) -> str:
    return "  ".join(f"{k} {v:.4g}" for k, v in (logs or {}).items() if np.isscalar(v))


class ProgressBar(keras.callbacks.Callback):
    """A Keras callback drawing one live progress bar over all epochs of a ``fit``.

    In a notebook the bar is a single display that is updated in place (at most a few times a
    second), so the stored output is one line: the final epoch's metrics and the wall time.
    Elsewhere it prints one line when training ends. Use with ``fit(..., verbose=0)``.

    Example:
        >>> model.fit(x, y, epochs=5, verbose=0, callbacks=[ProgressBar()])  # doctest: +SKIP
    """

    def __init__(self, label: str = "training", width: int = 30, min_interval: float = 0.5):
        super().__init__()
        self.label, self.width, self.min_interval = label, width, min_interval
        self._handle = None

    # -- Keras hooks ---------------------------------------------------------------------------
    def on_train_begin(self, logs=None):
        self.epochs = self.params.get("epochs", 1)
        self.steps = self.params.get("steps") or 1
        self.start = self._last = time.perf_counter()
        self.epoch, self.logs = 0, {}
        if _in_notebook():
            from IPython.display import display

            self._handle = display(_Bar(self._text(0.0)), display_id=True)

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        now = time.perf_counter()
        if now - self._last >= self.min_interval:
            self._last = now
            self._update((self.epoch + (batch + 1) / self.steps) / self.epochs, logs)

    def on_epoch_end(self, epoch, logs=None):
        self.logs = dict(logs or {})
        self._update((epoch + 1) / self.epochs, logs)

    def on_train_end(self, logs=None):
        self._update(1.0, self.logs, final=True)
        if self._handle is None:
            print(self._text(1.0, self.logs, final=True))

    # -- drawing --------------------------------------------------------------------------------
    def _text(self, fraction, logs=None, final=False):
        filled = int(round(self.width * fraction))
        bar = "█" * filled + "·" * (self.width - filled)
        elapsed = time.perf_counter() - self.start
        epoch = self.epochs if final else min(self.epoch + 1, self.epochs)
        return (f"{self.label}: {bar} epoch {epoch}/{self.epochs}  {_format_logs(logs)}  "
                f"[{elapsed:.1f}s]").rstrip()

    def _update(self, fraction, logs, final=False):
        if self._handle is not None:
            self._handle.update(_Bar(self._text(fraction, logs, final)))


class _Bar:
    """A line of text that Jupyter shows as preformatted text in both HTML and plain form."""

    def __init__(self, text: str):
        self.text = text

    def __repr__(self) -> str:
        return self.text

    def _repr_html_(self) -> str:
        import html

        return f"<pre style='margin:0'>{html.escape(self.text)}</pre>"


class Timer:
    """Context manager measuring wall time: ``with Timer() as t: ...; t.seconds``."""

    def __enter__(self):
        self.start = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self.start
        return False
