"""The book's measured results: read the benchmark files and show them as tables and a plot.

``benchmarks/run.py --json benchmarks/results.json`` writes one record per model (its size, cost and
test quality); ``tools/notebooks.py execute`` writes ``benchmarks/notebook_times.json`` (each
chapter's execution time and peak memory). The appendix "Results at a glance"
(``chapters/results.ipynb``) renders both with the functions here, so that no figure in it is typed
by hand. This is repository tooling, not part of the ``deep_unsupervised`` package: the appendix
imports it with ``sys.path.insert(0, "../benchmarks")``.

Example:
    >>> bench = load_results("benchmarks/results.json")                 # doctest: +SKIP
    >>> model_table(bench["results"])                                    # doctest: +SKIP
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np

# Each primary metric: (short name for a table cell, plot-panel title, definition for the key).
METRIC_LABELS = {
    "accuracy": ("acc.", "test accuracy", "test accuracy"),
    "purity": ("purity", "cluster purity", "cluster purity against the hidden labels"),
    "cross_entropy": ("CE", "cross-entropy per pixel (nats)",
                      "reconstruction cross-entropy, nats per pixel"),
    "squared_error": ("SE", "squared error per point", "squared reconstruction error per point"),
    "psnr": ("PSNR", "PSNR of denoised digits (dB)",
             "peak signal-to-noise ratio of denoised test digits, dB"),
    "distance_after": ("dist.", "distance to the curve",
                       "mean distance of denoised points to the curve"),
    "iou": ("IoU", "intersection over union", "intersection over union of the segmentation"),
    "neg_elbo": ("−ELBO", "−ELBO (nats per digit)", "negative evidence lower bound, nats per digit"),
    "mig": ("MIG", "mutual information gap", "mutual information gap"),
    "frechet_distance": ("FD", "Fréchet distance to test digits",
                         "Fréchet distance of samples to test digits in a classifier's features"),
    "mse_ab": ("MSE", "translation MSE", "mean squared error of the translated test digits"),
}

ROOT = Path(__file__).resolve().parent.parent
_RESULT_KEYS = ("model", "chapter", "kind", "params", "epochs", "batch_size", "train_seconds",
                "quality", "primary", "direction")


class ResultsFileError(ValueError):
    """A results file that is missing, or not what ``benchmarks/run.py`` writes."""


def reference_scores() -> dict:
    """The published recipes' scores that chapters quote as targets: model -> (metric, value)."""
    from deep_unsupervised.recipes.references import REFERENCE_SCORES

    return dict(REFERENCE_SCORES)


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


def _doc(chapter: str) -> str:
    """A MyST link to a chapter, shown with its title: chapters/vae.ipynb -> {doc}`/chapters/vae`."""
    return f"{{doc}}`/{Path(chapter).with_suffix('').as_posix()}`"


def _metric_name(metric: str, which: int) -> str:
    return METRIC_LABELS.get(metric, (metric.replace("_", " "),) * 3)[which]


def quality(record: dict) -> str:
    """The primary test metric, short: ``CE ↓ 0.104`` (a no-break space keeps the arrow with the
    name; on a phone the value may wrap under it)."""
    arrow = "↑" if record["direction"] == "higher" else "↓"
    value = _fmt(record["quality"][record["primary"]], 3)
    return f"{_metric_name(record['primary'], 0)}\u00a0{arrow} {value}"


def book_order(root: Path = ROOT) -> list[str]:
    """The chapters' paths (``chapters/vae.ipynb``) in the order of the book's _toc.yml."""
    import yaml

    files: list[str] = []

    def walk(node):
        if isinstance(node, dict):
            files.extend([node["file"]] if "file" in node else [])
            for key in ("parts", "chapters", "sections"):
                for child in node.get(key) or []:
                    walk(child)

    walk(yaml.safe_load((root / "_toc.yml").read_text()))
    return [f if f.endswith(".ipynb") else f + ".ipynb" for f in files]


