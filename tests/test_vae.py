"""Tests for deep_unsupervised.vae: the KL in closed form vs Monte Carlo, gradients through sampling,
likelihoods vs Keras/NumPy, the training step, the importance-weighted bound, and bad inputs."""

import numpy as np
import pytest

import deep_unsupervised  # noqa: F401  (quiet TensorFlow first)
import keras
from keras import ops

from deep_unsupervised import vae as V


def test_kl_closed_form_equals_monte_carlo():
    rng = np.random.default_rng(0)
    mean, log_var = np.array([[0.5, -1.2, 0.0]]), np.array([[-1.0, 0.4, 0.0]])
    sd = np.exp(0.5 * log_var)
    z = mean + sd * rng.standard_normal((400_000, 3))
    log_q = -0.5 * np.sum(np.log(2 * np.pi) + log_var + ((z - mean) / sd) ** 2, axis=1)
    log_p = -0.5 * np.sum(np.log(2 * np.pi) + z ** 2, axis=1)
    closed = float(V.kl_diag_gaussian(ops.convert_to_tensor(mean), ops.convert_to_tensor(log_var))[0])
    assert closed == pytest.approx(np.mean(log_q - log_p), abs=0.01)


def test_sampling_moments_and_gradients():
    import tensorflow as tf

    mean = tf.Variable(np.full((20_000, 1), 1.5, "float32"))
    log_var = tf.Variable(np.full((20_000, 1), np.log(0.25), "float32"))
    with tf.GradientTape() as tape:
        z = V.Sampling(seed=1)([mean, log_var])
        loss = tf.reduce_mean(tf.square(z))
    z = z.numpy()
    assert z.mean() == pytest.approx(1.5, abs=0.02)
    assert z.std() == pytest.approx(0.5, abs=0.02)  # sigma, not sigma^2 = 0.25
    g_mean, g_log_var = tape.gradient(loss, [mean, log_var])
    # d E[z^2] / d mu = 2 mu, d E[z^2] / d log sigma^2 = sigma^2, spread over the batch
    assert float(tf.reduce_sum(g_mean)) == pytest.approx(3.0, abs=0.05)
    assert float(tf.reduce_sum(g_log_var)) == pytest.approx(0.25, abs=0.02)


def test_likelihoods_match_keras_and_numpy():
    rng = np.random.default_rng(0)
    x = (rng.random((4, 5, 5, 1)) > 0.5).astype("float32")
    p = rng.uniform(0.05, 0.95, (4, 5, 5, 1)).astype("float32")
    bce = keras.losses.binary_crossentropy(x.reshape(4, -1), p.reshape(4, -1)).numpy() * 25
    np.testing.assert_allclose(-V.bernoulli_log_likelihood(x, p).numpy(), bce, rtol=1e-4)
    gauss = -0.5 * np.sum(np.log(2 * np.pi) + (x - p) ** 2, axis=(1, 2, 3))
    np.testing.assert_allclose(V.gaussian_log_likelihood(x, p).numpy(), gauss, rtol=1e-5)


@pytest.mark.parametrize("kind, shape", [("dense", (28, 28, 1)), ("conv", (32, 32, 1))])
def test_vae_trains_and_tracks_terms(kind, shape):
    keras.utils.set_random_seed(0)
    x = (np.random.default_rng(0).random((64,) + shape) > 0.7).astype("float32")
    if kind == "dense":
        enc = V.dense_encoder(input_shape=shape, latent_dim=3, hidden=(16,))
        dec = V.dense_decoder(output_shape=shape, latent_dim=3, hidden=(16,))
    else:
        enc = V.conv_encoder(input_shape=shape, latent_dim=3, filters=(4, 8))
        dec = V.conv_decoder(output_shape=shape, latent_dim=3, filters=(8, 4))
    vae = V.VAE(enc, dec, beta=2.0)
    vae.compile(optimizer=keras.optimizers.Adam(1e-3))
    before = vae.evaluate(x, verbose=0, return_dict=True)
    assert before["loss"] == pytest.approx(before["reconstruction"] + 2.0 * before["kl"], rel=1e-4)
    hist = vae.fit(x, epochs=3, batch_size=64, verbose=0)
    assert set(hist.history) == {"loss", "reconstruction", "kl"}
    assert hist.history["loss"][-1] < hist.history["loss"][0]
    assert vae(x[:2]).shape == (2,) + shape


def test_importance_weighted_bound_is_above_elbo():
    keras.utils.set_random_seed(0)
    x = (np.random.default_rng(1).random((16, 28, 28, 1)) > 0.7).astype("float32")
    vae = V.VAE(V.dense_encoder(hidden=(32,)), V.dense_decoder(hidden=(32,)))
    vae.compile(optimizer="adam")
    elbo_k1 = V.importance_weighted_log_likelihood(vae, x, k=1, seed=0)
    iw = V.importance_weighted_log_likelihood(vae, x, k=50, seed=0)
    elbo = -vae.evaluate(x, verbose=0, return_dict=True)["loss"]
    assert iw.shape == (16,)
    assert iw.mean() > elbo_k1.mean()
    assert elbo_k1.mean() == pytest.approx(elbo, abs=5.0)


def test_save_and_load_keeps_beta_and_weights(tmp_path):
    vae = V.VAE(V.dense_encoder(hidden=(8,)), V.dense_decoder(hidden=(8,)), beta=3.0, seed=1)
    x = np.zeros((2, 28, 28, 1), "float32")
    vae.save(tmp_path / "vae.keras")
    loaded = keras.models.load_model(tmp_path / "vae.keras")
    assert isinstance(loaded, V.VAE) and loaded.beta == 3.0
    np.testing.assert_allclose(loaded.encoder(x)[0], vae.encoder(x)[0], atol=1e-6)


def test_bad_inputs():
    enc, dec = V.dense_encoder(hidden=(8,)), V.dense_decoder(hidden=(8,))
    with pytest.raises(ValueError, match="'beta'.*beta=-1"):
        V.VAE(enc, dec, beta=-1)
    with pytest.raises(ValueError, match="'likelihood'.*'poisson'"):
        V.VAE(enc, dec, likelihood="poisson")
    with pytest.raises(ValueError, match="'input_shape'.*divisible by 4"):
        V.conv_encoder(input_shape=(30, 30, 1))
    with pytest.raises(ValueError, match="'output_shape'"):
        V.conv_decoder(output_shape=(28, 28))
    with pytest.raises(ValueError, match="'latent_dim'"):
        V.dense_encoder(latent_dim=0)
    with pytest.raises(ValueError, match="'k'"):
        V.importance_weighted_log_likelihood(V.VAE(enc, dec), np.zeros((2, 28, 28, 1)), k=0)
