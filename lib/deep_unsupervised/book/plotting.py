"""Plotting helpers shared by every chapter: the book's style, image grids and loss curves.

The style (:func:`set_style`, applied by ``du.setup()``) uses the colour-blind-safe Okabe–Ito
palette (Okabe and Ito, 2008), gives every figure an opaque white background (so figures stay
readable in the book's dark theme) and sizes figures for the text column: the HTML column is
about 757 px wide and a phone's about 358 px, so the default width is :data:`COLUMN_WIDTH` inches
and fonts are large enough to be read when the figure is shrunk to a phone's width.
"""

from __future__ import annotations

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
from cycler import cycler

from .._backend.validation import described, invalid, wrong_type

# Okabe & Ito (2008), "Color Universal Design": distinguishable under the common colour-vision
# deficiencies. Black is left out of the line cycle (it is the text colour).
PALETTE = {
    "blue": "#0072B2",
    "orange": "#E69F00",
    "green": "#009E73",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
    "sky": "#56B4E9",
    "yellow": "#F0E442",
    "black": "#000000",
    "grey": "#999999",
}
CYCLE = [PALETTE[k] for k in ("blue", "orange", "green", "vermillion", "purple", "sky", "yellow")]
# Ten classes (the digits) need more colours than any colour-blind-safe palette separates well,
# so class scatter plots also vary the marker: colour and shape together identify a class.
# Neighbours in hue get different brightness: 0 (blue) and 5 (black), 2 (green) and 9 (brown).
CLASS_COLORS = [PALETTE[k] for k in ("blue", "orange", "green", "vermillion", "purple", "black",
                                     "yellow")] + ["#882255", "#999999", "#8C564B"]
CLASS_MARKERS = ["o", "s", "^", "v", "D", "P", "X", "*", "<", ">"]
COLUMN_WIDTH = 6.4  # inches: 704 px at the book's 110 dpi, within the 757-px text column
DPI = 110
# No text in a figure is set below this size (points): at DPI and the column width, it is shown
# at 9 pt (12 CSS px) on the desktop page. tools/browser_check.py measures it on every page, and
# tools/hygiene.py flags a smaller fontsize= in a chapter.
SMALLEST_FONT_PT = 9


def set_style() -> None:
    """The book's Matplotlib style: colour-blind-safe colours, opaque white figures.

    Figures default to the column's width, with fonts that stay legible on a phone.
    """
    mpl.rcParams.update({
        "axes.prop_cycle": cycler(color=CYCLE),
        "figure.figsize": (COLUMN_WIDTH, 3.4),
        "figure.dpi": DPI,
        "savefig.dpi": DPI,
        "figure.facecolor": "white",
        "savefig.facecolor": "white",
        "savefig.transparent": False,
        "axes.facecolor": "white",
        "text.color": "black",
        "axes.labelcolor": "black",
        "xtick.color": "black",
        "ytick.color": "black",
        "font.size": 11,
        "axes.titlesize": 11,
        "axes.labelsize": 11,
        "legend.fontsize": 10,
        "xtick.labelsize": 10,
        "ytick.labelsize": 10,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.grid": True,
        "grid.alpha": 0.3,
        "image.cmap": "gray",
        "legend.frameon": False,
    })


