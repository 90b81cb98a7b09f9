"""Diagrams of PCA and the autoencoders: plain, deep, convolutional, denoising, SegNet."""

from __future__ import annotations

import numpy as np
from matplotlib.patches import Rectangle

from ._draw import (BLACK, CODE, DATA, GREY, LOSS, NETWORK, NOISE, SMALL, arrow, box, canvas,
                    grid, pixels, seven, text, tint, trapezoid, vector)


def pca_projection():
    """2-D points, their principal axes, and each point's projection onto the first axis."""
    rng = np.random.default_rng(3)
    pts = rng.standard_normal((16, 2)) @ np.array([[1.0, 0.55], [0.0, 0.35]])
    mean = pts.mean(axis=0)
    _, eigvecs = np.linalg.eigh(np.cov(pts.T))
    w1, w2 = eigvecs[:, 1] * np.sign(eigvecs[0, 1]), eigvecs[:, 0] * np.sign(eigvecs[1, 0])
    proj = mean + np.outer((pts - mean) @ w1, w1)
    fig, ax = canvas(3.0)
    m, scale = np.array([1.95, 1.4]), 0.7
    p, q = m + scale * (pts - mean), m + scale * (proj - mean)
    t = np.array([-2.2, 2.2])
    ax.plot(m[0] + t * w1[0], m[1] + t * w1[1], color=CODE, lw=2, zorder=1)
    for a, b in zip(p, q):
        ax.plot([a[0], b[0]], [a[1], b[1]], color=GREY, lw=1, ls="--", zorder=1)
    ax.scatter(p[:, 0], p[:, 1], s=18, color=DATA, zorder=3)
    ax.scatter(q[:, 0], q[:, 1], s=16, color=CODE, zorder=3, marker="s")
    ax.scatter(*m, s=60, color=BLACK, marker="+", zorder=4)
    arrow(ax, m, m + 1.0 * w2 * 0.6, color=BLACK, lw=2)
    text(ax, *(m + 0.6 * w2 + 0.2 * w2), r"$\mathbf{w}_2$")
    text(ax, *(m + 2.35 * w1 + 0.2 * w2), r"$\mathbf{w}_1$", color=CODE)
    along, across = (pts - mean) @ w1, (pts - mean) @ w2
    k = int(np.argmax(np.abs(across) * (along > 0.4)))
    side = np.sign(across[k]) * w2
    text(ax, *(p[k] + 0.22 * side), r"$\mathbf{x}$", color=DATA)
    text(ax, *(q[k] - 0.22 * side), r"$\mathbf{x}'$", color=CODE)
    text(ax, *(m - 0.3 * w2 + 0.15 * w1), r"$\bar{\mathbf{x}}$")
    lines = [r"encode: $z = \mathbf{W}(\mathbf{x} - \bar{\mathbf{x}})$",
             r"decode: $\mathbf{x}' = \bar{\mathbf{x}} + \mathbf{W}^\top z$",
             r"$\mathbf{W}$: rows $\mathbf{w}_1, \ldots, \mathbf{w}_m$", "(here m = 1)",
             "dashed: reconstruction errors"]
    for i, line in enumerate(lines):
        text(ax, 4.1, 2.0 - i * 0.42, line, size=SMALL, ha="left")
    return fig


def _encoder_decoder(ax, x0, y, code_label=r"$\mathbf{z}$", enc="encoder", dec="decoder"):
    """Encoder trapezoid, code vector, decoder trapezoid from x0; returns the x of both ends."""
    trapezoid(ax, x0 + 0.55, y, 1.0, 1.5, 0.6, enc, color=NETWORK)
    vector(ax, x0 + 1.3, y, 3, color=CODE)
    text(ax, x0 + 1.3, y - 0.45, code_label)
    trapezoid(ax, x0 + 2.05, y, 1.0, 0.6, 1.5, dec, color=NETWORK)
    return x0, x0 + 2.6


def autoencoder():
    """Input -> encoder -> code -> decoder -> reconstruction, and the reconstruction loss."""
    fig, ax = canvas(2.7)
    y = 1.65
    vector(ax, 0.5, y, 8, color=DATA, cell=0.14)
    text(ax, 0.5, y + 0.75, r"$\mathbf{x}$")
    arrow(ax, (0.62, y), (0.95, y))
    _encoder_decoder(ax, 0.95, y)
    arrow(ax, (3.55, y), (3.9, y))
    vector(ax, 4.05, y, 8, color=DATA, cell=0.14, values=np.linspace(0.2, 0.6, 8))
    text(ax, 4.05, y + 0.75, r"$\mathbf{x}'$")
    box(ax, 2.25, 0.35, 2.6, 0.38, r"loss $\|\mathbf{x}' - \mathbf{x}\|^2$", color=LOSS)
    arrow(ax, (0.5, y - 0.6), (0.95, 0.38), rad=0.25, color=LOSS)
    arrow(ax, (4.05, y - 0.6), (3.55, 0.38), rad=-0.25, color=LOSS)
    text(ax, 5.2, 2.0, r"enc: $\mathcal{X} \to \mathcal{Z}$", size=SMALL)
    text(ax, 5.2, 1.6, r"dec: $\mathcal{Z} \to \mathcal{X}$", size=SMALL)
    text(ax, 5.2, 1.2, "code shorter\nthan input", size=SMALL)
    return fig