def _by_chapter(records: list[dict]) -> list[dict]:
    """Records grouped by chapter in the book's order (stable within a chapter)."""
    order = {c: i for i, c in enumerate(book_order())}
    return sorted(records, key=lambda r: order.get(r["chapter"], len(order)))


def model_table(results: list[dict]) -> str:
    """A narrow Markdown table (fits a phone): model, primary test metric, training time.

    Models are grouped under a row naming their chapter (a link); a dagger marks published
    reference recipes; a key under the table spells out the metrics' short names. Sizes and
    settings are in :func:`settings_table`.
    """
    rows = ["| model | test quality | time (s) |", "| --- | --- | ---: |"]
    previous = None
    for r in _by_chapter(results):
        if r["chapter"] != previous:
            rows.append(f"| **{_doc(r['chapter'])}** | | |")
            previous = r["chapter"]
        name = r["model"] + (" †" if r["kind"] == "reference" else "")
        rows.append(f"| {name} | {quality(r)} | {r['train_seconds']:.1f} |")
    used = dict.fromkeys(r["primary"] for r in _by_chapter(results))
    key = "; ".join(f"{_metric_name(m, 0)}: {_metric_name(m, 2)}" for m in used)
    note = " † a published reference recipe." if any(r["kind"] == "reference" for r in results) \
        else ""
    return "\n".join(rows) + f"\n\n{key}.{note}"


def settings_table(results: list[dict]) -> str:
    """Each model's size and training settings (the details behind :func:`model_table`)."""
    rows = ["| model | weights | epochs × batch | s per epoch |", "| --- | ---: | ---: | ---: |"]
    for r in _by_chapter(results):
        size = "–" if not r["epochs"] else f"{_fmt(r['epochs'])} × {_fmt(r['batch_size'])}"
        rows.append(f"| {r['model']} | {_fmt(r['params'])} | {size} | "
                    f"{_fmt(r.get('seconds_per_epoch'), 3)} |")
    return "\n".join(rows)


def notebook_table(times: dict, max_seconds: float | None = None) -> str:
    """A Markdown table of each notebook's execution time and peak memory, with the total."""
    rows = ["| chapter | execution (s) | peak memory (MB) |", "| --- | ---: | ---: |"]
    total = 0.0
    for path, t in times["notebooks"].items():
        total += t["seconds"]
        mark = " ⚠" if max_seconds is not None and t["seconds"] > max_seconds else ""
        rows.append(f"| {_doc(path)} | {t['seconds']:.0f}{mark} | {_fmt(t.get('peak_memory_mb'))} |")
    rows.append(f"| **all {len(times['notebooks'])} notebooks** | **{total:.0f}** "
                f"({total / 60:.1f} min) | |")
    return "\n".join(rows)


def _panel(ax, metric: str, records: list[dict], fontsize: float) -> None:
    """One metric: a point per model (circles: the book's, crosses: reference recipes)."""
    for r in records:
        reference = r["kind"] == "reference"
        ax.scatter(r["train_seconds"], r["quality"][metric], marker="X" if reference else "o",
                   s=36, color="C1" if reference else "C0", zorder=3,
                   edgecolor="white", linewidth=0.5)
    better = "higher" if records[0]["direction"] == "higher" else "lower"
    title = _metric_name(metric, 1)
    ax.set_title(f"{title}: {better} is better", loc="left", fontsize=fontsize + 1)
    ax.tick_params(labelsize=fontsize)
    values = [r["quality"][metric] for r in records]
    pad = 0.25 * (max(values) - min(values) or abs(values[0]) or 1.0)
    ax.set_ylim(min(values) - pad, max(values) + pad)


# Where a point's name may go, in order of preference: (dx, dy) in points, then alignment.
_SPOTS = [(6, 0, "left", "center"), (-6, 0, "right", "center"), (0, 6, "center", "bottom"),
          (0, -6, "center", "top"), (5, 5, "left", "bottom"), (-5, 5, "right", "bottom"),
          (5, -5, "left", "top"), (-5, -5, "right", "top"), (8, 13, "left", "bottom"),
          (-8, 13, "right", "bottom"), (8, -13, "left", "top"), (-8, -13, "right", "top")]


