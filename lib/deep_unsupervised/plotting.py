"""Plotting helpers shared by every chapter: the book's style, image grids and loss curves."""

from __future__ import annotations

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np


def set_style() -> None:
    """The book's Matplotlib style: compact figures, readable fonts, no top/right spines."""
    mpl.rcParams.update({
        "figure.figsize": (6.4, 3.6),
        "figure.dpi": 90,
        "savefig.dpi": 90,
        "font.size": 10,
        "axes.titlesize": 10,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.grid": True,
        "grid.alpha": 0.3,
        "image.cmap": "gray",
        "legend.frameon": False,
    })


def _as_images(images) -> np.ndarray:
    images = np.asarray(images)
    if images.ndim == 4 and images.shape[-1] == 1:
        images = images[..., 0]
    if images.ndim == 2:  # flattened square images
        side = int(round(np.sqrt(images.shape[1])))
        if side * side != images.shape[1]:
            raise ValueError(f"cannot view vectors of length {images.shape[1]} as square images")
        images = images.reshape(len(images), side, side)
    if images.ndim not in (3, 4):
        raise ValueError(f"expected a batch of images (N, H, W[, C]) or vectors (N, D), "
                         f"got shape {images.shape}")
    return images


def image_grid(images, ncols: int = 10, titles=None, row_labels=None, vmin=0.0, vmax=1.0,
               cmap="gray", scale: float = 0.9, suptitle: str | None = None):
    """Show a batch of images in a grid without axes; returns the figure.

    Args:
        images: (N, H, W), (N, H, W, 1), (N, H, W, 3) or flattened square (N, H*W) images.
        ncols: images per row.
        titles: optional N short titles, one per image.
        row_labels: optional labels written left of each row.
        vmin, vmax: colour range (None for each image's own range).
        scale: size of one image cell in inches.
    """
    images = _as_images(images)
    n = len(images)
    if n == 0:
        raise ValueError("image_grid needs at least one image")
    ncols = min(ncols, n)
    nrows = int(np.ceil(n / ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(scale * ncols, scale * nrows + (0.3 if suptitle else 0)),
                             squeeze=False)
    for i, ax in enumerate(axes.flat):
        ax.set_axis_off()
        if i < n:
            ax.imshow(images[i], cmap=cmap, vmin=vmin, vmax=vmax, interpolation="nearest")
            if titles is not None:
                ax.set_title(str(titles[i]), fontsize=8, pad=2)
    if row_labels is not None:
        for r, label in enumerate(row_labels):
            axes[r, 0].text(-0.1, 0.5, str(label), transform=axes[r, 0].transAxes,
                            ha="right", va="center", fontsize=9)
    if suptitle:
        fig.suptitle(suptitle)
    fig.subplots_adjust(wspace=0.05, hspace=0.3 if titles is not None else 0.05)
    return fig


def plot_history(history, keys=None, ax=None, title: str | None = None, logy: bool = False):
    """Plot training curves from a Keras ``History`` (or its ``.history`` dict)."""
    logs = getattr(history, "history", history)
    keys = keys or [k for k in logs if not k.startswith("val_")]
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
    """Scatter 2-D points coloured by integer labels (e.g. digit classes)."""
    points = np.asarray(points)
    if points.ndim != 2 or points.shape[1] != 2:
        raise ValueError(f"expected points of shape (N, 2), got {points.shape}")
    if ax is None:
        _, ax = plt.subplots(figsize=(5, 4.5))
    if labels is None:
        ax.scatter(points[:, 0], points[:, 1], s=s)
    else:
        for label in np.unique(labels):
            pts = points[labels == label]
            ax.scatter(pts[:, 0], pts[:, 1], s=s, label=str(label), color=plt.cm.tab10(int(label) % 10))
        if legend:
            ax.legend(markerscale=3, fontsize=8, loc="best", ncol=2)
    if title:
        ax.set_title(title)
    return ax
