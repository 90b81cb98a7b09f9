"""Looking inside trained networks: kernels, activations layer by layer, loss-surface slices, signal statistics.

These are the lecture's three ways of examining a network (slides "CNN representations" to
"(In)appropriate initialisers"): show the learnt first-layer kernels, pass one input through the
network and show what each layer produces, and measure how the forward signal (activations) and
the backward signal (gradients) change from layer to layer.
"""

from __future__ import annotations

import keras
import matplotlib.pyplot as plt
import numpy as np
from keras import ops

from . import autodiff
from .book.plotting import image_grid
from ._backend.validation import check_array, check_float, check_int, described, invalid


# --------------------------------------------------------------------------------------------
# Kernels
# --------------------------------------------------------------------------------------------
def first_layer_kernels(model: keras.Model) -> np.ndarray:
    """The kernels of the first ``Conv2D`` layer as an array (C, h, w) of single-channel images."""
    _check_model(model)
    for layer in model.layers:
        if isinstance(layer, keras.layers.Conv2D):
            k = np.asarray(layer.get_weights()[0])  # (h, w, D, C)
            if k.shape[2] != 1:
                raise invalid("model", "a first Conv2D layer with one input channel (grey "
                              "kernels)", described(f"{k.shape[2]} channels in '{layer.name}'"))
            return np.moveaxis(k[:, :, 0, :], -1, 0)
    raise invalid("model", "a model with a Conv2D layer", described(f"'{model.name}' has none"))


def _check_model(model) -> None:
    if not isinstance(model, keras.Model):
        raise invalid("model", "a Keras model", described(type(model).__name__))


def plot_kernels(kernels, ncols: int = 8, titles=None, suptitle: str | None = None, scale: float = 0.9):
    """Show 2-D kernels (C, h, w) on a shared, zero-centred red-blue scale (red > 0, blue < 0)."""
    kernels = check_array("kernels", kernels, ndim=3, dtype=float)
    ncols = check_int("ncols", ncols, low=1)
    a = np.abs(kernels).max() or 1.0
    return image_grid(kernels, ncols=ncols, titles=titles, vmin=-a, vmax=a, cmap="RdBu_r", scale=scale,
                      suptitle=suptitle)


SOBEL_X = np.array([[-1.0, 0.0, 1.0], [-2.0, 0.0, 2.0], [-1.0, 0.0, 1.0]])
SOBEL_Y = SOBEL_X.T


def edge_energy(kernels) -> np.ndarray:
    """Fraction of each 3x3 kernel's (zero-mean) energy lying in the span of the Sobel edge filters.

    A zero-mean 3x3 kernel lives in an 8-dimensional space; the horizontal and vertical Sobel filters
    span a 2-dimensional part of it, which contains the oriented edge detector of *every* angle.
    A random kernel therefore scores 2/8 = 0.25 on average, a pure edge detector scores 1.
    """
    kernels = check_array("kernels", kernels, shape=(None, 3, 3), dtype=float)
    flat = kernels.reshape(len(kernels), 9)
    flat = flat - flat.mean(axis=1, keepdims=True)
    basis, _ = np.linalg.qr(np.stack([SOBEL_X.ravel(), SOBEL_Y.ravel()], axis=1))  # orthonormal (9, 2)
    projected = flat @ basis
    return np.sum(projected ** 2, axis=1) / np.maximum(np.sum(flat ** 2, axis=1), 1e-12)


# --------------------------------------------------------------------------------------------
# Activations through the layers
# --------------------------------------------------------------------------------------------
def _stages(model: keras.Model) -> list[keras.Model]:
    """The functional models the data pass through in turn: ``[encoder, decoder]`` for a
    model built from those two parts (the book's autoencoders), else ``[model]``."""
    parts = [getattr(model, n, None) for n in ("encoder", "decoder")]
    if all(isinstance(p, keras.Model) for p in parts):
        return parts
    return [model]


def _named_layers(stage: keras.Model) -> list[str]:
    return [layer.name for layer in stage.layers if not isinstance(layer, keras.layers.InputLayer)]


def layer_outputs(model: keras.Model, x, names=None, *,
                  batch_size: int = 256) -> dict[str, np.ndarray]:
    """Outputs of the named layers of a model for inputs ``x``, in one batched forward pass.

    Works for functional and ``Sequential`` models, and for models made of an ``encoder``
    and a ``decoder`` (the book's autoencoders), whose layers are looked up in both parts.

    Args:
        model: the network to look inside.
        x: a batch of inputs.
        names: layer names; default: every layer except the inputs, in data-flow order.
        batch_size: examples per forward pass.

    Returns:
        dict name -> NumPy array of that layer's outputs, in data-flow order.
    """
    _check_model(model)
    batch_size = check_int("batch_size", batch_size, low=1)
    stages = _stages(model)
    available = [n for stage in stages for n in _named_layers(stage)]
    names = available if names is None else [names] if isinstance(names, str) else list(names)
    unknown = [n for n in names if n not in available]
    if unknown or not names:
        raise invalid("names", f"names of layers of the model, from {available}", names)
    outputs, h = {}, np.asarray(x)
    for stage in stages:
        wanted = [n for n in names if n in _named_layers(stage)]
        tensors = [stage.get_layer(n).output for n in wanted]
        last = next((i for i, t in enumerate(tensors) if t is stage.outputs[0]), None)
        if last is None:  # the stage's output feeds the next stage
            tensors, last = tensors + [stage.outputs[0]], len(tensors)
        results = keras.Model(stage.inputs, tensors).predict(h, batch_size=batch_size,
                                                            verbose=0)
        results = results if isinstance(results, (list, tuple)) else [results]
        outputs.update((n, np.asarray(o)) for n, o in zip(wanted, results))
        h = results[last]
    return {n: outputs[n] for n in available if n in names}


