"""Diagrams of the network building blocks: a neuron, an MLP, convolution, pooling, RBM, DBN."""

from __future__ import annotations

import numpy as np

from ._draw import (BLACK, CODE, DATA, FROZEN, GREY, LOSS, NETWORK, SMALL, arrow, box, canvas,
                    grid, node, text)


def neuron():
    """One neuron: a weighted sum of the inputs plus a bias, then an activation function."""
    fig, ax = canvas(2.5)
    ys = [2.0, 1.3, 0.6]
    for i, y in enumerate(ys, start=1):
        node(ax, 0.6, y, 0.22, f"$x_{i}$", color=DATA)
        arrow(ax, (0.82, y), (2.62, 1.3 + (y - 1.3) * 0.25), label=f"$w_{i}$",
              label_offset=(-0.25, 0.12 if y > 1.3 else (-0.12 if y < 1.3 else 0.1)))
    text(ax, 0.6, 0.17, "inputs", size=SMALL)
    node(ax, 3.0, 1.3, 0.4, r"$\Sigma \,|\, \sigma$", color=NETWORK)
    arrow(ax, (3.0, 2.3), (3.0, 1.72), label="$b$", label_offset=(0.15, 0.05))
    arrow(ax, (3.42, 1.3), (4.15, 1.3))
    text(ax, 4.25, 1.3, r"$h = \sigma\left(\sum_i w_i x_i + b\right)$", ha="left")
    text(ax, 3.0, 0.6, "sum, then activation", size=SMALL)
    return fig


def mlp(sizes=(5, 5, 4)):
    """A small fully connected network: input, ReLU hidden layer(s), softmax output."""
    fig, ax = canvas(2.9)
    xs = np.linspace(0.9, 4.3, len(sizes))
    names = ["input $\\mathbf{x}$"] + ["hidden (ReLU)"] * (len(sizes) - 2) + ["softmax"]
    layers = []
    for x, n, name in zip(xs, sizes, names):
        ys = 1.55 + (np.arange(n) - (n - 1) / 2) * 0.38
        layers.append((x, ys))
        text(ax, x, 0.25, name, size=SMALL)
    for (x0, y0s), (x1, y1s) in zip(layers, layers[1:]):
        for y0 in y0s:
            for y1 in y1s:
                ax.plot([x0, x1], [y0, y1], color=GREY, lw=0.7, zorder=1)
    for i, ((x, ys), colour) in enumerate(zip(layers, [DATA] + [NETWORK] * len(sizes))):
        for y in ys:
            node(ax, x, y, 0.13, color=colour if i < len(layers) - 1 else LOSS)
    for i, (x0, x1) in enumerate(zip(xs, xs[1:]), start=1):
        text(ax, (x0 + x1) / 2, 2.72, f"$\\mathbf{{W}}_{i}, \\mathbf{{b}}_{i}$", size=SMALL)
    arrow(ax, (xs[-1] + 0.25, 1.55), (xs[-1] + 0.75, 1.55))
    text(ax, xs[-1] + 0.85, 1.55, "class\nprobabilities", size=SMALL, ha="left")
    return fig


_IMAGE = np.array([[0, 0, 1, 1, 0, 0], [0, 1, 1, 1, 1, 0], [0, 0, 0, 1, 1, 0],
                   [0, 0, 1, 1, 0, 0], [0, 1, 1, 0, 0, 0], [1, 1, 1, 1, 1, 1]])
_KERNEL = np.array([[1, 0, 1], [0, 1, 0], [1, 0, 1]])


def convolution():
    """The kernel slides over the image; each output cell sums the products under the window."""
    out = np.array([[np.sum(_IMAGE[r:r + 3, c:c + 3] * _KERNEL) for c in range(4)]
                    for r in range(4)])
    fig, ax = canvas(2.75)
    cell, top = 0.3, 2.25
    grid(ax, 0.25, top, _IMAGE, cell, color=DATA, highlight=(1, 2, 3, 3))
    text(ax, 2.3, top - 0.9, "$*$", size=16)
    grid(ax, 2.65, top - 0.45, _KERNEL, cell, color=NETWORK)
    text(ax, 3.95, top - 0.9, "$=$", size=16)
    grid(ax, 4.35, top - 0.3, out, cell, color=CODE, highlight=(1, 2, 1, 1))
    arrow(ax, (1.45, top - 0.28), (5.1, top - 0.58), rad=-0.22, color=LOSS, lw=1.3)
    for x, label in [(1.15, "input $\\mathbf{I}$ (6×6)"), (3.1, "kernel $\\mathbf{K}$"),
                     (4.95, "output (4×4)")]:
        text(ax, x, 0.15, label, size=SMALL)
    return fig


_POOL_IN = np.array([[1, 3, 2, 0], [4, 2, 1, 1], [0, 1, 5, 2], [2, 0, 3, 6]])