def _overlap(a, b) -> float:
    w = min(a.x1, b.x1) - max(a.x0, b.x0)
    h = min(a.y1, b.y1) - max(a.y0, b.y0)
    return max(w, 0) * max(h, 0)


def _label(ax, metric: str, records: list[dict], fontsize: float) -> None:
    """Each point's model name beside it, at the first spot that overlaps no other name or point.

    Greedy placement: points in crowded places first; a spot must also stay inside the panel.
    """
    from matplotlib.transforms import Bbox

    renderer = ax.figure.canvas.get_renderer()
    xy = [(r["train_seconds"], r["quality"][metric]) for r in records]
    px = ax.transData.transform(xy)
    taken = [Bbox.from_extents(x - 4, y - 4, x + 4, y + 4) for x, y in px]
    frame = ax.get_window_extent()
    crowd = [sorted(np.hypot(*(px - p).T))[1] if len(px) > 1 else 0 for p in px]
    for i in np.argsort(crowd):
        best = None
        for dx, dy, ha, va in _SPOTS:
            line = {"arrowstyle": "-", "color": "0.6", "lw": 0.6, "shrinkA": 0, "shrinkB": 3}
            text = ax.annotate(records[i]["model"], xy[i], xytext=(dx, dy), fontsize=fontsize,
                               textcoords="offset points", ha=ha, va=va,  # far: a leader line
                               arrowprops=line if abs(dy) > 10 else None)
            box = text.get_window_extent(renderer).padded(3)
            cost = sum(_overlap(box, t) for k, t in enumerate(taken) if k != i)
            cost += box.width * box.height - _overlap(box, frame)  # the part outside the panel
            if best is None or cost < best[0]:
                if best is not None:
                    best[1].remove()
                best = (cost, text, box)
            else:
                text.remove()
            if cost == 0:
                break
        taken.append(best[2])


def plot_quality_vs_time(results: list[dict], width: float = 4.3, panel_height: float = 2.2,
                         fontsize: float = 9):
    """Quality against training time: one panel per primary metric shared by two or more models.

    The panels are stacked and share one logarithmic time axis, so that the figure stays readable
    at the width of a phone. Circles are the book's models, crosses published reference recipes;
    each point is labelled with its model's name. Returns the Matplotlib figure.
    """
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D
    from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

    groups: dict[str, list[dict]] = {}
    for r in results:
        if r["quality"][r["primary"]] is not None and r["train_seconds"] > 0:
            groups.setdefault(r["primary"], []).append(r)
    groups = {k: v for k, v in groups.items() if len(v) >= 2}
    if not groups:
        raise ValueError("no primary metric is shared by two models with a training time")
    seconds = [r["train_seconds"] for v in groups.values() for r in v]
    fig, axes = plt.subplots(len(groups), 1, sharex=True, squeeze=False, layout="constrained",
                             figsize=(width, panel_height * len(groups) + 0.5))
    axes = axes[:, 0]
    axes[0].set_xscale("log")
    axes[0].set_xlim(min(seconds) / 2.5, max(seconds) * 2.5)
    axes[-1].xaxis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
    axes[-1].xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
    axes[-1].xaxis.set_minor_formatter(NullFormatter())
    axes[-1].set_xlabel("training time (s, log scale)", fontsize=fontsize)
    for ax, (metric, records) in zip(axes, groups.items()):
        _panel(ax, metric, records, fontsize)
    handles = [Line2D([], [], marker="o", ls="", color="C0", label="the book's models"),
               Line2D([], [], marker="X", ls="", color="C1", label="published reference recipes")]
    fig.legend(handles=handles, loc="outside upper center", ncols=2, fontsize=fontsize)
    fig.canvas.draw()  # lays the figure out, so that labels can be placed in screen units
    fig.set_layout_engine("none")  # and keeps it: the labels must not move the axes
    for ax, (metric, records) in zip(axes, groups.items()):
        _label(ax, metric, records, fontsize)
    return fig
