#!/usr/bin/env python
"""Estimate what each full recipe costs on this machine; write benchmarks/full_costs.json.

    python benchmarks/full_costs.py                      # every recipe (about 10 min of CPU)
    python benchmarks/full_costs.py --model vae-16 --model dcgan --json /tmp/costs.json
    python benchmarks/full_costs.py --table              # the README's table, from the JSON

For each recipe, two passes over its ``full`` settings:

1. **Count** the optimiser steps of the full run: the recipe is trained with ``keras.Model.fit``
   replaced by a counter (nothing is trained), on MNIST's training digits repeated to the
   official 60,000 (the offline copy has fewer), so the count is that of the published data.
2. **Time** a step: the recipe is trained for two epochs on ``80 * batch_size`` examples (every
   sweep over seeds, betas or initialisers cut to its first entry); in the second epoch, whole
   executions of ``steps_per_execution`` steps are timed per model (see :func:`_timing`).

The estimate is ``sum over fits of steps * seconds per step`` of the same model; the label-budget
recipes add up the recipes they train. These are **estimates extrapolated from a few steps** on a
shared two-core CPU: validation passes during training and evaluation after it are not counted.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import datetime
import json
import math
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent
STEPS_TIMED = 80  # examples per timed epoch: STEPS_TIMED * the largest batch size
SWEEPS = ("seeds", "activations", "initialisers", "betas")
COMPOSITE = ("label-budget", "ae-label-budget")  # they train other recipes
MAX_CHANGES = 4  # fields per recipe in the README table


def _settings_for_timing(settings):
    fields = {f.name for f in dataclasses.fields(settings)}
    changes = {k: 2 for k in ("epochs", "pretrain_epochs") if k in fields}
    changes.update({k: tuple(getattr(settings, k))[:1] for k in SWEEPS if k in fields})
    return dataclasses.replace(settings, **changes)


def _key(model) -> str:
    return f"{type(model).__name__}/{model.count_params()}"


def _steps(model, x, batch_size, kwargs) -> int:
    """Optimiser steps of one epoch of ``model.fit(x, batch_size=...)``."""
    if hasattr(x, "cardinality"):  # a batched tf.data.Dataset
        return int(x.cardinality())
    n = len(x[0] if isinstance(x, (tuple, list)) else x)
    n = int(n * (1 - kwargs.get("validation_split", 0.0)))
    return math.ceil(n / (batch_size or 32))


@contextlib.contextmanager
def _fit_replaced_by(fit):
    """``keras.Model.fit`` is ``fit`` inside the block, and Keras's own again after it."""
    import keras

    real = keras.Model.fit
    keras.Model.fit = fit
    try:
        yield
    finally:
        keras.Model.fit = real


@contextlib.contextmanager
def _counting(fits: list):
    """``keras.Model.fit`` records (model key, epochs, steps per epoch) and trains nothing."""
    import keras

    def fit(self, x=None, y=None, batch_size=None, epochs=1, **kwargs):
        fits.append((_key(self), epochs, _steps(self, x, batch_size, kwargs)))
        history = keras.callbacks.History()
        history.history = {k: [0.0] * epochs for k in ("loss", "val_loss", "accuracy",
                                                        "val_accuracy")}
        self.history = history
        return history

    with _fit_replaced_by(fit):
        yield


