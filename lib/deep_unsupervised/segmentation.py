"""Encoder–decoder segmentation: generated "cell" scenes, a small SegNet and intersection over union.

    make_scenes      grey images of elliptical "cells" on an unevenly lit, noisy background with
                     bright thin "fibres" as distractors, and the cells' binary masks
    MaxUnpooling2D   SegNet's upsampling: each value goes back to the position where the encoder's
                     2×2 max-pooling found its maximum (the "pooling indices")
    segnet           a two-stage SegNet-style encoder–decoder (Badrinarayanan et al., 2017)
    iou              intersection over union of predicted and true masks
"""

from __future__ import annotations

import keras
import numpy as np
from keras import ops

from ._backend.validation import check_array, check_float, check_int, check_ints, check_shape, invalid


# -- data -----------------------------------------------------------------------------------------
def _ellipse(size, rng):
    yy, xx = np.mgrid[:size, :size]
    cy, cx = rng.uniform(3, size - 3, 2)
    ry, rx = rng.uniform(size / 14, size / 6, 2)
    angle = rng.uniform(0, np.pi)
    dy, dx = yy - cy, xx - cx
    u = (dx * np.cos(angle) + dy * np.sin(angle)) / rx
    v = (-dx * np.sin(angle) + dy * np.cos(angle)) / ry
    return u ** 2 + v ** 2 <= 1


def _line(size, rng):
    yy, xx = np.mgrid[:size, :size]
    angle = rng.uniform(0, np.pi)
    offset = rng.uniform(-size / 3, size / 3)
    d = (xx - size / 2) * np.sin(angle) - (yy - size / 2) * np.cos(angle) - offset
    return np.abs(d) < 0.6


def make_scenes(n: int, size: int = 32, max_cells: int = 4, noise: float = 0.12,
                max_fibres: int = 2, seed: int = 0):
    """Generate ``n`` scenes of "cells" with their segmentation masks.

    Each scene has 1–``max_cells`` ellipses of random size, orientation and brightness (the cells,
    mask 1), 0–``max_fibres`` one-pixel-wide bright lines (distractors, mask 0), a random linear
    illumination gradient and Gaussian pixel noise of standard deviation ``noise``. A single
    brightness threshold cannot separate cells from the bright side of the background and
    the fibres; a segmentation network has to use shape and context.

    Returns:
        (images, masks): float32 arrays of shape (n, size, size, 1); images in [0, 1], masks in {0, 1}.
    """
    n, size = check_int("n", n, low=1), check_int("size", size, low=8)
    max_cells = check_int("max_cells", max_cells, low=1)
    max_fibres = check_int("max_fibres", max_fibres, low=0)
    noise = check_float("noise", noise, low=0, high=1)
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[:size, :size] / (size - 1) - 0.5
    images = np.empty((n, size, size), np.float32)
    masks = np.zeros((n, size, size), np.float32)
    for i in range(n):
        angle, slope = rng.uniform(0, 2 * np.pi), rng.uniform(0, 0.35)
        image = 0.3 + slope * (np.cos(angle) * xx + np.sin(angle) * yy)
        for _ in range(rng.integers(1, max_cells + 1)):
            cell = _ellipse(size, rng)
            image[cell] = rng.uniform(0.45, 0.75)
            masks[i][cell] = 1
        for _ in range(rng.integers(0, max_fibres + 1)):
            fibre = _line(size, rng) & (masks[i] == 0)
            image[fibre] = rng.uniform(0.6, 0.85)
        images[i] = image + noise * rng.standard_normal((size, size))
    return np.clip(images, 0, 1)[..., None], masks[..., None]


