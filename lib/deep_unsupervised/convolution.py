"""The convolution operator of the lecture, in NumPy: valid 2-D convolution, max-pooling, receptive fields.

Deep-learning "convolution" is, strictly, *cross-correlation*: the kernel is slid over the image
without being flipped. The lecture's formula (slide "The convolution operator") is

    (I * K)_{xy} = sum_{i=1}^{h} sum_{j=1}^{w} K_{ij} I_{x+i-1, y+j-1},

evaluated only where the kernel fits completely inside the image ("valid" padding), so an
(H, W) image and an (h, w) kernel give an (H - h + 1, W - w + 1) output. This is exactly what
``keras.layers.Conv2D(padding="valid")`` computes, one input and one output channel at a time.
"""

from __future__ import annotations

import numpy as np

from ._backend.validation import check_array, check_int, described, invalid

# The lecture's worked example (slides "Convolution example"): a 7x7 binary image of a diagonal
# stroke, the "X"-shaped 3x3 kernel, and the 5x5 result printed on the slide.
LECTURE_IMAGE = np.array([
    [0, 1, 1, 1, 0, 0, 0],
    [0, 0, 1, 1, 1, 0, 0],
    [0, 0, 0, 1, 1, 1, 0],
    [0, 0, 0, 1, 1, 0, 0],
    [0, 0, 1, 1, 0, 0, 0],
    [0, 1, 1, 0, 0, 0, 0],
    [1, 1, 0, 0, 0, 0, 0],
])
LECTURE_KERNEL = np.array([
    [1, 0, 1],
    [0, 1, 0],
    [1, 0, 1],
])
LECTURE_OUTPUT = np.array([
    [1, 4, 3, 4, 1],
    [1, 2, 4, 3, 3],
    [1, 2, 3, 4, 1],
    [1, 3, 3, 1, 1],
    [3, 3, 1, 1, 0],
])


def _as_matrix(a, name: str) -> np.ndarray:
    """``a`` as a 2-D array of numbers (its dtype kept), or the book's ValueError."""
    a = check_array(name, a, ndim=2, dtype=None)
    if not np.issubdtype(a.dtype, np.number):
        raise invalid(name, "an array of numbers", described(f"dtype {a.dtype}"))
    return a


def _check_fits(h: int, w: int, H: int, W: int) -> None:
    if h > H or w > W:
        raise invalid("kernel", f"a kernel that fits inside the {H}x{W} image (h <= H and "
                      "w <= W, valid convolution)", described(f"a {h}x{w} kernel"))


def convolve2d(image, kernel) -> np.ndarray:
    """Valid 2-D convolution without kernel flip, written as the lecture's double sum.

    Args:
        image: (H, W) array ``I``.
        kernel: (h, w) array ``K`` with h <= H and w <= W.

    Returns:
        (H - h + 1, W - w + 1) array whose entry (x, y) is ``sum_ij K[i, j] * I[x + i, y + j]``
        (0-based indices, so the lecture's ``x + i - 1`` becomes ``x + i``).

    Example:
        >>> convolve2d(np.eye(3), np.ones((2, 2)))
        array([[2., 1.],
               [1., 2.]])
    """
    image, kernel = _as_matrix(image, "image"), _as_matrix(kernel, "kernel")
    (H, W), (h, w) = image.shape, kernel.shape
    _check_fits(h, w, H, W)
    out = np.zeros((H - h + 1, W - w + 1), np.result_type(image, kernel, np.float64))
    # Loop over the kernel entries (h*w iterations), not the output pixels: each
    # step adds one shifted copy of the image, weighted by K[i, j]. Same sum.
    for i in range(h):
        for j in range(w):
            out += kernel[i, j] * image[i:i + H - h + 1, j:j + W - w + 1]
    return out


def convolve2d_naive(image, kernel) -> np.ndarray:
    """The same operator as :func:`convolve2d`, looping over output pixels exactly as on the slide.

    Slow; it exists to show (and test) that the vectorised version is the lecture's formula.
    """
    image, kernel = _as_matrix(image, "image"), _as_matrix(kernel, "kernel")
    (H, W), (h, w) = image.shape, kernel.shape
    _check_fits(h, w, H, W)
    out = np.zeros((H - h + 1, W - w + 1))
    for x in range(H - h + 1):
        for y in range(W - w + 1):
            out[x, y] = sum(kernel[i, j] * image[x + i, y + j] for i in range(h) for j in range(w))
    return out


def conv_layer(images, kernels, biases=None) -> np.ndarray:
    """A multi-channel convolutional layer (no activation) built from :func:`convolve2d`.

    Output channel ``c`` is ``b_c + sum_d convolve2d(images[n, :, :, d], kernels[:, :, d, c])``,
    the computation of ``keras.layers.Conv2D(padding="valid")``, whose kernel layout is used.

    Args:
        images: (N, H, W, D) batch, channels last.
        kernels: (h, w, D, C) kernel tensor.
        biases: optional (C,) vector.

    Returns:
        (N, H - h + 1, W - w + 1, C) array.
    """
    images = check_array("images", images, ndim=4, dtype=None)
    kernels = check_array("kernels", kernels, shape=(None, None, images.shape[3], None),
                          dtype=None)
    n, (h, w, d, c) = len(images), kernels.shape
    _check_fits(h, w, *images.shape[1:3])
    if biases is not None:
        biases = check_array("biases", biases, shape=(c,), dtype=None)
    out = np.stack([np.stack([sum(convolve2d(images[k, :, :, m], kernels[:, :, m, o]) for m in range(d))
                              for o in range(c)], axis=-1) for k in range(n)])
    if biases is not None:
        out = out + np.asarray(biases).reshape(1, 1, 1, c)
    return out


def max_pool2d(image, size: int = 2) -> np.ndarray:
    """Non-overlapping max-pooling of a 2-D array with a ``size`` x ``size`` window (stride = size).

    Rows/columns that do not fill a whole window are dropped, as in Keras' ``MaxPooling2D``
    with ``padding="valid"``.
    """
    image = _as_matrix(image, "image")
    size = check_int("size", size, low=1)
    H, W = image.shape
    if size > H or size > W:
        raise invalid("size", f"a window that fits inside the {H}x{W} image", size)
    h, w = H // size, W // size
    return image[:h * size, :w * size].reshape(h, size, w, size).max(axis=(1, 3))


def receptive_field(layers) -> list[int]:
    """Side length of the receptive field of one output unit after each layer of a stack.

    Args:
        layers: sequence of ``(kernel_size, stride)`` pairs, e.g. ``[(3, 1), (2, 2), (3, 1)]`` for
            conv 3x3, max-pool 2x2, conv 3x3.

    Returns:
        list with the receptive field (in input pixels) after each layer. A layer with kernel ``k``
        widens the field by ``(k - 1)`` times the product of all earlier strides.
    """
    field, jump, fields = 1, 1, []
    for layer in layers:
        if np.ndim(layer) != 1 or len(layer) != 2:
            raise invalid("layers", "(kernel_size, stride) pairs", layer)
        k = check_int("kernel_size", layer[0], low=1)
        s = check_int("stride", layer[1], low=1)
        field += (k - 1) * jump
        jump *= s
        fields.append(field)
    return fields
