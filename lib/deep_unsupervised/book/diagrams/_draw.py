"""The diagrams' one visual style: a canvas in inches, boxes, nodes, arrows, labels and grids.

Every diagram is drawn on :func:`canvas`, whose data coordinates are inches of the printed
figure, so a font size means the same on every diagram. Colours come from the book's
colour-blind-safe palette (:data:`deep_unsupervised.book.plotting.PALETTE`); boxes are filled with a
light tint of their colour and outlined in the colour itself, so the text on them stays black.
"""

from __future__ import annotations

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure
from matplotlib.patches import Circle, FancyArrowPatch, FancyBboxPatch, Polygon, Rectangle

from ..plotting import COLUMN_WIDTH, DPI, PALETTE

FONT = 11        # labels
SMALL = 9.5      # secondary labels, numbers in grids
BLUE, ORANGE, GREEN = PALETTE["blue"], PALETTE["orange"], PALETTE["green"]
RED, PURPLE, SKY = PALETTE["vermillion"], PALETTE["purple"], PALETTE["sky"]
GREY, BLACK = PALETTE["grey"], PALETTE["black"]
# Roles, used the same way in every diagram.
DATA, CODE, NETWORK, LOSS, NOISE, FROZEN = BLUE, GREEN, ORANGE, RED, PURPLE, GREY


def tint(color, amount: float = 0.22):
    """``color`` mixed with white: ``amount`` 1 is the colour itself, 0 is white."""
    rgb = np.array(to_rgb(color))
    return tuple(1 - amount * (1 - rgb))


def canvas(height: float, width: float = COLUMN_WIDTH):
    """A white figure of ``width`` x ``height`` inches whose data coordinates are inches.

    The figure is not registered with pyplot: a notebook shows it once, as the cell's value.

    Returns:
        (fig, ax)
    """
    fig = Figure(figsize=(width, height), dpi=DPI, facecolor="white")
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, width)
    ax.set_ylim(0, height)
    ax.set_aspect("equal")
    ax.set_axis_off()
    return fig, ax


def text(ax, x, y, s, size=FONT, **kwargs):
    """A label centred at (x, y) unless ``ha``/``va`` say otherwise."""
    kwargs.setdefault("ha", "center")
    kwargs.setdefault("va", "center")
    kwargs.setdefault("color", BLACK)
    return ax.text(x, y, s, fontsize=size, zorder=5, **kwargs)


def box(ax, x, y, w, h, label="", color=NETWORK, size=FONT, dashed=False, fill=0.22,
        **kwargs):
    """A rounded box centred at (x, y), tinted with ``color``, with a centred label."""
    patch = FancyBboxPatch((x - w / 2, y - h / 2), w, h,
                           boxstyle="round,pad=0,rounding_size=0.07",
                           facecolor=tint(color, fill), edgecolor=color, linewidth=1.6,
                           linestyle="--" if dashed else "-", zorder=2)
    ax.add_patch(patch)
    if label:
        text(ax, x, y, label, size=size, **kwargs)
    return patch


def trapezoid(ax, x, y, w, h_left, h_right, label="", color=NETWORK, size=FONT):
    """A network block drawn as a trapezoid: tall side ``h_left``, other side ``h_right``."""
    pts = [(x - w / 2, y - h_left / 2), (x + w / 2, y - h_right / 2),
           (x + w / 2, y + h_right / 2), (x - w / 2, y + h_left / 2)]
    ax.add_patch(Polygon(pts, closed=True, facecolor=tint(color), edgecolor=color,
                         linewidth=1.6, zorder=2))
    if label:
        text(ax, x, y, label, size=size)


def node(ax, x, y, r=0.2, label="", color=DATA, filled=False, size=FONT, dashed=False):
    """A circle (a unit or a random variable); ``filled`` marks an observed variable."""
    ax.add_patch(Circle((x, y), r, facecolor=tint(color, 0.55 if filled else 0.08),
                        edgecolor=color, linewidth=1.6, linestyle="--" if dashed else "-",
                        zorder=3))
    if label:
        text(ax, x, y, label, size=size)


