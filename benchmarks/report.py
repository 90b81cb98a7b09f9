"""The book's measured results: read the benchmark files and show them as tables and a plot.

``benchmarks/run.py --json benchmarks/results.json`` writes one record per model (its size, cost and
test quality); ``tools/notebooks.py execute`` writes ``benchmarks/notebook_times.json`` (each
chapter's execution time and peak memory). The appendix "Results at a glance"
(``chapters/results.ipynb``) renders both with the functions here, so that no figure in it is typed
by hand. This is repository tooling, not part of the ``deep_unsupervised`` package: the appendix
imports it as ``from benchmarks import report`` (the repository's top folder is installed as the
package ``deep-unsupervised-book``; see ``pyproject.toml``).

Example:
    >>> bench = load_results("benchmarks/results.json")                 # doctest: +SKIP
    >>> model_table(bench["results"])                                    # doctest: +SKIP
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np

# Each primary metric: (short name for a table cell, plot-panel title, what it measures for the key).
METRIC_LABELS = {
    "accuracy": ("accuracy", "test accuracy",
                 "the fraction of test examples the classifier labels correctly"),
    "purity": ("purity", "cluster purity",
               "the fraction of digits whose cluster's most common label is their own label"),
    "cross_entropy": ("CE", "cross-entropy per pixel (nats)",
                      "the binary cross-entropy between a test digit and its reconstruction, "
                      "in nats per pixel"),
    "squared_error": ("SE", "squared error per point",
                      "the squared distance between a test point and its reconstruction"),
    "psnr": ("PSNR", "PSNR of denoised digits (dB)",
             "the peak signal-to-noise ratio of the denoised test digits against the clean ones, "
             "in decibels"),
    "distance_after": ("distance", "distance to the curve",
                       "the mean distance of denoised test points to the spiral they came from"),
    "iou": ("IoU", "intersection over union",
            "the overlap of the predicted and the true cell pixels, divided by their union"),
    "neg_elbo": ("−ELBO", "−ELBO (nats per digit)",
                 "the negative evidence lower bound on a test digit's log-likelihood, "
                 "in nats per digit"),
    "mig": ("MIG", "mutual information gap",
            "how much more the best code element knows about each generating factor than the "
            "second best, relative to the factor's entropy"),
    "mig_mean": ("mean MIG", "mutual information gap, mean over seeds",
                 "how much more the best code element knows about each generating factor than "
                 "the second best, relative to the factor's entropy (mean over seeds)"),
    "frechet_distance": ("FD", "Fréchet distance to test digits",
                         "the Fréchet distance between generated and test digits in the features "
                         "of a digit classifier"),
    "mse_ab": ("MSE", "translation MSE",
               "the mean squared error of translated test digits against their true "
               "counterparts"),
    "modes_mean": ("modes", "modes covered",
                   "how many of the mixture's Gaussians the samples cover (mean over seeds)"),
    "accuracy_b4": ("probe accuracy, β = 4", "linear probe accuracy",
                    "the test accuracy of a linear classifier on the codes of the β = 4 model"),
    "b12_mig_mean": ("mean MIG, β = 12", "mutual information gap at β = 12",
                     "the MIG of the β = 12 runs (mean over seeds)"),
    "equal_frechet_distance_mean": ("FD, equal rates", "Fréchet distance with equal rates",
                                    "the Fréchet distance of the DCGAN recipe trained with the "
                                    "paper's equal learning rates (mean over seeds)"),
    "deep-ae@10": ("probe accuracy, 10 labels", "linear probe accuracy",
                   "the test accuracy of a linear classifier on the deep autoencoder's codes of "
                   "ten labelled digits per class"),
}

# Every benchmark's name for readers (the model ids stay in benchmarks/results.json).
DISPLAY_NAMES = {
    "kmeans-pca": "k-means on PCA codes", "four-class-mlp": "7-7-4 network",
    "mlp": "MLP", "cnn": "CNN", "mlp-dropout-500": "MLP, dropout, 500 digits",
    "rbm": "RBM", "dbn-classifier": "DBN, fine-tuned", "glorot-mlp-1000": "MLP, Glorot start",
    "pca-32": "PCA, 32 axes", "linear-ae": "linear AE", "deep-ae": "deep AE",
    "deeper-ae": "deeper AE", "conv-ae": "conv AE", "spiral-ae": "spiral AE",
    "label-budget": "label budget", "denoising-ae": "denoising AE",
    "plain-conv-ae": "conv AE, no noise", "spiral-dae": "spiral DAE", "segnet": "SegNet",
    "vae-2": "VAE, 2-D code", "vae-16": "VAE, 16-D code", "beta-vae-shapes": "β-VAE, β = 12",
    "beta-vae-shapes-beta0": "β-VAE, β = 0", "beta-vae-mnist-codes": "β-VAEs on digits",
    "beta-vae-shapes-seeds": "β-VAE over seeds", "beta-vae-annealed-seeds": "annealed β over seeds",
    "beta-vae-beta-sweep": "β sweep", "beta-vae-mig-vs-steps": "β-VAE, MIG per epoch",
    "beta-vae-annealed-vs-steps": "annealed β, longer",
    "toy-minimax-ring": "minimax GAN, ring", "toy-ns-ring": "NS GAN, ring",
    "toy-wgan-gp-ring": "WGAN-GP, ring", "toy-ns-grid": "NS GAN, grid",
    "toy-wgan-gp-grid": "WGAN-GP, grid", "toy-wgan-gp-paper-grid": "WGAN-GP (paper), grid",
    "dcgan": "DCGAN", "dcgan-rates": "DCGAN, equal rates", "wgan-gp": "WGAN-GP", "conv-vae-16": "conv VAE", "cyclegan": "CycleGAN",
    "chollet-simple-ae": "Chollet, simple AE", "chollet-deep-ae": "Chollet, deep AE",
    "chollet-conv-ae": "Chollet, conv AE", "keras-io-vae": "keras.io VAE",
}


def display_name(model: str) -> str:
    """The reader's name of a benchmark (its id when it has none)."""
    return DISPLAY_NAMES.get(model, model)


