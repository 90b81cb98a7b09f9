"""The book's measured results: read the benchmark files and show them as tables and plots.

``benchmarks/run.py --json benchmarks/results.json`` writes one record per model (its size, cost and
test quality); ``tools/notebooks.py execute`` writes ``benchmarks/notebook_times.json`` (each
chapter's execution time and peak memory). The appendix "Results at a glance" renders both with
the functions here, so that no figure in it is typed by hand.

Example:
    >>> bench = load_results("../benchmarks/results.json")            # doctest: +SKIP
    >>> model_table(bench["results"])                                  # doctest: +SKIP
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np

# How each primary metric is named on a plot axis and in tables.
METRIC_LABELS = {
    "accuracy": "test accuracy",
    "purity": "cluster purity",
    "cross_entropy": "cross-entropy per pixel (nats)",
    "squared_error": "squared error per point",
    "psnr": "PSNR (dB)",
    "distance_after": "distance to the curve",
    "iou": "IoU",
    "neg_elbo": "−ELBO (nats)",
    "mig": "MIG",
    "frechet_distance": "Fréchet distance",
    "mse_ab": "translation MSE",
}

# Scores of published recipes that chapters use as quality targets in their assertions:
# benchmark model name -> (metric, value), measured by `benchmarks/run.py` on the book's data (the
# appendix "Results at a glance" checks these values against benchmarks/results.json).
REFERENCE_SCORES = {
    # F. Chollet, "Building Autoencoders in Keras" (2016): Adam, 50 epochs, batch 256
    "chollet-deep-ae": ("cross_entropy", 0.0939),
    "chollet-conv-ae": ("cross_entropy", 0.1005),
    # keras.io "Variational AutoEncoder" example: 2-D code, Adam, 30 epochs, batch 128
    "keras-io-vae": ("neg_elbo", 154.4),
}

_RESULT_KEYS = ("model", "chapter", "kind", "params", "epochs", "batch_size", "train_seconds",
                "quality", "primary", "direction")


class ResultsFileError(ValueError):
    """A results file that is missing, or not what ``benchmarks/run.py`` writes."""


def _read_json(path) -> dict:
    path = Path(path)
    if not path.is_file():
        raise ResultsFileError(f"{path}: no such file. Run `python benchmarks/run.py --json {path}` "
                               "(model results) or `python tools/notebooks.py execute` "
                               "(notebook times) from the repository's top folder.")
    try:
        return json.loads(path.read_text())
    except json.JSONDecodeError as err:
        raise ResultsFileError(f"{path}: not valid JSON ({err})") from None


def load_results(path) -> dict:
    """Read and check a results file written by ``benchmarks/run.py --json``.

    Returns:
        ``{"machine": {...}, "results": [one dict per model]}``.

    Raises:
        ResultsFileError: the file is missing, is not JSON, or a record lacks a field.
    """
    data = _read_json(path)
    if not isinstance(data, dict) or not isinstance(data.get("results"), list):
        raise ResultsFileError(f"{path}: expected an object with a 'results' list")
    for i, record in enumerate(data["results"]):
        missing = [k for k in _RESULT_KEYS if k not in record]
        if missing:
            raise ResultsFileError(f"{path}: result {i} ({record.get('model', '?')}) lacks {missing}")
        if record["primary"] not in record["quality"]:
            raise ResultsFileError(f"{path}: result {record['model']} has no value for its primary "
                                   f"metric {record['primary']!r}")
    return data


def load_notebook_times(path) -> dict:
    """Read a timings file written by ``tools/notebooks.py execute``: ``{"machine", "notebooks"}``."""
    data = _read_json(path)
    notebooks = data.get("notebooks") if isinstance(data, dict) else None
    if not isinstance(notebooks, dict) or not all("seconds" in v for v in notebooks.values()):
        raise ResultsFileError(f"{path}: expected an object with 'notebooks': "
                               "{path: {'seconds': ...}}")
    return data


def _fmt(value, digits: int = 4) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "–"
    if isinstance(value, (int, np.integer)):
        return f"{value:,d}"
    return f"{value:.{digits}g}"


def model_table(results: list[dict]) -> str:
    """A Markdown table: per model its size, training cost and primary test metric."""
    rows = ["| model | chapter | parameters | epochs | batch | training (s) | s / epoch | "
            "test quality |",
            "| --- | --- | ---: | ---: | ---: | ---: | ---: | --- |"]
    for r in results:
        metric = METRIC_LABELS.get(r["primary"], r["primary"].replace("_", " "))
        better = "↑" if r["direction"] == "higher" else "↓"
        name = f"`{r['model']}`" + (" (reference)" if r["kind"] == "reference" else "")
        chapter = Path(r["chapter"]).stem  # chapters/vae.ipynb -> vae
        rows.append(f"| {name} | {chapter} | {_fmt(r['params'])} | {_fmt(r['epochs'])} | "
                    f"{_fmt(r['batch_size'])} | {r['train_seconds']:.1f} | "
                    f"{_fmt(r.get('seconds_per_epoch'), 3)} | "
                    f"{metric} {better} {_fmt(r['quality'][r['primary']])} |")
    return "\n".join(rows)


def notebook_table(times: dict, max_seconds: float | None = None) -> str:
    """A Markdown table of each notebook's execution time and peak memory, with the total."""
    rows = ["| notebook | execution (s) | peak memory (MB) |", "| --- | ---: | ---: |"]
    total = 0.0
    for path, t in times["notebooks"].items():
        total += t["seconds"]
        mark = " ⚠" if max_seconds is not None and t["seconds"] > max_seconds else ""
        rows.append(f"| `{path}` | {t['seconds']:.0f}{mark} | {_fmt(t.get('peak_memory_mb'))} |")
    rows.append(f"| **all {len(times['notebooks'])} notebooks** | **{total:.0f}** "
                f"({total / 60:.1f} min) | |")
    return "\n".join(rows)