def max_pooling():
    """2 x 2 max-pooling with stride 2: each block of the input keeps only its largest value."""
    fig, ax = canvas(2.0)
    cell = 0.36
    shade = np.kron(np.array([[0.1, 0.5], [0.5, 0.1]]), np.ones((2, 2)))
    grid(ax, 0.9, 1.85, _POOL_IN, cell, color=DATA, shade=shade)
    for r in (0, 2):
        for c in (0, 2):
            grid(ax, 0.9, 1.85, _POOL_IN, cell, color=DATA, shade=shade, numbers=False,
                 highlight=(r, c, 2, 2), hcolor=BLACK)
    pooled = _POOL_IN.reshape(2, 2, 2, 2).max(axis=(1, 3))
    arrow(ax, (2.55, 1.13), (3.55, 1.13), label="max over 2×2", label_offset=(0, 0.17))
    grid(ax, 3.8, 1.49, pooled, cell, color=CODE, shade=np.array([[0.1, 0.5], [0.5, 0.1]]))
    text(ax, 1.62, 0.05, "feature map (4×4)", size=SMALL, va="bottom")
    text(ax, 4.16, 0.55, "pooled (2×2)", size=SMALL, va="bottom")
    return fig


def rbm_gibbs():
    """An RBM's bipartite graph, and the Gibbs chain that CD-k runs from a data vector."""
    fig, ax = canvas(2.9)
    vis = [(0.35 + 0.45 * i, 0.75) for i in range(4)]
    hid = [(0.58 + 0.45 * j, 2.05) for j in range(3)]
    for v in vis:
        for h in hid:
            ax.plot([v[0], h[0]], [v[1], h[1]], color=GREY, lw=0.9, zorder=1)
    for i, v in enumerate(vis, start=1):
        node(ax, *v, 0.17, f"$x_{i}$", color=DATA, size=SMALL)
    for j, h in enumerate(hid, start=1):
        node(ax, *h, 0.17, f"$h_{j}$", color=CODE, size=SMALL)
    text(ax, 1.03, 1.42, r"$\mathbf{W}$", size=SMALL, backgroundcolor="white")
    text(ax, 1.03, 2.5, r"hidden, bias $\mathbf{b}$", size=SMALL)
    text(ax, 1.03, 0.3, r"visible, bias $\mathbf{a}$", size=SMALL)
    steps = [(2.7, "0"), (4.1, "1"), (5.5, "k")]
    for n, (x, k) in enumerate(steps):
        node(ax, x, 0.75, 0.24, f"$\\mathbf{{x}}^{{({k})}}$", color=DATA, filled=n == 0,
             size=SMALL)
        node(ax, x + 0.45, 2.05, 0.24, f"$\\mathbf{{h}}^{{({k})}}$", color=CODE, size=SMALL)
        arrow(ax, (x + 0.08, 0.98), (x + 0.37, 1.82), color=CODE)
        if n < len(steps) - 1:
            end = steps[n + 1][0]
            if n == len(steps) - 2:
                text(ax, (x + 0.45 + end) / 2 + 0.05, 1.4, "$\\cdots$", size=14)
            else:
                arrow(ax, (x + 0.53, 1.82), (end - 0.08, 0.98), color=DATA)
    text(ax, 2.78, 1.55, r"$p(\mathbf{h}|\mathbf{x})$", size=SMALL, ha="right")
    text(ax, 3.8, 1.05, r"$p(\mathbf{x}|\mathbf{h})$", size=SMALL, ha="right")
    text(ax, 2.7, 0.3, "data", size=SMALL)
    text(ax, 5.5, 0.3, "after k steps", size=SMALL)
    text(ax, 4.2, 2.65, r"$\Delta\mathbf{W} \propto \mathbf{h}^{(0)}\mathbf{x}^{(0)\top}"
                        r" - \mathbf{h}^{(k)}\mathbf{x}^{(k)\top}$", size=SMALL)
    return fig


def dbn_greedy():
    """Greedy layer-wise training of a DBN: each stage trains one RBM on the layer below."""
    fig, ax = canvas(3.1)
    names = [r"$\mathbf{x}$", r"$\mathbf{h}_1$", r"$\mathbf{h}_2$", r"$\mathbf{h}_3$"]
    for stage in range(3):
        x0 = 1.0 + stage * 2.1
        text(ax, x0, 2.95, f"stage {stage + 1}: train RBM {stage + 1}", size=SMALL)
        for level in range(stage + 2):
            y = 0.45 + level * 0.72
            colour = DATA if level == 0 else CODE
            box(ax, x0, y, 1.3 - 0.15 * level, 0.3, names[level], color=colour, size=SMALL)
            if level == 0:
                continue
            trained = level == stage + 1
            arrow(ax, (x0, y - 0.56), (x0, y - 0.16), color=NETWORK if trained else FROZEN,
                  both=trained, lw=2.2 if trained else 1.4)
            label = "RBM (CD-k)" if trained else "frozen"
            text(ax, x0 + 0.1, y - 0.36, label, size=8.5, ha="left",
                 color=NETWORK if trained else GREY)
    return fig