@contextlib.contextmanager
def _timing(per_step: dict):
    """``keras.Model.fit`` records the seconds per step of its last epoch, per model key.

    Keras calls ``on_train_batch_end`` once per execution (``steps_per_execution`` steps), with
    the execution's last step; the time between the ends of the first and of the second-last
    execution covers whole executions only, without tracing, validation or a partial last one.
    Epochs with fewer than three executions fall back to the whole last epoch.
    """
    import keras

    real = keras.Model.fit

    class StepTimer(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            self.start, self.ends = time.perf_counter(), []

        def on_train_batch_end(self, batch, logs=None):
            self.ends.append((batch, time.perf_counter()))

        def on_epoch_end(self, epoch, logs=None):
            ends = self.ends
            if len(ends) >= 3:
                self.per_step = (ends[-2][1] - ends[0][1]) / (ends[-2][0] - ends[0][0])
            else:
                self.per_step = (time.perf_counter() - self.start) / self.params["steps"]

    def fit(self, *args, callbacks=None, **kwargs):
        timer = StepTimer()
        history = real(self, *args, callbacks=[*(callbacks or []), timer], **kwargs)
        per_step.setdefault(_key(self), []).append(timer.per_step)
        return history

    with _fit_replaced_by(fit):
        yield


@contextlib.contextmanager
def _official_mnist():
    """``data.load_mnist`` with the training digits repeated to the official 60,000."""
    import numpy as np

    from deep_unsupervised import data

    real = data.load_mnist
    cache = {}

    def load(**kwargs):
        key = tuple(sorted(kwargs.items()))
        if key not in cache:
            m = real(**kwargs)
            idx = np.resize(np.arange(len(m.x_train)), 60_000)
            cache[key] = dataclasses.replace(m, x_train=m.x_train[idx], y_train=m.y_train[idx])
        return cache[key]

    data.load_mnist = load
    try:
        yield
    finally:
        data.load_mnist = real


def measure(name: str) -> dict:
    """Count the full run's steps and time a few of them for recipe ``name``."""
    import keras

    from deep_unsupervised.book import recipes

    recipe = recipes.get(name)
    full = recipe.settings("full")
    fits, per_step = [], {}
    with _official_mnist(), _counting(fits), contextlib.redirect_stdout(sys.stderr):
        keras.utils.set_random_seed(0)
        recipe.train(full, recipe.load(full), label=name)
    timed = _settings_for_timing(full)
    batch = max([getattr(full, f.name) or 0 for f in dataclasses.fields(full)
                 if f.name.endswith("batch_size")] or [0]) or 256
    limit = STEPS_TIMED * batch
    with _timing(per_step), contextlib.redirect_stdout(sys.stderr):
        recipe.train(timed, recipe.load(timed, limit=limit), label=name)
    median = {k: sorted(v)[len(v) // 2] for k, v in per_step.items()}
    fallback = sorted(median.values())[len(median) // 2] if median else 0.0
    steps = sum(epochs * per_epoch for _, epochs, per_epoch in fits)
    seconds = sum(epochs * per_epoch * median.get(key, fallback)
                  for key, epochs, per_epoch in fits)
    return {"recipe": name, **_records().stamp({"recipe": name, "scale": "full"}),
            "steps": int(steps),
            "seconds_per_step": round(seconds / steps, 5) if steps else None,
            "hours": round(seconds / 3600, 3), "fits": len(fits),
            "load_average": [round(v, 2) for v in os.getloadavg()]}


def _records():
    """tools/records.py: the stamp every record carries (what it measured, and its hash)."""
    from tools import records

    return records


def composite(name: str, rows: dict) -> dict:
    """A label-budget recipe: the sum of the recipes it trains (each at its full preset)."""
    from deep_unsupervised.book import recipes

    parts = [r for r in recipes.get(name).settings("full").representations if r in rows]
    steps = sum(rows[r]["steps"] for r in parts)
    hours = sum(rows[r]["hours"] for r in parts)
    return {"recipe": name, **_records().stamp({"recipe": name, "scale": "full"}), "steps": steps,
            "seconds_per_step": round(hours * 3600 / steps, 5) if steps else None,
            "hours": round(hours, 3), "fits": sum(rows[r]["fits"] for r in parts),
            "load_average": [round(v, 2) for v in os.getloadavg()], "sum_of": parts}


def _changes(name: str) -> str:
    """The full preset's fields that differ from ``ci`` (epochs and batch size first)."""
    from deep_unsupervised.book import recipes

    recipe = recipes.get(name)
    ci, full = (dataclasses.asdict(recipe.settings(s)) for s in ("ci", "full"))
    keys = [k for k in full if full[k] != ci[k]]
    keys = [k for k in ("epochs", "batch_size") if k in keys] + [
        k for k in keys if k not in ("epochs", "batch_size")]
    text = ", ".join(f"{k} {_short(full[k])}" for k in keys[:MAX_CHANGES])
    return (text + (", …" if len(keys) > MAX_CHANGES else "")) or "as ci"


def _short(value) -> str:
    if isinstance(value, (tuple, list)) and len(value) > 3:
        return f"({_short(value[0])}, …, {_short(value[-1])}) [{len(value)}]"
    if isinstance(value, int) and not isinstance(value, bool) and value >= 10_000:
        return f"{value:,}"
    return str(value).replace(" ", "")


def _hours(hours: float) -> str:
    return f"{hours:,.1f}" if hours >= 0.05 else "< 0.1"


def markdown_table(path: Path = ROOT / "full_costs.json", mark_stale: bool = False,
                   targets: bool = True) -> str:
    """The README's table: recipe, full preset, steps, estimated CPU hours, published target.

    For the appendix: with ``mark_stale``, a record marked stale (``tools/records.py``) has its
    hours followed by ‡ (the full preset changed after the estimate); without ``targets`` the
    published figures are left out of the table (:func:`targets_list` gives them as prose)."""
    from deep_unsupervised.book import recipes

    costs = {r["recipe"]: r for r in json.loads(Path(path).read_text())["recipes"]}
    head = "| recipe | full preset (changes from ci) | steps | est. CPU hours |"
    lines = [head + (" published figure it approaches |" if targets else ""),
             "| --- | --- | ---: | ---: |" + (" --- |" if targets else "")]
    for name in recipes.names():
        row = costs.get(name)
        steps, hours = ((f"{row['steps']:,}", _hours(row["hours"])) if row else ("–", "–"))
        hours += " ‡" if mark_stale and row and row.get("stale") else ""
        line = f"| `{name}` | {_changes(name)} | {steps} | {hours} |"
        lines.append(line + (f" {_target(name)} |" if targets else ""))
    return "\n".join(lines) + "\n"


def _target(name: str) -> str:
    from deep_unsupervised.book import recipes

    target = recipes.get(name).target or "none"
    return "none" if target.startswith("none") else target


def targets_list() -> str:
    """A MyST definition list: each recipe whose full preset approaches a published figure, and
    that figure (the appendix's prose beside :func:`markdown_table` without targets)."""
    from deep_unsupervised.book import recipes

    lines = []
    for name in recipes.names():
        if _target(name) != "none":
            lines += [f"`{name}`", f": {_target(name)}", ""]
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", action="append", metavar="NAME", help="a recipe (repeat)")
    parser.add_argument("--json", type=Path, default=ROOT / "full_costs.json")
    parser.add_argument("--table", action="store_true",
                        help="print the README's Markdown table from --json and exit")
    args = parser.parse_args(argv)
    if args.table:
        print(markdown_table(args.json), end="")
        return 0
    import deep_unsupervised as du

    du.configure_environment()
    os.environ["BOOK_SCALE"] = "full"  # recipes that train other recipes
    from deep_unsupervised.book import recipes

    names = args.model or recipes.names()
    rows = {}
    if args.json.exists():  # keep recipes not re-measured
        rows = {r["recipe"]: r for r in json.loads(args.json.read_text())["recipes"]}
    for name in [n for n in names if n not in COMPOSITE]:
        start = time.perf_counter()
        rows[name] = measure(name)
        print(f"{name}: {rows[name]['hours']:.2f} h ({time.perf_counter() - start:.0f} s to "
              f"measure)", file=sys.stderr, flush=True)
    for name in [n for n in names if n in COMPOSITE]:
        rows[name] = composite(name, rows)
    import keras

    out = {"note": ("Estimates extrapolated from a few timed steps per recipe on a shared "
                    "2-core CPU (benchmarks/full_costs.py): hours = full steps x seconds per "
                    "step; steps counted on 60,000 training digits; evaluation not included."),
           "backend": keras.backend.backend(), "cpus": os.cpu_count(),
           "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
           "recipes": [rows[n] for n in sorted(rows)]}
    args.json.write_text(json.dumps(out, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