def deep_autoencoder(widths=(784, 128, 32, 128, 784)):
    """Layer widths as bar heights, with the activations between them."""
    fig, ax = canvas(3.0)
    xs = np.linspace(0.6, 4.6, len(widths))
    heights = 0.35 + 1.65 * np.log(widths) / np.log(max(widths))
    heights = heights - heights.min() + 0.35
    y = 1.55
    colours = [DATA] + [NETWORK] * (len(widths) - 2) + [DATA]
    colours[len(widths) // 2] = CODE
    for x, w, h, c in zip(xs, widths, heights, colours):
        box(ax, x, y, 0.32, h, color=c)
        text(ax, x, y - h / 2 - 0.18, str(w), size=SMALL)
    acts = ["ReLU"] * (len(widths) - 2) + ["sigmoid"]
    for x0, x1, act in zip(xs, xs[1:], acts):
        arrow(ax, (x0 + 0.2, y), (x1 - 0.2, y), label=act, label_offset=(0, 0.16))
    mid = len(widths) // 2
    for a, b, name in [(xs[0], xs[mid], "encoder"), (xs[mid], xs[-1], "decoder")]:
        ax.plot([a, a, b, b], [2.65, 2.75, 2.75, 2.65], color=BLACK, lw=1.2)
        text(ax, (a + b) / 2, 2.88, name, size=SMALL)
    text(ax, xs[0], 0.12, r"$\mathbf{x}$")
    text(ax, xs[mid], 0.12, r"$\mathbf{z}$")
    text(ax, xs[-1], 0.12, r"$\mathbf{x}'$")
    text(ax, 5.55, 1.55, "loss:\ncross-\nentropy", size=SMALL, color=LOSS)
    return fig


def _slab(ax, x, y, side, depth, color, label=""):
    """A tensor of spatial size ``side`` (inches) drawn as up to 4 stacked, offset squares."""
    layers = min(4, max(1, int(np.ceil(np.log2(depth + 1)))))
    for i in reversed(range(layers)):
        off = i * 0.06
        ax.add_patch(Rectangle((x - side / 2 + off, y - side / 2 + off), side, side,
                               facecolor=tint(color, 0.25 + 0.1 * i), edgecolor=color,
                               linewidth=1.1, zorder=3 - i * 0.1))
    if label:
        text(ax, x + 0.05, y - side / 2 - 0.2, label, size=8.5)


def conv_autoencoder():
    """The lecture's convolutional autoencoder, and how a transposed convolution upsamples."""
    fig, ax = canvas(3.6)
    shapes = [(32, 1), (16, 16), (8, 8), (4, 8), (8, 8), (16, 16), (32, 1)]
    y, cursor, centres = 2.5, 0.15, []
    for i, (side, depth) in enumerate(shapes):
        width = 0.018 * side + 0.1
        colour = DATA if i in (0, len(shapes) - 1) else (CODE if i == 3 else NETWORK)
        _slab(ax, cursor + width / 2, y, width, depth, colour, f"{side}×{side}×{depth}")
        right = cursor + width + 0.06 * (min(4, max(1, int(np.ceil(np.log2(depth + 1))))) - 1)
        if centres:
            arrow(ax, (centres[-1][1] + 0.04, y), (cursor - 0.04, y))
        centres.append((cursor + width / 2, right))
        cursor = right + 0.36
    for a, b, name in [(0, 3, "conv + max-pool, three times"),
                       (3, 6, "deconvolution, stride 2, three times")]:
        xa, xb = centres[a][0], centres[b][0]
        ax.plot([xa, xa, xb, xb], [3.15, 3.25, 3.25, 3.15], color=BLACK, lw=1.1)
        text(ax, (xa + xb) / 2, 3.42, name, size=8.5)
    text(ax, centres[3][0], y - 0.48, "code", size=8.5, color=CODE)
    # Inset: a stride-2 transposed convolution of a 2 x 2 input with a 3 x 3 kernel of ones.
    small = np.array([[1, 2], [0, 1]])
    out = np.zeros((5, 5), dtype=int)
    for r in range(2):
        for c in range(2):
            out[2 * r:2 * r + 3, 2 * c:2 * c + 3] += small[r, c]
    text(ax, 0.75, 0.85, "transposed\nconvolution,\nstride 2,\n3×3 kernel\nof ones", size=8.5)
    grid(ax, 1.55, 1.15, small, 0.28, color=CODE, highlight=(0, 0, 1, 1), hcolor=BLACK)
    arrow(ax, (2.25, 0.87), (2.75, 0.87))
    grid(ax, 2.9, 1.57, out, 0.28, color=NETWORK, highlight=(0, 0, 3, 3), hcolor=BLACK)
    text(ax, 5.15, 0.87, "each input value\npaints a scaled\ncopy of the\nkernel; overlaps\nadd",
         size=8.5)
    return fig


def denoising_autoencoder():
    """Corrupt the input, reconstruct it, and compare with the clean input."""
    fig, ax = canvas(2.75)
    rng = np.random.default_rng(0)
    clean = seven()
    noisy = np.clip(clean + 0.55 * rng.standard_normal(clean.shape), 0, 1)
    y = 1.75
    pixels(ax, 0.45, y, clean, 0.7)
    text(ax, 0.45, y + 0.55, r"$\mathbf{x}$")
    box(ax, 1.3, y, 0.62, 0.4, "corrupt", color=NOISE, size=8.5)
    arrow(ax, (0.82, y), (0.99, y))
    arrow(ax, (1.61, y), (1.75, y))
    pixels(ax, 2.1, y, noisy, 0.7)
    text(ax, 2.1, y + 0.55, r"$\tilde{\mathbf{x}}$")
    arrow(ax, (2.47, y), (2.6, y))
    trapezoid(ax, 3.0, y, 0.8, 1.2, 0.5, "enc", color=NETWORK, size=SMALL)
    vector(ax, 3.55, y, 3, color=CODE, cell=0.13)
    trapezoid(ax, 4.1, y, 0.8, 0.5, 1.2, "dec", color=NETWORK, size=SMALL)
    arrow(ax, (4.52, y), (4.65, y))
    pixels(ax, 5.05, y, np.clip(clean * 0.85 + 0.05, 0, 1), 0.7)
    text(ax, 5.05, y + 0.55, r"$\mathbf{x}'$")
    box(ax, 2.75, 0.35, 3.1, 0.38, r"loss $\|\mathbf{x}' - \mathbf{x}\|^2$ (clean target)",
        color=LOSS, size=SMALL)
    arrow(ax, (0.45, y - 0.4), (1.2, 0.38), rad=0.2, color=LOSS)
    arrow(ax, (5.05, y - 0.4), (4.3, 0.38), rad=-0.2, color=LOSS)
    return fig


def segnet():
    """SegNet: encoder and decoder blocks, with pooling indices passed across."""
    fig, ax = canvas(3.7)
    y = 2.55
    sizes = [0.95, 0.7, 0.45]
    enc_x, dec_x = [1.2, 1.95, 2.55], [3.45, 4.05, 4.8]
    pixels(ax, 0.4, y, seven(), 0.6)
    for x, s in zip(enc_x, sizes):
        box(ax, x, y, 0.4, s, color=NETWORK)
    for x, s in zip(dec_x, sizes[::-1]):
        box(ax, x, y, 0.4, s, color=NETWORK, fill=0.5)
    seg = seven()
    pixels(ax, 5.6, y, np.where(seg > 0, 0.55, 0.0), 0.6)
    xs = [0.4] + enc_x + dec_x + [5.6]
    for x0, x1 in zip(xs, xs[1:]):
        arrow(ax, (x0 + 0.31, y), (x1 - 0.31 if x1 == 5.6 else x1 - 0.21, y), lw=1.2)
    for i, (a, b) in enumerate(zip(enc_x, dec_x[::-1])):
        arrow(ax, (a, y + sizes[i] / 2 + 0.02), (b, y + sizes[i] / 2 + 0.02),
              rad=-0.35 + 0.1 * i, dashed=True, color=CODE, lw=1.3)
    text(ax, 3.0, 3.52, "pooling indices", size=SMALL, color=CODE)
    text(ax, 1.85, 1.85, "encoder: conv + pool", size=8.5)
    text(ax, 4.1, 1.85, "decoder: unpool + conv", size=8.5)
    text(ax, 0.4, 2.05, "image", size=8.5)
    text(ax, 5.6, 2.05, "segments", size=8.5)
    block = np.array([[1, 3, 2, 0], [4, 2, 1, 1], [0, 1, 5, 2], [2, 0, 3, 6]])
    mask = np.zeros_like(block, dtype=float)
    pooled = block.reshape(2, 2, 2, 2).max(axis=(1, 3))
    for r in range(2):
        for c in range(2):
            sub = block[2 * r:2 * r + 2, 2 * c:2 * c + 2]
            i, j = np.unravel_index(sub.argmax(), sub.shape)
            mask[2 * r + i, 2 * c + j] = 1
    grid(ax, 0.35, 1.45, block, 0.3, color=DATA, shade=mask)
    arrow(ax, (1.65, 0.85), (2.1, 0.85), label="pool", label_offset=(0, 0.15))
    grid(ax, 2.2, 1.15, pooled, 0.3, color=CODE)
    arrow(ax, (2.9, 0.85), (3.35, 0.85), label="unpool", label_offset=(0, 0.15))
    grid(ax, 3.45, 1.45, (block * mask).astype(int), 0.3, color=DATA, shade=mask)
    text(ax, 5.3, 0.85, "maxima return\nto their\npositions", size=8.5)
    return fig

