"""Tests for deep_unsupervised.convolution: the lecture's formula against Keras and its worked example."""

import numpy as np
import pytest

import deep_unsupervised  # noqa: F401  (quiet TensorFlow first)
import keras
from deep_unsupervised.convolution import (LECTURE_IMAGE, LECTURE_KERNEL, LECTURE_OUTPUT, conv_layer,
                                           convolve2d, convolve2d_naive, max_pool2d, receptive_field)


def test_lecture_worked_example():
    np.testing.assert_array_equal(convolve2d(LECTURE_IMAGE, LECTURE_KERNEL), LECTURE_OUTPUT)


def test_vectorised_equals_double_sum():
    rng = np.random.default_rng(0)
    image, kernel = rng.normal(size=(9, 7)), rng.normal(size=(4, 3))
    np.testing.assert_allclose(convolve2d(image, kernel), convolve2d_naive(image, kernel), atol=1e-12)


def test_output_shape_is_valid_convolution():
    assert convolve2d(np.ones((10, 8)), np.ones((3, 5))).shape == (8, 4)
    assert convolve2d(np.ones((3, 3)), np.ones((3, 3))).shape == (1, 1)


def test_no_kernel_flip():
    # A kernel with a single 1 in its top-left corner copies the image's top-left (H-h+1)x(W-w+1) part;
    # a flipped (true) convolution would copy the bottom-right part instead.
    image = np.arange(25.0).reshape(5, 5)
    kernel = np.zeros((3, 3))
    kernel[0, 0] = 1
    np.testing.assert_array_equal(convolve2d(image, kernel), image[:3, :3])


def test_conv_layer_equals_keras_conv2d():
    rng = np.random.default_rng(1)
    images = rng.normal(size=(2, 8, 9, 3)).astype("float32")
    layer = keras.layers.Conv2D(4, (3, 2), padding="valid")
    expected = np.asarray(layer(images))
    kernel, bias = layer.get_weights()
    np.testing.assert_allclose(conv_layer(images, kernel, bias), expected, rtol=1e-4, atol=1e-5)


def test_max_pool_equals_keras():
    rng = np.random.default_rng(2)
    image = rng.normal(size=(7, 6)).astype("float32")
    expected = np.asarray(keras.layers.MaxPooling2D(2)(image[None, :, :, None]))[0, :, :, 0]
    np.testing.assert_array_equal(max_pool2d(image, 2), expected)


def test_receptive_field():
    assert receptive_field([(3, 1)]) == [3]
    assert receptive_field([(3, 1), (3, 1)]) == [3, 5]
    assert receptive_field([(3, 1), (2, 2), (3, 1), (2, 2)]) == [3, 4, 8, 10]


def test_numpy_scalars_are_valid_sizes():
    assert max_pool2d(np.ones((4, 4)), np.int64(2)).shape == (2, 2)
    assert receptive_field([(np.int64(3), np.int32(1))]) == [3]


def test_bad_inputs():
    for conv in (convolve2d, convolve2d_naive):
        with pytest.raises(ValueError, match=r"'kernel'.*fits inside the 3x3 image.*4x2"):
            conv(np.ones((3, 3)), np.ones((4, 2)))
        with pytest.raises(ValueError, match=r"'image'.*2 axes.*\(3, 3, 1\)"):
            conv(np.ones((3, 3, 1)), np.ones((2, 2)))
        with pytest.raises(ValueError, match="'kernel'.*2 axes"):
            conv(np.ones((3, 3)), np.ones(2))
        with pytest.raises(ValueError, match="'image'.*numbers"):
            conv(np.array([["a", "b"], ["c", "d"]]), np.ones((1, 1)))
        with pytest.raises(ValueError, match="'image'.*finite"):
            conv(np.full((3, 3), np.nan), np.ones((2, 2)))
    with pytest.raises(ValueError, match="'kernels'"):
        conv_layer(np.ones((1, 5, 5, 2)), np.ones((3, 3, 1, 4)))
    with pytest.raises(ValueError, match="'images'.*4 axes"):
        conv_layer(np.ones((5, 5, 2)), np.ones((3, 3, 2, 4)))
    with pytest.raises(ValueError, match="'biases'"):
        conv_layer(np.ones((1, 5, 5, 2)), np.ones((3, 3, 2, 4)), np.ones(3))
    with pytest.raises(ValueError, match="'kernel'.*fits"):
        conv_layer(np.ones((1, 2, 2, 1)), np.ones((3, 3, 1, 1)))
    with pytest.raises(ValueError, match="'size'.*1 <= size.*size=0"):
        max_pool2d(np.ones((4, 4)), 0)
    with pytest.raises(ValueError, match="'size'.*integer"):
        max_pool2d(np.ones((4, 4)), 2.0)
    with pytest.raises(ValueError, match="'size'.*fits inside"):
        max_pool2d(np.ones((2, 2)), 3)
    with pytest.raises(ValueError, match="'stride'"):
        receptive_field([(3, 0)])
    with pytest.raises(ValueError, match="'kernel_size'"):
        receptive_field([(-1, 1)])
    with pytest.raises(ValueError, match="'layers'"):
        receptive_field([3, 1])
