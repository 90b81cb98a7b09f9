"""Tests for deep_unsupervised.conv_arithmetic: every size and the NumPy transposed convolution
against the shapes and values Keras computes."""

import numpy as np
import pytest

import deep_unsupervised  # noqa: F401  (quiet TensorFlow first)
import keras
from deep_unsupervised import autoencoders, classifiers
from deep_unsupervised.conv_arithmetic import (conv_output_size, conv_transpose2d,
                                               layer_output_size, same_padding,
                                               transposed_output_size)
from deep_unsupervised.convolution import convolve2d

CASES = [(n, k, s) for n in (5, 7, 8, 28) for k in (1, 2, 3, 4) for s in (1, 2, 3)]


@pytest.mark.parametrize("padding", ["valid", "same"])
def test_conv_sizes_match_keras(padding):
    for n, k, s in CASES:
        layer = keras.layers.Conv2D(1, k, strides=s, padding=padding)
        shape = layer.compute_output_shape((1, n, n + 1, 1))
        assert shape[1] == conv_output_size(n, k, s, padding), (n, k, s)
        assert shape[2] == conv_output_size(n + 1, k, s, padding), (n, k, s)


@pytest.mark.parametrize("padding", ["valid", "same"])
def test_transposed_sizes_and_values_match_keras(padding):
    rng = np.random.default_rng(0)
    for n, k, s in [(3, 3, 2), (4, 3, 2), (3, 2, 2), (5, 1, 3), (2, 4, 3), (4, 3, 1)]:
        image, kernel = rng.normal(size=(n, n + 1)), rng.normal(size=(k, k))
        layer = keras.layers.Conv2DTranspose(1, k, strides=s, padding=padding, use_bias=False)
        layer.build((1, n, n + 1, 1))
        layer.set_weights([kernel[:, :, None, None].astype("float32")])
        by_keras = np.asarray(layer(image[None, :, :, None].astype("float32")))[0, :, :, 0]
        ours = conv_transpose2d(image, kernel, s, padding)
        assert ours.shape == (transposed_output_size(n, k, s, padding),
                              transposed_output_size(n + 1, k, s, padding))
        np.testing.assert_allclose(ours, by_keras, atol=1e-5, err_msg=str((n, k, s, padding)))


def test_same_padding_reproduces_keras_same_convolution():
    rng = np.random.default_rng(1)
    for n, k, s in [(7, 3, 1), (8, 3, 2), (8, 4, 2), (9, 2, 3)]:
        image, kernel = rng.normal(size=(n, n)), rng.normal(size=(k, k))
        before, after = same_padding(n, k, s)
        ours = convolve2d(np.pad(image, (before, after)), kernel)[::s, ::s]
        by_keras = keras.ops.conv(image[None, :, :, None], kernel[:, :, None, None],
                                  strides=s, padding="same")
        np.testing.assert_allclose(ours, np.asarray(by_keras)[0, :, :, 0], atol=1e-5)


def test_transposed_convolution_is_the_adjoint_of_the_strided_convolution():
    rng = np.random.default_rng(2)
    x, y, kernel = rng.normal(size=(9, 9)), rng.normal(size=(4, 4)), rng.normal(size=(3, 3))
    conv_x = convolve2d(x, kernel)[::2, ::2]  # (4, 4)
    assert np.isclose(np.sum(conv_x * y), np.sum(x * conv_transpose2d(y, kernel, 2)))


def test_layer_output_size_follows_the_book_models():
    autoencoder = autoencoders.conv_autoencoder()
    for model in (classifiers.small_cnn(), autoencoder.encoder, autoencoder.decoder):
        n = model.input.shape[1]
        for layer in model.layers[1:]:
            n = layer_output_size(layer, n)
            if len(layer.output.shape) == 4:
                assert layer.output.shape[1] == n, layer.name


def test_bad_arguments_are_named():
    with pytest.raises(ValueError, match="padding"):
        conv_output_size(28, 3, padding="full")
    with pytest.raises(ValueError, match="kernel_size"):
        conv_output_size(2, 3)
    with pytest.raises(ValueError, match="stride"):
        transposed_output_size(4, 3, stride=0)
