"""Tests for deep_unsupervised.denoising: the lecture's architecture, curve geometry, bad inputs."""

import deep_unsupervised as du  # noqa: F401
import keras
import numpy as np
import pytest

from deep_unsupervised import denoising as D


def test_lecture_architecture_shapes_and_parameter_count():
    model = D.conv_denoising_autoencoder()
    assert isinstance(model.get_layer("corrupt"), keras.layers.GaussianNoise)
    assert model.get_layer("corrupt").stddev == 0.5
    assert D.encoder_of(model).output.shape[1:] == (7, 7, 32)
    # conv 1→32, conv 32→32, deconv 32→32, deconv 32→1, all 3×3 with biases
    expected = (9 * 1 * 32 + 32) + 2 * (9 * 32 * 32 + 32) + (9 * 32 * 1 + 1)
    assert model.count_params() == expected
    assert model.output.shape[1:] == (28, 28, 1)


def test_noise_only_in_training_and_zero_noise_is_plain():
    x = np.random.default_rng(0).random((3, 28, 28, 1)).astype(np.float32)
    dae = D.conv_denoising_autoencoder(0.5)
    plain = D.conv_denoising_autoencoder(0.0)
    assert not np.allclose(dae(x, training=True), dae(x, training=False))
    np.testing.assert_allclose(plain(x, training=True), plain(x, training=False), atol=1e-6)


def test_other_corruptions_build():
    model = D.conv_denoising_autoencoder(0.3, corruption="masking", input_shape=(16, 16, 1), filters=4)
    assert model.output.shape[1:] == (16, 16, 1)


def test_reconstruction_field_is_r_minus_x():
    model = D.denoising_mlp(hidden=(8,))
    X, Y, U, V = D.reconstruction_field(model, (-1, 1), (-2, 2), n=5)
    assert X.shape == U.shape == (5, 5)
    point = np.array([[X[1, 3], Y[1, 3]]], np.float32)
    np.testing.assert_allclose(model.predict(point, verbose=0)[0] - point[0], [U[1, 3], V[1, 3]],
                               atol=1e-5)


def test_bad_arguments():
    with pytest.raises(ValueError, match="stddev"):
        D.conv_denoising_autoencoder(noise_stddev=2.0)
    with pytest.raises(ValueError, match="input_shape"):
        D.conv_denoising_autoencoder(input_shape=(30, 30, 1))
    with pytest.raises(ValueError, match="corruption"):
        D.conv_denoising_autoencoder(corruption="blur")
    with pytest.raises(ValueError, match="filters"):
        D.conv_denoising_autoencoder(filters=0)
    with pytest.raises(ValueError, match="code_layer"):
        D.encoder_of(D.conv_denoising_autoencoder(), code_layer="z")
    with pytest.raises(ValueError, match="hidden"):
        D.denoising_mlp(hidden=(0,))


def test_optimal_denoiser_closed_forms():
    # one data point: the posterior mean is that point, whatever the noisy input
    np.testing.assert_allclose(D.optimal_denoiser(np.random.rand(5, 2), [[1.0, 2.0]], 0.3),
                               np.tile([1.0, 2.0], (5, 1)))
    # two points ±1 on a line: E[x | x̃] = tanh(x̃ / σ²), and Tweedie's x̃ + σ² d/dx̃ log p_σ(x̃)
    s, x = 0.5, np.linspace(-2, 2, 9)[:, None]
    expected = np.tanh(x / s ** 2)
    np.testing.assert_allclose(D.optimal_denoiser(x, [[-1.0], [1.0]], s), expected, atol=1e-12)
    log_p = lambda v: np.logaddexp(-(v - 1) ** 2 / (2 * s ** 2), -(v + 1) ** 2 / (2 * s ** 2))
    tweedie = x + s ** 2 * (log_p(x + 1e-5) - log_p(x - 1e-5)) / 2e-5
    np.testing.assert_allclose(expected, tweedie, atol=1e-6)
    with pytest.raises(ValueError, match="noise_stddev"):
        D.optimal_denoiser(x, [[0.0]], 0.0)