ROOT = Path(__file__).resolve().parent.parent
_RESULT_KEYS = ("model", "chapter", "kind", "params", "epochs", "batch_size", "train_seconds",
                "quality", "primary", "direction")


class ResultsFileError(ValueError):
    """A results file that is missing, or not what ``benchmarks/run.py`` writes."""


def reference_scores() -> dict:
    """The published recipes' scores that chapters quote as targets: model -> (metric, value)."""
    from deep_unsupervised.book.recipes.references import REFERENCE_SCORES

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


def _stale(record: dict) -> bool:
    return bool(record.get("stale"))


def model_table(results: list[dict]) -> str:
    """A narrow Markdown table: model, measure (with its direction), value, training time.

    Models are grouped under a row naming their chapter (a link); a dagger marks published
    reference recipes, a double dagger records marked stale (``tools/records.py``): their recipe
    changed after the measurement. :func:`key` spells out the measures; sizes and settings are in
    :func:`settings_table`.
    """
    rows = ["| model | measure | value | time (s) |", "| --- | --- | ---: | ---: |"]
    previous = None
    for r in _by_chapter(results):
        if r["chapter"] != previous:
            rows.append(f"| **{_doc(r['chapter'])}** | | | |")
            previous = r["chapter"]
        name = display_name(r["model"]) + (" †" if r["kind"] == "reference" else "") + (
            " ‡" if _stale(r) else "")
        arrow = "↑" if r["direction"] == "higher" else "↓"
        measure = f"{_metric_name(r['primary'], 0)}\u00a0{arrow}"
        rows.append(f"| {name} | {measure} | {_fmt(r['quality'][r['primary']], 3)} | "
                    f"{r['train_seconds']:.1f} |")
    return "\n".join(rows)


def key(results: list[dict]) -> str:
    """A MyST definition list of the measures ``results`` use: name, direction, what it measures;
    then the daggers."""
    lines = []
    for metric in dict.fromkeys(r["primary"] for r in _by_chapter(results)):
        direction = next(r["direction"] for r in results if r["primary"] == metric)
        arrow = "↑" if direction == "higher" else "↓"
        lines += [f"{_metric_name(metric, 0)} {arrow}",
                  f": {_metric_name(metric, 2)[0].upper()}{_metric_name(metric, 2)[1:]}; "
                  f"{direction} is better.", ""]
    if any(r["kind"] == "reference" for r in results):
        lines += ["†", ": A published reference recipe that a chapter compares with.", ""]
    if any(_stale(r) for r in results):
        lines += ["‡", ": A stale record: the recipe's settings changed after it was measured, "
                  "so its numbers describe an earlier version of the model.", ""]
    return "\n".join(lines).rstrip() + "\n"


def settings_table(results: list[dict]) -> str:
    """Each model's size and training settings (the details behind :func:`model_table`).

    Models without weights of their own (results of several runs, such as the toy GANs' mode
    counts or the label-budget sweep) show "–", as do those trained without epochs.
    """
    rows = ["| model | weights | epochs × batch | s per epoch |", "| --- | ---: | ---: | ---: |"]
    for r in _by_chapter(results):
        size = "–" if not r["epochs"] else f"{_fmt(r['epochs'])} × {_fmt(r['batch_size'])}"
        weights = _fmt(r["params"]) if r.get("params") else "–"
        rows.append(f"| {display_name(r['model'])} | {weights} | {size} | "
                    f"{_fmt(r.get('seconds_per_epoch'), 3)} |")
    return "\n".join(rows)


def stale_records(results: list[dict]) -> list[dict]:
    """The records marked stale, in the book's order."""
    return [r for r in _by_chapter(results) if _stale(r)]


