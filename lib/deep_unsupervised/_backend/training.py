"""Training: the book's optimiser, a one-line progress bar, checkpoints, and :func:`fit`.

A recipe trains its model as keras.io does: ``model.compile(optimizer=make_optimizer(...),
steps_per_execution=STEPS_PER_EXECUTION)``, then ``model.fit(..., verbose=0,
callbacks=[ProgressBar(label), *backup(label, model, epochs)])``. :func:`fit` does the same in one
call, for the chapters' small experiments.
"""

from __future__ import annotations

import hashlib
import math
import os
import time

import keras
import numpy as np

from .validation import check_choice, check_float, check_int, invalid

# Training steps run per call into the backend (Keras's ``compile(steps_per_execution=...)``). The
# book's models are small, so a step takes a few milliseconds, of which Python-side overhead is a
# large part; running 32 steps per call cuts roughly 10-20 % of the CPU time and changes no
# result (the same steps run in the same order). :func:`fit` reads it at call time.
STEPS_PER_EXECUTION = 32

OPTIMIZERS = {"adam": "Adam", "sgd": "SGD", "rmsprop": "RMSprop"}
SCHEDULES = ("constant", "cosine")


# With this environment variable set to a directory, every training run of the book keeps a
# backup there at the end of each epoch and, started again after an interruption, resumes from it.
CHECKPOINT_VARIABLE = "BOOK_CHECKPOINT_DIR"


def backup(label: str, model: keras.Model, epochs: int) -> list:
    """``[keras.callbacks.BackupAndRestore(...)]`` when ``$BOOK_CHECKPOINT_DIR`` is set, else ``[]``.

    Add it to a ``fit``'s callbacks: after each epoch Keras saves the weights, the optimiser and
    the epoch reached; a ``fit`` started again with the same backup directory restores them and
    goes on from the next epoch, and a ``fit`` that finishes deletes its backup. The directory of
    one run is named after ``label``, the model's class and ``epochs``, so give the several runs
    of one recipe (one per seed, say) their own labels. With ``shuffle=True`` a resumed run sees
    the remaining epochs' batches in another order than an uninterrupted run would.
    """
    root = os.environ.get(CHECKPOINT_VARIABLE, "").strip()
    if not root:
        return []
    key = f"{label}|{type(model).__name__}|{epochs}"
    name = "".join(c if c.isalnum() else "-" for c in label)[:40]
    directory = os.path.join(root, f"{name}-{hashlib.sha256(key.encode()).hexdigest()[:10]}")
    return [keras.callbacks.BackupAndRestore(directory)]


def steps_per_epoch(n_examples: int, batch_size: int) -> int:
    """Optimiser steps in one epoch over ``n_examples`` (the last batch may be smaller)."""
    n_examples = check_int("n_examples", n_examples, low=1)
    return math.ceil(n_examples / check_int("batch_size", batch_size, low=1))


def make_optimizer(learning_rate: float = 1e-3, *, name: str = "adam",
                   schedule: str = "constant", steps: int | None = None,
                   decay_alpha: float = 0.0, **kwargs) -> keras.optimizers.Optimizer:
    """The book's optimiser: ``name`` at ``learning_rate``, constant or with cosine decay.

    Args:
        learning_rate: the (initial) step size.
        name: ``"adam"``, ``"sgd"`` or ``"rmsprop"``.
        schedule: ``"constant"``, or ``"cosine"``: the rate falls along half a cosine from
            ``learning_rate`` to ``decay_alpha * learning_rate`` over ``steps`` steps
            (Loshchilov & Hutter, 2017, without restarts).
        steps: the number of optimiser steps the decay spans (required for ``"cosine"``).
        decay_alpha: the final rate as a fraction of the first.
        **kwargs: passed to the optimiser (``beta_1=0.5``, ``momentum=0.9``, ...).
    """
    learning_rate = check_float("learning_rate", learning_rate, low=0, low_inclusive=False)
    cls = getattr(keras.optimizers, OPTIMIZERS[check_choice("name", name, OPTIMIZERS)])
    if check_choice("schedule", schedule, SCHEDULES) == "cosine":
        if steps is None:
            raise invalid("steps", "the number of optimiser steps for schedule='cosine'", steps)
        rate = keras.optimizers.schedules.CosineDecay(
            learning_rate, check_int("steps", steps, low=1),
            alpha=check_float("decay_alpha", decay_alpha, low=0, high=1))
    else:
        rate = learning_rate
    return cls(learning_rate=rate, **kwargs)


def _n_examples(x) -> int | None:
    try:
        return len(x)
    except TypeError:  # a tf.data.Dataset of unknown length, a generator, ...
        return None


