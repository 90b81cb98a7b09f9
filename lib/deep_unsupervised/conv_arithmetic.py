"""Padding, stride and output sizes of convolutions and transposed convolutions.

The arithmetic of Dumoulin and Visin (2016), "A guide to convolution arithmetic for deep
learning", in Keras's conventions (``padding="valid"`` or ``"same"``), and a transposed
convolution written in NumPy as the lecture's "deconvolution": every input pixel adds a scaled
copy of the kernel to the output. NumPy only; :func:`layer_output_size` reads a Keras layer's
settings but does not import Keras.
"""

from __future__ import annotations

import math

import numpy as np

from ._backend.validation import check_array, check_choice, check_int, described, invalid

PADDINGS = ("valid", "same")


def _sizes(n, kernel_size, stride):
    return (check_int("n", n, low=1), check_int("kernel_size", kernel_size, low=1),
            check_int("stride", stride, low=1))


def conv_output_size(n, kernel_size, stride=1, padding="valid") -> int:
    """Length of a convolution's (or pooling's) output along an input axis of length ``n``.

    ``"valid"`` evaluates the kernel only where it fits: ``floor((n - k) / s) + 1``. ``"same"``
    pads with zeros so that the output has ``ceil(n / s)`` entries (``n`` for stride 1).

    Example:
        >>> conv_output_size(28, 3), conv_output_size(28, 3, 2, "same")
        (26, 14)
    """
    n, k, s = _sizes(n, kernel_size, stride)
    padding = check_choice("padding", padding, PADDINGS)
    if padding == "same":
        return math.ceil(n / s)
    if k > n:
        raise invalid("kernel_size", f"a kernel no longer than the axis (n={n}) for valid padding",
                      k)
    return (n - k) // s + 1


def same_padding(n, kernel_size, stride=1) -> tuple[int, int]:
    """The zeros ``(before, after)`` that ``padding="same"`` adds along an axis of length ``n``.

    The total is what the ``ceil(n / s)`` outputs need, ``max((ceil(n/s) - 1) s + k - n, 0)``;
    when it is odd, TensorFlow puts the extra zero after the input.
    """
    n, k, s = _sizes(n, kernel_size, stride)
    total = max((math.ceil(n / s) - 1) * s + k - n, 0)
    return total // 2, total - total // 2


def transposed_output_size(n, kernel_size, stride=1, padding="valid") -> int:
    """Length of a transposed convolution's output along an input axis of length ``n``.

    ``"valid"``: the ``n`` kernel copies, ``s`` apart, cover ``(n - 1) s + k`` entries (Keras
    gives at least ``n s``). ``"same"``: ``n s``, the inverse of a stride-``s`` "same" convolution.
    """
    n, k, s = _sizes(n, kernel_size, stride)
    padding = check_choice("padding", padding, PADDINGS)
    return n * s if padding == "same" else n * s + max(k - s, 0)


def conv_transpose2d(image, kernel, stride=1, padding="valid") -> np.ndarray:
    """One-channel transposed convolution (no kernel flip), as in ``Conv2DTranspose``.

    Input pixel ``(x, y)`` adds ``image[x, y] * kernel`` to the output block that starts at
    ``(s x, s y)``. This is the transpose of the strided valid convolution's matrix. ``"same"``
    then crops the zeros that a "same" convolution of the output would have padded.

    Returns:
        An array of shape ``(transposed_output_size(H, h, s, padding), ...(W, w, s, padding))``.
    """
    image = check_array("image", image, ndim=2, dtype="float64")
    kernel = check_array("kernel", kernel, ndim=2, dtype="float64")
    s = check_int("stride", stride, low=1)
    padding = check_choice("padding", padding, PADDINGS)
    (H, W), (h, w) = image.shape, kernel.shape
    full = np.zeros((transposed_output_size(H, h, s), transposed_output_size(W, w, s)))
    for x in range(H):
        for y in range(W):
            full[s * x:s * x + h, s * y:s * y + w] += image[x, y] * kernel
    if padding == "valid":
        return full
    (top, _), (left, _) = same_padding(H * s, h, s), same_padding(W * s, w, s)
    return full[top:top + H * s, left:left + W * s]


def layer_output_size(layer, n: int) -> int:
    """Height (or width) after a Keras layer of the book's image models, from ``n`` before it.

    Handles ``Conv2D``, ``Conv2DTranspose``, ``MaxPooling2D``, ``ZeroPadding2D`` and
    ``Cropping2D`` along their first spatial axis; any other layer keeps ``n``.
    """
    n = check_int("n", n, low=1)
    kind, config = type(layer).__name__, layer.get_config()
    if kind == "Conv2D":
        return conv_output_size(n, config["kernel_size"][0], config["strides"][0],
                                config["padding"])
    if kind == "MaxPooling2D":
        return conv_output_size(n, config["pool_size"][0], config["strides"][0],
                                config["padding"])
    if kind == "Conv2DTranspose":
        if config.get("output_padding") is not None:
            raise invalid("layer", "a Conv2DTranspose without output_padding",
                          described(layer.name))
        return transposed_output_size(n, config["kernel_size"][0], config["strides"][0],
                                      config["padding"])
    if kind == "ZeroPadding2D":
        return n + sum(config["padding"][0])
    if kind == "Cropping2D":
        return n - sum(config["cropping"][0])
    return n