def notebook_table(times: dict, max_seconds: float | None = None,
                   max_memory_mb: float | None = None) -> str:
    """A Markdown table of each notebook's execution time and peak memory, with the total; ⚠
    marks a time over ``max_seconds`` or a peak over ``max_memory_mb``, ‡ a stale record."""
    rows = ["| chapter | execution (s) | peak memory (MB) |", "| --- | ---: | ---: |"]
    total = 0.0
    for path, t in times["notebooks"].items():
        total += t["seconds"]
        mark = " ⚠" if max_seconds is not None and t["seconds"] > max_seconds else ""
        mark += " ‡" if t.get("stale") else ""
        memory = t.get("peak_memory_mb")
        over = max_memory_mb is not None and memory is not None and memory > max_memory_mb
        rows.append(f"| {_doc(path)} | {t['seconds']:.0f}{mark} | {_fmt(memory)}"
                    f"{' ⚠' if over else ''} |")
    rows.append(f"| **all {len(times['notebooks'])} notebooks** | **{total:.0f}** "
                f"({total / 60:.1f} min) | |")
    return "\n".join(rows)


def _panel(ax, metric: str, records: list[dict], fontsize: float) -> None:
    """One metric on its own axes: a point per model (circles: the book's, crosses: reference
    recipes; hollow: stale records), training time on a logarithmic axis."""
    from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

    for r in records:
        reference = r["kind"] == "reference"
        color = "C1" if reference else "C0"
        ax.scatter(r["train_seconds"], r["quality"][metric], marker="X" if reference else "o",
                   s=36, zorder=3, linewidth=1.2 if _stale(r) else 0.5,
                   color="white" if _stale(r) else color, edgecolor=color if _stale(r) else "white")
    better = "higher" if records[0]["direction"] == "higher" else "lower"
    ax.set_title(f"{_metric_name(metric, 1)}\n({better} is better)", loc="left",
                 fontsize=fontsize + 1)
    ax.tick_params(labelsize=fontsize)
    values = [r["quality"][metric] for r in records]
    pad = 0.25 * (max(values) - min(values) or abs(values[0]) or 1.0)
    ax.set_ylim(min(values) - pad, max(values) + pad)
    seconds = [r["train_seconds"] for r in records]
    low, high = min(seconds) / 2.5, max(seconds) * 2.5
    ax.set_xscale("log")
    ax.set_xlim(low, high)
    wide = np.log10(high / low) > 2.2   # several decades: one tick per decade, else 1-2-5
    ax.xaxis.set_major_locator(LogLocator(base=10, subs=(1.0,) if wide else (1.0, 2.0, 5.0)))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
    ax.xaxis.set_minor_formatter(NullFormatter())
    ax.set_xlabel("training time (s)", fontsize=fontsize)
    ax.grid(alpha=0.25, which="major")


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
            text = ax.annotate(display_name(records[i]["model"]), xy[i], xytext=(dx, dy),
                               fontsize=fontsize,
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


def plot_quality_vs_time(results: list[dict], width: float = 7.6, panel_height: float = 2.6,
                         fontsize: float = 9, ncols: int = 2):
    """Quality against training time: a grid of panels, one per primary metric shared by two or
    more models, each with its own logarithmic time axis.

    Circles are the book's models, crosses published reference recipes, hollow markers records
    marked stale; each point is labelled with its model's display name. Returns the figure.
    """
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D

    groups: dict[str, list[dict]] = {}
    for r in results:
        if r["quality"][r["primary"]] is not None and r["train_seconds"] > 0:
            groups.setdefault(r["primary"], []).append(r)
    groups = {k: v for k, v in groups.items() if len(v) >= 2}
    if not groups:
        raise ValueError("no primary metric is shared by two models with a training time")
    ncols = min(ncols, len(groups))
    nrows = -(-len(groups) // ncols)
    fig, axes = plt.subplots(nrows, ncols, squeeze=False, layout="constrained",
                             figsize=(width, panel_height * nrows + 0.4))
    axes = list(axes.flat)
    for ax in axes[len(groups):]:
        fig.delaxes(ax)
    axes = axes[:len(groups)]
    for ax, (metric, records) in zip(axes, groups.items()):
        _panel(ax, metric, records, fontsize)
    handles = [Line2D([], [], marker="o", ls="", color="C0", label="the book's models"),
               Line2D([], [], marker="X", ls="", color="C1", label="published reference recipes")]
    if any(_stale(r) for v in groups.values() for r in v):
        handles.append(Line2D([], [], marker="o", ls="", color="white", markeredgecolor="C0",
                              label="stale record"))
    fig.legend(handles=handles, loc="outside upper center", ncols=len(handles), fontsize=fontsize)
    fig.canvas.draw()  # lays the figure out, so that labels can be placed in screen units
    fig.set_layout_engine("none")  # and keeps it: the labels must not move the axes
    for ax, (metric, records) in zip(axes, groups.items()):
        _label(ax, metric, records, fontsize - 1)
    return fig
