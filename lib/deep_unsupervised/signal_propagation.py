"""Variance propagation: how much a Dense layer scales the signals that pass through it.

A Dense layer with ``n`` inputs and independent zero-mean weights of variance ``Var w`` multiplies
the mean square of the signal it passes by ``n · Var w`` (Glorot & Bengio, 2010; He et al., 2015;
Prince, *Understanding Deep Learning*, 2023, §7.5). The activation multiplies it once more: going
forwards, ReLU keeps half of a symmetric input's mean square; going backwards, every error is
multiplied by the activation's slope. The *gain* of a layer, the factor by which it scales a
signal's root mean square, is therefore

    gain = sqrt(n · Var w) · (root mean square of the activation's factor),

``sqrt(n · Var w / 2)`` forwards through ReLU, and ``sqrt(n · Var w) · rms(slope)`` backwards, with
a sigmoid's slope ``h (1 - h)`` at most 1/4. The functions below compute these gains for a
network of Dense layers (``classifiers.mlp``), from its weights and the slopes it has on a batch.
"""

from __future__ import annotations

import keras
import numpy as np

from ._backend.validation import check_float, check_int, described, invalid

SLOPES = {  # an activation's slope, written in terms of its output h
    "relu": lambda h: (h > 0).astype(float),
    "sigmoid": lambda h: h * (1 - h),
    "tanh": lambda h: 1 - h ** 2,
    "linear": lambda h: np.ones_like(h),
}


def forward_gain(fan_in, weight_variance, activation: str = "linear") -> float:
    """Factor by which a Dense layer scales the root mean square of its input going forwards.

    ``sqrt(fan_in · weight_variance)``, times ``sqrt(1/2)`` for ReLU, which zeroes half of a
    symmetric pre-activation. He's variance ``2 / fan_in`` makes the ReLU gain exactly 1.
    """
    fan_in = check_int("fan_in", fan_in, low=1)
    weight_variance = check_float("weight_variance", weight_variance, low=0)
    if activation not in ("relu", "linear"):
        raise invalid("activation", "'relu' or 'linear' (a sigmoid's output is bounded, so its "
                      "forward gain has no closed form)", activation)
    half = 0.5 if activation == "relu" else 1.0
    return float(np.sqrt(fan_in * weight_variance * half))


def _dense_layers(model) -> list:
    if not isinstance(model, keras.Model):
        raise invalid("model", "a Keras model", described(type(model).__name__))
    dense = [layer for layer in model.layers if isinstance(layer, keras.layers.Dense)]
    if len(dense) < 2:
        raise invalid("model", "a model with at least two Dense layers",
                      described(f"'{model.name}' has {len(dense)}"))
    return dense


def backward_gains(model, x) -> dict[str, np.ndarray]:
    """Backward gains of a Dense network's hidden layers, from its weights and slopes on ``x``.

    The error reaching hidden layer ``l`` is the next layer's error sent back through
    ``W_{l+1}`` and multiplied by the slope of layer ``l``. If weights, slopes and errors are
    independent, its root mean square shrinks or grows by
    ``sqrt(n_{l+1} · Var W_{l+1}) · rms(slope_l)``, where ``n_{l+1}`` is the number of units of
    layer ``l + 1``.

    Args:
        model: a network of Dense layers (the last one is the output layer).
        x: a batch of inputs.

    Returns:
        dict with one entry per hidden layer but the last: ``weight_scale``
        (``sqrt(n_{l+1} · Var W_{l+1})``), ``slope_rms`` (rms of the activation's slope on ``x``)
        and ``gain`` (their product).
    """
    from .inspection import layer_outputs

    dense = _dense_layers(model)
    hidden = dense[:-1]
    for layer in hidden:
        name = layer.activation.__name__
        if name not in SLOPES:
            raise invalid("model", f"hidden activations from {sorted(SLOPES)}",
                          described(f"'{layer.name}' uses {name}"))
    outputs = layer_outputs(model, x, [layer.name for layer in hidden])
    slope_rms = np.array([np.sqrt(np.mean(SLOPES[layer.activation.__name__](h) ** 2))
                          for layer, h in zip(hidden, outputs.values())])[:-1]
    scale = np.array([np.sqrt(layer.kernel.shape[1] * np.var(np.asarray(layer.kernel)))
                      for layer in dense[1:-1]])
    return {"weight_scale": scale, "slope_rms": slope_rms, "gain": scale * slope_rms}


def predicted_gradient_ratio(model, x) -> float:
    """Predicted std of dL/dW of the first hidden layer over that of the deepest hidden layer.

    A weight gradient is the product of the layer's input and the error at its output, so the
    ratio is ``rms(x) / rms(input of the deepest layer)`` times the product of the
    :func:`backward_gains` from the deepest hidden layer back to the first.
    """
    from .inspection import layer_outputs

    dense = _dense_layers(model)
    x = np.asarray(x, dtype=float)
    deepest_input = layer_outputs(model, x, [dense[-3].name])[dense[-3].name]
    inputs_rms = np.sqrt(np.mean(x ** 2)) / np.sqrt(np.mean(deepest_input ** 2))
    return float(inputs_rms * np.prod(backward_gains(model, x)["gain"]))
