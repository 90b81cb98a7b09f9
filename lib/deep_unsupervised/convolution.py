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
    a = np.asarray(a)
    if a.ndim != 2:
        raise ValueError(f"Invalid value for argument '{name}': expected a 2-D array, "
                         f"received an array of shape {a.shape}")
    if not np.issubdtype(a.dtype, np.number):
        raise ValueError(f"Invalid value for argument '{name}': expected numbers, received dtype {a.dtype}")
    return a


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
    if h > H or w > W:
        raise ValueError(f"Invalid value for argument 'kernel': a {h}x{w} kernel does not fit "
                         f"inside a {H}x{W} image (valid convolution needs h <= H and w <= W)")
    out = np.zeros((H - h + 1, W - w + 1), dtype=np.result_type(image, kernel, np.float64))
    # Loop over the kernel entries (h*w iterations) rather than the output pixels: each step adds
    # one shifted copy of the image, weighted by K[i, j]. Same sum, far fewer Python iterations.
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
    if h > H or w > W:
        raise ValueError(f"Invalid value for argument 'kernel': a {h}x{w} kernel does not fit "
                         f"inside a {H}x{W} image")
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
    images, kernels = np.asarray(images), np.asarray(kernels)
    if images.ndim != 4:
        raise ValueError(f"Invalid value for argument 'images': expected shape (N, H, W, D), "
                         f"received shape {images.shape}")
    if kernels.ndim != 4 or kernels.shape[2] != images.shape[3]:
        raise ValueError(f"Invalid value for argument 'kernels': expected shape (h, w, {images.shape[3]}, C), "
                         f"received shape {kernels.shape}")
    n, (h, w, d, c) = len(images), kernels.shape
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
    if not isinstance(size, (int, np.integer)) or size < 1:
        raise ValueError(f"Invalid value for argument 'size': expected a positive integer, received size={size!r}")
    H, W = image.shape
    if size > H or size > W:
        raise ValueError(f"Invalid value for argument 'size': a {size}x{size} window does not fit "
                         f"inside a {H}x{W} image")
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
    for k, s in layers:
        if k < 1 or s < 1:
            raise ValueError(f"Invalid layer {(k, s)}: kernel size and stride must be positive")
        field += (k - 1) * jump
        jump *= s
        fields.append(field)
    return fields