def plot_feature_maps(maps, n: int = 8, title: str | None = None):
    """Show the first ``n`` channels of one example's feature maps (H, W, C), each on its own scale."""
    maps = check_array("maps", maps, ndim=3)
    n = min(check_int("n", n, low=1), maps.shape[-1])
    return image_grid(np.moveaxis(maps[..., :n], -1, 0), ncols=n, vmin=None, vmax=None, cmap="magma",
                      scale=0.8, suptitle=title)


# --------------------------------------------------------------------------------------------
# Loss surfaces
# --------------------------------------------------------------------------------------------
def random_directions(model: keras.Model, seed: int = 0) -> tuple[list, list]:
    """Two random directions in weight space, each tensor scaled to the norm of the weight it perturbs.

    This "filter normalisation" (Li et al., 2018) makes slices comparable across layers of
    different size. Bias vectors are not perturbed.
    """
    _check_model(model)
    rng = np.random.default_rng(seed)
    dirs = []
    for _ in range(2):
        d = []
        for w in model.get_weights():
            if w.ndim < 2:
                d.append(np.zeros_like(w))
            else:
                r = rng.normal(size=w.shape)
                d.append((r * np.linalg.norm(w) / np.linalg.norm(r)).astype(w.dtype))
        dirs.append(d)
    return dirs[0], dirs[1]


def loss_slice(model: keras.Model, x, y, span: float = 1.0, n: int = 21, seed: int = 0):
    """Loss on ``(x, y)`` over the plane ``theta + a d1 + b d2``, a, b in [-span, span], around the current weights.

    Args:
        model: a model whose output is class probabilities (integer labels ``y``).
        n: grid points per axis (the model is evaluated n*n times, so keep the data small).

    Returns:
        ``(a, b, losses)`` with ``losses[i, j]`` the mean cross-entropy at ``a[j], b[i]``. The
        model's weights are restored afterwards.
    """
    span = check_float("span", span, low=0, low_inclusive=False)
    n = check_int("n", n, low=2)
    theta = model.get_weights()
    d1, d2 = random_directions(model, seed)
    a = b = np.linspace(-span, span, n)
    losses = np.zeros((n, n))
    x, y = ops.convert_to_tensor(x), ops.convert_to_tensor(y)
    try:
        for i, bi in enumerate(b):
            for j, aj in enumerate(a):
                model.set_weights([t + aj * u + bi * v for t, u, v in zip(theta, d1, d2)])
                p = model(x, training=False)
                losses[i, j] = float(ops.mean(keras.losses.sparse_categorical_crossentropy(y, p)))
    finally:
        model.set_weights(theta)
    return a, b, losses


# --------------------------------------------------------------------------------------------
# Signal statistics for the initialisation study
# --------------------------------------------------------------------------------------------
def signal_statistics(model: keras.Model, x, y) -> dict[str, np.ndarray]:
    """Per Dense layer: std of its outputs (forward signal) and std of dL/dW (backward signal).

    The gradient comes from :func:`deep_unsupervised.autodiff.value_and_grad` (a tape on
    TensorFlow, ``jax.value_and_grad`` on JAX): Keras 3 has no gradient call outside ``fit``.

    Returns:
        dict with ``layers`` (names), ``activation_std`` and ``gradient_std`` (one value per layer).
    """
    _check_model(model)
    dense = [layer for layer in model.layers if isinstance(layer, keras.layers.Dense)]
    if not dense:
        raise invalid("model", "a model with Dense layers", described(f"'{model.name}' has none"))
    probe = keras.Model(model.inputs, [layer.output for layer in dense])
    x = ops.convert_to_tensor(np.asarray(x, dtype="float32"))

    def objective():
        acts = probe(x, training=False)
        return ops.mean(keras.losses.sparse_categorical_crossentropy(y, acts[-1])), acts

    _, acts, grads = autodiff.value_and_grad(objective, [layer.kernel for layer in dense], probe)
    acts = [ops.convert_to_numpy(a) for a in acts]
    grads = [None if g is None else ops.convert_to_numpy(g) for g in grads]
    return {
        "layers": [layer.name for layer in dense],
        "activation_std": np.array([float(np.std(a)) for a in acts]),
        "gradient_std": np.array([float(np.std(g)) if g is not None else 0.0 for g in grads]),
    }


def plot_signal_statistics(stats: dict[str, dict], axes=None):
    """Two panels, activation std and gradient std per layer, one line per initialiser (log scale)."""
    if axes is None:
        _, axes = plt.subplots(1, 2, figsize=(9, 3.2))
    for i, (name, s) in enumerate(stats.items()):
        colour = f"C{i}"  # the book's colour-blind-safe cycle
        depth = np.arange(1, len(s["layers"]) + 1)
        for ax, key in zip(axes, ["activation_std", "gradient_std"]):
            # (numerically) zero values cannot be drawn on a log axis: leave gaps, say so in the legend
            values = np.where(s[key] > 1e-8, s[key], np.nan)
            label = name if np.isfinite(values).any() else f"{name} (std 0, not drawn)"
            ax.plot(depth, values, "o-", color=colour, label=label)
    for ax, title in zip(axes, ["forward: std of layer outputs", "backward: std of dL/dW"]):
        ax.set_yscale("log")
        ax.set_xlabel("Dense layer (1 = first)")
        ax.set_title(title)
    for ax in axes:
        ax.legend(fontsize=9)
    return axes