def plot_quality_vs_time(results: list[dict], ncols: int = 3, figsize_per_panel=(4.2, 3.0)):
    """Quality against training time, one panel per primary metric shared by two or more models.

    The time axis is logarithmic where the times span more than a factor of 3; the book's models are dots, published reference recipes are
    crosses, and each point is labelled with the model's name. Returns the Matplotlib figure.
    """
    import matplotlib.pyplot as plt

    groups: dict[str, list[dict]] = {}
    for r in results:
        if r["quality"][r["primary"]] is not None and r["train_seconds"] > 0:
            groups.setdefault(r["primary"], []).append(r)
    groups = {k: v for k, v in groups.items() if len(v) >= 2}
    if not groups:
        raise ValueError("no primary metric is shared by two models with a training time")
    nrows = math.ceil(len(groups) / ncols)
    fig, axes = plt.subplots(nrows, ncols, squeeze=False, layout="constrained",
                             figsize=(figsize_per_panel[0] * ncols, figsize_per_panel[1] * nrows))
    from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

    for ax, (metric, records) in zip(axes.flat, groups.items()):
        for i, r in enumerate(sorted(records, key=lambda r: r["train_seconds"])):
            reference = r["kind"] == "reference"
            ax.scatter(r["train_seconds"], r["quality"][metric], marker="x" if reference else "o",
                       color="C3" if reference else "C0", zorder=3)
            ax.annotate(r["model"], (r["train_seconds"], r["quality"][metric]), fontsize=7,
                        xytext=(4, 3 if i % 2 == 0 else -9), textcoords="offset points")
        better = "higher" if records[0]["direction"] == "higher" else "lower"
        ax.set(ylabel=METRIC_LABELS.get(metric, metric), title=f"{better} is better",
               xlabel="training time (s)")
        seconds = [r["train_seconds"] for r in records]
        if max(seconds) > 3 * min(seconds):  # a log axis only where times span a wide range
            ax.set(xscale="log", xlabel="training time (s, log scale)")
            ax.xaxis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
            ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
            ax.xaxis.set_minor_formatter(NullFormatter())
        ax.margins(x=0.25, y=0.15)
    for ax in list(axes.flat)[len(groups):]:
        ax.set_visible(False)
    return fig