def fit(model: keras.Model, x, y=None, *, epochs: int, batch_size: int | None = None,
        learning_rate: float = 1e-3, optimizer="adam", schedule: str = "constant",
        decay_alpha: float = 0.0, steps: int | None = None, loss=None, metrics=None,
        compile_kwargs: dict | None = None, validation_data=None, shuffle: bool = True,
        label: str = "training", progress: bool = True, callbacks=(),
        steps_per_execution: int | None = None, **fit_kwargs) -> keras.callbacks.History:
    """Compile ``model`` and train it: the one way the book's models are trained.

    Args:
        model: an uncompiled (or to be re-compiled) Keras model.
        x, y: training inputs and targets (``y=None`` for models whose loss needs only ``x``,
            such as the VAE); arrays, or a ``tf.data.Dataset`` with ``batch_size=None``.
        epochs, batch_size: passes over the data and examples per step.
        learning_rate, optimizer, schedule, decay_alpha: the optimiser, as in
            :func:`make_optimizer`; ``optimizer`` may also be a ready optimiser instance.
        steps: optimiser steps the cosine decay spans (default: ``epochs`` times the steps per
            epoch, counted from ``x``).
        loss, metrics: passed to ``compile``.
        compile_kwargs: for models whose ``compile`` takes other arguments (a GAN's two
            optimisers); then ``optimizer``/``loss``/``metrics`` are not used.
        validation_data, shuffle, **fit_kwargs: passed to ``model.fit``.
        label, progress, callbacks: the progress bar's label, whether to draw it, and further
            Keras callbacks.
        steps_per_execution: steps per call into the backend (default
            :data:`STEPS_PER_EXECUTION`).

    Returns:
        The ``History`` of ``model.fit``.
    """
    epochs = check_int("epochs", epochs, low=1)
    if batch_size is not None:
        batch_size = check_int("batch_size", batch_size, low=1)
    n = _n_examples(x)
    if y is not None and n is not None and _n_examples(y) not in (None, n):
        raise invalid("y", f"as many rows as x ({n})", f"{_n_examples(y)} rows")
    spe = check_int("steps_per_execution", steps_per_execution or STEPS_PER_EXECUTION, low=1)
    if compile_kwargs is not None:
        model.compile(**compile_kwargs, steps_per_execution=spe)
    else:
        if not isinstance(optimizer, keras.optimizers.Optimizer):
            if schedule == "cosine" and steps is None:
                if n is None or batch_size is None:
                    raise invalid("steps", "the number of optimiser steps (x has no length)", steps)
                steps = epochs * steps_per_epoch(n, batch_size)
            optimizer = make_optimizer(learning_rate, name=optimizer, schedule=schedule,
                                       steps=steps, decay_alpha=decay_alpha)
        model.compile(optimizer=optimizer, loss=loss, metrics=metrics, steps_per_execution=spe)
    callbacks = [*backup(label, model, epochs), *callbacks] + ([ProgressBar(label)] if progress else [])
    return model.fit(x, y, epochs=epochs, batch_size=batch_size, validation_data=validation_data,
                     shuffle=shuffle, verbose=0, callbacks=callbacks, **fit_kwargs)


def _in_notebook() -> bool:
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and type(shell).__name__ == "ZMQInteractiveShell"


def _format_logs(logs: dict | None, width: int = 76) -> list[str]:
    """Metrics as ``name value`` pairs, wrapped into lines of at most ``width`` characters."""
    pairs = [f"{k} {v:.4g}" for k, v in (logs or {}).items() if np.isscalar(v)]
    lines, line = [], ""
    for pair in pairs:
        if line and len(line) + 2 + len(pair) > width:
            lines.append(line)
            line = ""
        line = f"{line}  {pair}" if line else pair
    return lines + ([line] if line else [])


class ProgressBar(keras.callbacks.Callback):
    """A Keras callback drawing one live progress bar over all epochs of a ``fit``.

    In a notebook the bar is a single display that is updated in place (at most a few times a
    second), so the stored output is the finished bar with the wall time, and below it the final
    epoch's metrics wrapped to the text column's width. Elsewhere it prints that once, when
    training ends. Use with ``fit(..., verbose=0)``; :func:`fit` adds it by itself.

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
        head = f"{self.label}: {bar} epoch {epoch}/{self.epochs} [{elapsed:.1f}s]"
        return "\n".join([head] + ["  " + line for line in _format_logs(logs)])

    def _update(self, fraction, logs, final=False):
        if self._handle is not None:
            self._handle.update(_Bar(self._text(fraction, logs, final)))


class _Bar:
    """Lines of text that Jupyter shows as preformatted text in both HTML and plain form."""

    def __init__(self, text: str):
        self.text = text

    def __repr__(self) -> str:
        return self.text

    def _repr_html_(self) -> str:
        import html

        return f"<pre style='margin:0'>{html.escape(self.text)}</pre>"