# -- SegNet ---------------------------------------------------------------------------------------
def _blocks(t):
    """(B, H, W, C) → (B, H/2, W/2, 4, C): the four entries of every 2×2 pooling window."""
    h, w, c = t.shape[1], t.shape[2], t.shape[3]
    t = ops.reshape(t, (-1, h // 2, 2, w // 2, 2, c))
    t = ops.transpose(t, (0, 1, 3, 2, 4, 5))
    return ops.reshape(t, (-1, h // 2, w // 2, 4, c))


def _unblocks(t, h, w, c):
    t = ops.reshape(t, (-1, h // 2, w // 2, 2, 2, c))
    t = ops.transpose(t, (0, 1, 3, 2, 4, 5))
    return ops.reshape(t, (-1, h, w, c))


@keras.saving.register_keras_serializable(package="deep_unsupervised")
class MaxUnpooling2D(keras.layers.Layer):
    """Max-unpooling with the encoder's pooling indices (2×2 windows), written with ``keras.ops``.

    Called on ``[x, pooled_from]``: ``pooled_from`` (B, H, W, C) is the encoder feature map that
    was max-pooled, ``x`` (B, H/2, W/2, C) the decoder feature map to upsample. Each value of ``x``
    goes to the position of its window's maximum in ``pooled_from`` (the first one, in row-major
    order, when several tie); the other three positions are 0. Recomputing the argmax here stores
    the same information as SegNet's saved indices, without a backend-specific op.
    """

    def call(self, inputs):
        x, pooled_from = inputs
        h, w, c = pooled_from.shape[1], pooled_from.shape[2], pooled_from.shape[3]
        windows = _blocks(pooled_from)
        is_max = ops.cast(windows == ops.max(windows, axis=3, keepdims=True), x.dtype)
        first = is_max * ops.cast(ops.cumsum(is_max, axis=3) == 1, x.dtype)
        return _unblocks(first * ops.expand_dims(x, 3), h, w, c)

    def compute_output_shape(self, input_shapes):
        return input_shapes[1]


def _conv_bn_relu(h, filters, name):
    h = keras.layers.Conv2D(filters, 3, padding="same", use_bias=False, name=f"{name}_conv")(h)
    h = keras.layers.BatchNormalization(momentum=0.9, name=f"{name}_bn")(h)
    return keras.layers.Activation("relu", name=f"{name}_relu")(h)


def segnet(input_shape=(32, 32, 1), filters=(16, 32), name: str = "segnet") -> keras.Model:
    """A small SegNet (Badrinarayanan et al., 2017), uncompiled.

    Per encoder stage: conv-BN-ReLU, then 2×2 max-pooling. Per decoder stage, mirrored:
    max-unpooling with that stage's pooling indices, then conv-BN-ReLU. A sigmoid 1×1
    convolution gives the probability that each pixel belongs to the foreground; train it with
    binary cross-entropy against the masks.
    """
    shape = check_shape("input_shape", input_shape, ndim=3)
    filters = check_ints("filters", filters, low=1, min_len=1)
    if shape[0] % 2 ** len(filters) or shape[1] % 2 ** len(filters):
        raise invalid("input_shape", f"height and width multiples of {2 ** len(filters)} for "
                      f"{len(filters)} poolings", shape)
    x = keras.Input(shape=shape, name="image")
    h, skips = x, []
    for i, f in enumerate(filters):
        h = _conv_bn_relu(h, f, f"enc_{i + 1}")
        skips.append(h)
        h = keras.layers.MaxPooling2D(2, name=f"pool_{i + 1}")(h)
    for i in reversed(range(len(filters))):
        h = MaxUnpooling2D(name=f"unpool_{i + 1}")([h, skips[i]])
        # the convolution densifies the sparse unpooled map and sets the channels of the next stage
        h = _conv_bn_relu(h, filters[max(i - 1, 0)], f"dec_{i + 1}")
    y = keras.layers.Conv2D(1, 1, activation="sigmoid", name="mask")(h)
    return keras.Model(x, y, name=name)


# -- metric ---------------------------------------------------------------------------------------
def iou(masks_true, masks_pred, threshold: float = 0.5, per_image: bool = False):
    """Intersection over union |A ∩ B| / |A ∪ B| of true masks and thresholded predictions.

    Args:
        masks_true: binary masks, any shape (N, ...).
        masks_pred: probabilities or binary masks of the same shape; pixels > ``threshold`` count.
        per_image: return one IoU per image (an image where both masks are empty scores 1)
            instead of the IoU of all pixels pooled.
    """
    t = check_array("masks_true", masks_true, dtype=None) > 0.5
    p = check_array("masks_pred", masks_pred, shape=t.shape, dtype=None) > check_float(
        "threshold", threshold)
    if not per_image:
        union = np.sum(t | p)
        return float(np.sum(t & p) / union) if union else 1.0
    axes = tuple(range(1, t.ndim))
    inter, union = np.sum(t & p, axis=axes), np.sum(t | p, axis=axes)
    return np.where(union > 0, inter / np.maximum(union, 1), 1.0)