def arrow(ax, start, end, color=BLACK, label="", label_offset=(0.0, 0.14), rad=0.0,
          dashed=False, lw=1.5, both=False, size=SMALL, head=True, connectionstyle=None,
          **text_kwargs):
    """An arrow from ``start`` to ``end`` (points in inches), optionally curved and labelled."""
    style = ("<|-|>" if both else "-|>") if head else "-"
    ax.add_patch(FancyArrowPatch(start, end, arrowstyle=style, mutation_scale=11,
                                 connectionstyle=connectionstyle or f"arc3,rad={rad}",
                                 color=color, linewidth=lw,
                                 linestyle=(0, (4, 2.5)) if dashed else "-",
                                 shrinkA=0, shrinkB=0, zorder=4))
    if label:
        mx = (start[0] + end[0]) / 2 + label_offset[0]
        my = (start[1] + end[1]) / 2 + label_offset[1]
        text(ax, mx, my, label, size=size, **text_kwargs)


def vector(ax, x, y, n, color=DATA, cell=0.16, values=None):
    """A column of ``n`` cells centred at (x, y), the glyph of a vector; returns its height."""
    values = np.linspace(0.15, 0.7, n) if values is None else values
    top = y + n * cell / 2
    for i in range(n):
        ax.add_patch(Rectangle((x - cell / 2, top - (i + 1) * cell), cell, cell,
                               facecolor=tint(color, values[i % len(values)]),
                               edgecolor=color, linewidth=1.0, zorder=3))
    return n * cell


def grid(ax, x0, y0, values, cell=0.28, color=BLUE, highlight=None, hcolor=None, numbers=True,
         shade=None, size=SMALL):
    """Draw a matrix with its top-left corner at (x0, y0); row 0 is at the top.

    Args:
        values: 2-D array of numbers written in the cells (``numbers=False`` to omit them).
        highlight: optional (row, col, height, width) block outlined in ``hcolor``.
        shade: optional 2-D array in [0, 1] of fill intensities (default: from ``values``).
    """
    values = np.asarray(values)
    rows, cols = values.shape
    if shade is None:
        span = np.ptp(values) or 1.0
        shade = (values - values.min()) / span
    for r in range(rows):
        for c in range(cols):
            ax.add_patch(Rectangle((x0 + c * cell, y0 - (r + 1) * cell), cell, cell,
                                   facecolor=tint(color, 0.08 + 0.45 * shade[r, c]),
                                   edgecolor=tint(color, 0.7), linewidth=0.8, zorder=2))
            if numbers:
                v = values[r, c]
                label = f"{v:g}" if np.issubdtype(values.dtype, np.number) else str(v)
                text(ax, x0 + (c + 0.5) * cell, y0 - (r + 0.5) * cell, label, size=size)
    if highlight is not None:
        r, c, h, w = highlight
        ax.add_patch(Rectangle((x0 + c * cell, y0 - (r + h) * cell), w * cell, h * cell,
                               facecolor="none", edgecolor=hcolor or RED, linewidth=2.4,
                               zorder=4))


def pixels(ax, x, y, image, size=0.9, cmap_color=BLACK):
    """A small greyscale image (values in [0, 1]) centred at (x, y), ``size`` inches wide."""
    image = np.clip(np.asarray(image, dtype=float), 0, 1)
    ax.imshow(image, cmap="gray_r", vmin=0, vmax=1, interpolation="nearest", zorder=3,
              extent=(x - size / 2, x + size / 2, y - size / 2, y + size / 2))
    ax.add_patch(Rectangle((x - size / 2, y - size / 2), size, size, facecolor="none",
                           edgecolor=cmap_color, linewidth=1.0, zorder=4))


def legend(ax, x, y, items, size=SMALL, dx=1.5):
    """A row of legend entries from (x, y); ``items``: (colour, label, kind) triples.

    ``kind`` is "box", "arrow" or "dashed" (a dashed arrow).
    """
    for i, (color, label, kind) in enumerate(items):
        cx = x + i * dx
        if kind == "box":
            box(ax, cx + 0.1, y, 0.2, 0.16, color=color)
        else:
            arrow(ax, (cx - 0.05, y), (cx + 0.25, y), color=color, dashed=kind == "dashed")
        text(ax, cx + 0.32, y, label, size=size, ha="left")


def seven() -> np.ndarray:
    """A hand-made 8 x 8 glyph of the digit 7, the stand-in image of the diagrams."""
    rows = ["........", ".######.", "......#.", ".....#..",
            ".....#..", "....#...", "...#....", "........"]
    return np.array([[c == "#" for c in row] for row in rows], dtype=float)