def figure_png(fig, colors: int = 256) -> tuple[str, dict] | None:
    """A figure as a 2x PNG reduced to ``colors`` colours, base64-encoded, with its 1x size.

    The notebook's image formatter (``du.setup()`` installs it): twice the pixels keep text sharp
    on high-density screens and when a reader opens a figure at full size on a phone, and the
    palette (figures are drawn in few colours) keeps the file smaller than a full-colour 1x PNG.
    The metadata (width and height at 1x) makes the page show it at its 1x size.
    """
    import base64
    import io

    from PIL import Image

    if not fig.axes and not fig.lines and not fig.images and not fig.patches and not fig.texts:
        return None  # an empty figure shows nothing, as the inline backend does
    buffer = io.BytesIO()
    fig.canvas.print_figure(buffer, format="png", dpi=2 * fig.dpi, bbox_inches="tight")
    image = Image.open(io.BytesIO(buffer.getvalue())).convert("RGB")
    image = image.quantize(colors=colors, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return (base64.b64encode(buffer.getvalue()).decode("ascii"),
            {"width": image.width // 2, "height": image.height // 2})


def _as_images(images) -> np.ndarray:
    images = np.asarray(images)
    if images.ndim == 4 and images.shape[-1] == 1:
        images = images[..., 0]
    if images.ndim == 2:  # flattened square images
        side = int(round(np.sqrt(images.shape[1])))
        if side * side != images.shape[1]:
            raise invalid("images", "vectors whose length is a square (flattened square images)",
                          described(f"vectors of length {images.shape[1]}"))
        images = images.reshape(len(images), side, side)
    if images.ndim not in (3, 4):
        raise ValueError(f"Invalid value for argument 'images': expected a batch of images "
                         f"(N, H, W[, C]) or vectors (N, D), received shape {images.shape}")
    return images


def _check_positive_int(name: str, value) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise invalid(name, "a positive integer", value)
    return int(value)


def image_grid(images, ncols: int = 10, titles=None, row_labels=None, vmin=0.0, vmax=1.0,
               cmap="gray", scale: float = 0.9, suptitle: str | None = None):
    """Show a batch of images in a grid without axes; returns the figure.

    The grid is never wider than the text column (:data:`COLUMN_WIDTH`): with many columns the
    cells shrink instead.

    Args:
        images: (N, H, W), (N, H, W, 1), (N, H, W, 3) or flattened square (N, H*W) images.
        ncols: images per row.
        titles: optional N short titles, one per image.
        row_labels: optional labels written left of each row.
        vmin, vmax: colour range (None for each image's own range).
        scale: size of one image cell in inches (at most ``COLUMN_WIDTH / ncols``).

    Returns:
        The Matplotlib figure.
    """
    images = _as_images(images)
    ncols = _check_positive_int("ncols", ncols)
    n = len(images)
    if n == 0:
        raise invalid("images", "at least one image", described("0"))
    if titles is not None and len(titles) != n:
        raise invalid("titles", f"{n} titles", described(str(len(titles))))
    ncols = min(ncols, n)
    nrows = int(np.ceil(n / ncols))
    # room for the row labels, about 0.085 in per character at 10 pt
    label_width = (0.15 + 0.085 * max(len(str(r)) for r in row_labels)
                   if row_labels is not None else 0.0)
    scale = min(scale, (COLUMN_WIDTH - label_width) / ncols)
    height = scale * nrows * (1.25 if titles is not None else 1.0) + (0.35 if suptitle else 0)
    fig, axes = plt.subplots(nrows, ncols, figsize=(scale * ncols + label_width, height),
                             squeeze=False)
    for i, ax in enumerate(axes.flat):
        ax.set_axis_off()
        if i < n:
            ax.imshow(images[i], cmap=cmap, vmin=vmin, vmax=vmax, interpolation="nearest")
            if titles is not None:
                ax.set_title(str(titles[i]), fontsize=9, pad=2)
    if row_labels is not None:
        for r, label in enumerate(row_labels):
            axes[r, 0].text(-0.1, 0.5, str(label), transform=axes[r, 0].transAxes,
                            ha="right", va="center", fontsize=10)
    if suptitle:
        fig.suptitle(suptitle)
    fig.subplots_adjust(wspace=0.05, hspace=0.3 if titles is not None else 0.05,
                        left=label_width / (scale * ncols + label_width) if label_width else 0.0,
                        right=1.0, bottom=0.0, top=0.88 if suptitle else 1.0)
    return fig


def plot_history(history, keys=None, ax=None, title: str | None = None, logy: bool = False):
    """Plot training curves from a Keras ``History`` (or its ``.history`` dict).

    Args:
        history: a ``keras.callbacks.History`` or a dict of per-epoch lists.
        keys: the metrics to plot (default: every key without the ``val_`` prefix); a
            ``val_<key>`` curve, when present, is drawn dashed in the same colour.
        ax: axes to draw in (default: a new figure).
        title: optional axes title.
        logy: logarithmic y axis.

    Returns:
        The axes.
    """
    logs = getattr(history, "history", history)
    if not isinstance(logs, dict) or not logs:
        raise wrong_type("history", "a Keras History or a non-empty dict of per-epoch values",
                         described(type(history).__name__))
    keys = keys or [k for k in logs if not k.startswith("val_")]
    missing = [k for k in keys if k not in logs]
    if missing:
        raise invalid("keys", f"keys of the history ({sorted(logs)})", described(str(missing)))
    if ax is None:
        _, ax = plt.subplots()
    for key in keys:
        epochs = np.arange(1, len(logs[key]) + 1)
        line, = ax.plot(epochs, logs[key], label=key)
        if "val_" + key in logs:
            ax.plot(epochs, logs["val_" + key], "--", color=line.get_color(), label="val_" + key)
    ax.set_xlabel("epoch")
    if logy:
        ax.set_yscale("log")
    if title:
        ax.set_title(title)
    ax.legend()
    return ax


def scatter_2d(points, labels=None, ax=None, title: str | None = None, s: float = 3, legend=True):
    """Scatter 2-D points; with integer labels, each class gets its own colour and marker.

    Args:
        points: (N, 2) array.
        labels: optional (N,) integer class labels (e.g. digit classes).
        ax: axes to draw in (default: a new figure of the column's width).
        title: optional axes title.
        s: marker size.
        legend: draw a legend of the classes (outside the axes, on the right).

    Returns:
        The axes.
    """
    points = np.asarray(points)
    if points.ndim != 2 or points.shape[1] != 2:
        raise invalid("points", "shape (N, 2)", described(f"shape {points.shape}"))
    if ax is None:
        _, ax = plt.subplots(figsize=(COLUMN_WIDTH * 0.75, 4.2))
    if labels is None:
        ax.scatter(points[:, 0], points[:, 1], s=s)
    else:
        labels = np.asarray(labels)
        if labels.shape != (len(points),):
            raise invalid("labels", f"shape ({len(points)},)", described(f"shape {labels.shape}"))
        for label in np.unique(labels):
            pts = points[labels == label]
            i = int(label) % len(CLASS_COLORS)
            ax.scatter(pts[:, 0], pts[:, 1], s=s, label=str(label), color=CLASS_COLORS[i],
                       marker=CLASS_MARKERS[i], linewidths=0)
        if legend:
            ax.legend(markerscale=max(1.0, 12 / s) ** 0.5 * 1.5, fontsize=9, loc="upper left",
                      bbox_to_anchor=(1.0, 1.0), handletextpad=0.2)
    if title:
        ax.set_title(title)
    return ax
