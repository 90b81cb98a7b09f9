"""Tests for deep_unsupervised.vae: the KL in closed form vs Monte Carlo, gradients through sampling,
likelihoods vs Keras/NumPy, the training step pinned against a NumPy ELBO, the importance-weighted
bound, saving and loading, and bad inputs to every public entry point."""

import numpy as np
import pytest

import keras
from keras import ops

from deep_unsupervised import vae as V


def _binary(shape, seed=0, p=0.3):
    return (np.random.default_rng(seed).random(shape) < p).astype("float32")


def _small_vae(hidden=(16,), latent_dim=3, **kwargs):
    enc = V.dense_encoder(latent_dim=latent_dim, hidden=hidden)
    dec = V.dense_decoder(latent_dim=latent_dim, hidden=hidden)
    return V.VAE(enc, dec, **kwargs)


def _np_log_likelihood(x, decoded, likelihood):
    x, decoded = x.reshape(len(x), -1), decoded.reshape(len(x), -1)
    if likelihood == "bernoulli":
        p = np.clip(decoded, 1e-7, 1 - 1e-7)
        return np.sum(x * np.log(p) + (1 - x) * np.log(1 - p), axis=1)
    return -0.5 * np.sum(np.log(2 * np.pi) + (x - decoded) ** 2, axis=1)


def _np_kl(mean, log_var):
    return 0.5 * np.sum(mean ** 2 + np.exp(log_var) - 1 - log_var, axis=1)


# -- maths ----------------------------------------------------------------------------------------
def test_kl_closed_form_equals_monte_carlo():
    rng = np.random.default_rng(0)
    mean, log_var = np.array([[0.5, -1.2, 0.0]]), np.array([[-1.0, 0.4, 0.0]])
    sd = np.exp(0.5 * log_var)
    z = mean + sd * rng.standard_normal((400_000, 3))
    log_q = -0.5 * np.sum(np.log(2 * np.pi) + log_var + ((z - mean) / sd) ** 2, axis=1)
    log_p = -0.5 * np.sum(np.log(2 * np.pi) + z ** 2, axis=1)
    closed = float(V.kl_diag_gaussian(mean, log_var)[0])
    assert closed == pytest.approx(np.mean(log_q - log_p), abs=0.01)


@pytest.mark.backend
def test_sampling_moments_and_gradients():
    from deep_unsupervised import autodiff

    sampling = V.Sampling(seed=1)
    mean = keras.Variable(np.full((20_000, 1), 1.5, "float32"))
    log_var = keras.Variable(np.full((20_000, 1), np.log(0.25), "float32"))

    def objective():
        z = sampling([mean.value, log_var.value])
        return keras.ops.mean(keras.ops.square(z)), z

    _, z, (g_mean, g_log_var) = autodiff.value_and_grad(objective, [mean, log_var], sampling)
    z = keras.ops.convert_to_numpy(z)
    assert z.mean() == pytest.approx(1.5, abs=0.02)
    assert z.std() == pytest.approx(0.5, abs=0.02)  # sigma, not sigma^2 = 0.25
    # d E[z^2] / d mu = 2 mu, d E[z^2] / d log sigma^2 = sigma^2, spread over the batch
    assert float(keras.ops.sum(g_mean)) == pytest.approx(3.0, abs=0.05)
    assert float(keras.ops.sum(g_log_var)) == pytest.approx(0.25, abs=0.02)


def test_likelihoods_match_keras_and_numpy():
    rng = np.random.default_rng(0)
    x = (rng.random((4, 5, 5, 1)) > 0.5).astype("float32")
    p = rng.uniform(0.05, 0.95, (4, 5, 5, 1)).astype("float32")
    numpy = keras.ops.convert_to_numpy
    bce = numpy(keras.losses.binary_crossentropy(x.reshape(4, -1), p.reshape(4, -1))) * 25
    np.testing.assert_allclose(-numpy(V.bernoulli_log_likelihood(x, p)), bce, rtol=1e-4)
    np.testing.assert_allclose(numpy(V.gaussian_log_likelihood(x, p)),
                               _np_log_likelihood(x, p, "gaussian"), rtol=1e-5)


# -- the training step ----------------------------------------------------------------------------
@pytest.mark.backend
@pytest.mark.parametrize("likelihood, beta", [("bernoulli", 1.0), ("bernoulli", np.float32(2.0)),
                                              ("gaussian", 0.5)])
def test_loss_is_reconstruction_plus_beta_kl(likelihood, beta):
    """compute_loss against a NumPy ELBO: catches a dropped or sign-flipped KL, beta ignored,
    and the likelihood swapped (Bernoulli <-> Gaussian)."""
    keras.utils.set_random_seed(0)
    x = _binary((8, 28, 28, 1))
    vae = _small_vae(beta=beta, likelihood=likelihood, seed=0)
    vae.compile(optimizer="adam")
    outputs = vae(x)
    decoded, mean, log_var = (ops.convert_to_numpy(t) for t in outputs)
    expected = (-np.mean(_np_log_likelihood(x, decoded, likelihood))
                + float(beta) * np.mean(_np_kl(mean, log_var)))
    loss = float(vae.compute_loss(x=x, y_pred=outputs))
    assert loss == pytest.approx(expected, rel=1e-4)
    terms = vae.evaluate(x, batch_size=8, verbose=0, return_dict=True)
    assert terms["loss"] == pytest.approx(terms["reconstruction"] + float(beta) * terms["kl"],
                                          rel=1e-4)
    assert terms["kl"] == pytest.approx(np.mean(_np_kl(mean, log_var)), rel=1e-4)  # exact term


def test_evaluate_terms_match_the_numpy_elbo_over_uneven_batches():
    keras.utils.set_random_seed(1)
    x = _binary((10, 28, 28, 1), seed=1)
    vae = _small_vae(seed=0)
    vae.compile(optimizer="adam")
    mean, log_var = (ops.convert_to_numpy(t) for t in vae.encoder(x))
    terms = vae.evaluate(x, batch_size=4, verbose=0, return_dict=True)  # batches of 4, 4, 2
    assert terms["kl"] == pytest.approx(np.mean(_np_kl(mean, log_var)), rel=1e-4)
    assert terms["loss"] == pytest.approx(terms["reconstruction"] + terms["kl"], rel=1e-4)


@pytest.mark.parametrize("kind, shape", [("dense", (28, 28, 1)), ("conv", (32, 32, 1))])
def test_vae_trains_and_tracks_terms(kind, shape, eager):
    from deep_unsupervised._backend import training

    keras.utils.set_random_seed(0)
    x = _binary((64,) + shape)
    if kind == "dense":
        enc = V.dense_encoder(input_shape=shape, latent_dim=3, hidden=(16,))
        dec = V.dense_decoder(output_shape=shape, latent_dim=3, hidden=(16,))
    else:
        enc = V.conv_encoder(input_shape=shape, latent_dim=3, filters=(4, 8))
        dec = V.conv_decoder(output_shape=shape, latent_dim=3, filters=(8, 4))
    vae = V.VAE(enc, dec, beta=2.0)
    hist = training.fit(vae, x, epochs=3, batch_size=64, progress=False)
    assert set(hist.history) == {"loss", "reconstruction", "kl"}
    assert hist.history["loss"][-1] < hist.history["loss"][0]
    assert [tuple(t.shape) for t in vae(x[:2])] == [(2,) + shape, (2, 3), (2, 3)]


@pytest.mark.backend
def test_reparametrisation_lets_the_reconstruction_train_the_encoder():
    """With beta = 0 only the reconstruction term reaches the encoder, through the sampled code:
    a sample drawn outside the gradient path would leave both heads of the encoder unchanged."""
    keras.utils.set_random_seed(0)
    x = _binary((32, 28, 28, 1))
    vae = _small_vae(beta=0.0, seed=0)
    kernel = lambda name: keras.ops.convert_to_numpy(vae.encoder.get_layer(name).kernel)  # noqa
    before = {n: kernel(n).copy() for n in ("z_mean", "z_log_var")}
    vae.compile(optimizer=keras.optimizers.Adam(1e-2), run_eagerly=True)  # one step: no tracing
    vae.fit(x, epochs=1, batch_size=32, verbose=0)
    for name, value in before.items():
        assert np.max(np.abs(kernel(name) - value)) > 1e-4, name


def test_outputs_are_probabilities_not_samples():
    keras.utils.set_random_seed(0)
    vae = _small_vae(seed=0)
    decoded, mean, log_var = (ops.convert_to_numpy(t) for t in vae(_binary((16, 28, 28, 1))))
    assert np.mean((decoded > 0.01) & (decoded < 0.99)) > 0.9  # not Bernoulli draws in {0, 1}
    assert mean.shape == log_var.shape == (16, 3)


# -- evaluation -----------------------------------------------------------------------------------
def test_importance_weighted_bound_is_above_elbo():
    keras.utils.set_random_seed(0)
    x = _binary((16, 28, 28, 1), seed=1)
    vae = V.VAE(V.dense_encoder(hidden=(32,)), V.dense_decoder(hidden=(32,)))
    vae.compile(optimizer="adam")
    elbo_k1 = V.importance_weighted_log_likelihood(vae, x, k=1, seed=0)
    iw = V.importance_weighted_log_likelihood(vae, x, k=50, seed=0, batch_size=np.int64(5))
    elbo = -vae.evaluate(x, verbose=0, return_dict=True)["loss"]
    assert iw.shape == (16,)
    assert iw.mean() > elbo_k1.mean()
    assert elbo_k1.mean() == pytest.approx(elbo, abs=5.0)


def test_importance_weighted_bound_is_the_log_mean_of_the_weights_per_image(monkeypatch):
    """Given the log weights log w[i, n] (sample i, image n), the estimate of image n is
    log (1/k) sum_i w[i, n]: a mean over the k samples of the weights, not of their logs, and
    never over images; the same when the images come in several batches."""
    k, n = 7, 10
    log_w = np.random.default_rng(3).normal(-90.0, 4.0, size=(k, n))  # spread: the means differ
    drawn = []

    def fake_log_weights(vae, xb, k_, rng):
        start = sum(drawn)
        drawn.append(len(xb))
        return log_w[:k_, start:start + len(xb)]

    monkeypatch.setattr(V, "_log_weights", fake_log_weights)
    x = _binary((n, 28, 28, 1))
    iw = V.importance_weighted_log_likelihood(_small_vae(), x, k=k, batch_size=4)
    assert drawn == [4, 4, 2]
    top = log_w.max(axis=0)
    expected = top + np.log(np.exp(log_w - top).mean(axis=0))
    np.testing.assert_allclose(iw, expected, rtol=1e-12)
    assert np.all(iw > log_w.mean(axis=0) + 0.1)  # well above the mean log weight (the ELBO)


@pytest.mark.backend
def test_log_weights_match_numpy():
    """log w = log p(x|z) + log p(z) - log q(z|x) for one code per image, recomputed in NumPy."""
    keras.utils.set_random_seed(0)
    x = _binary((3, 28, 28, 1), seed=2)
    vae = _small_vae(seed=0)
    rng = np.random.default_rng(7)
    log_w = V._log_weights(vae, x, 1, rng)[0]
    eps = np.random.default_rng(7).standard_normal((1, 3, 3))[0].astype("float32")
    mean, log_var = (ops.convert_to_numpy(t) for t in vae.encoder(x))
    z = mean + np.exp(0.5 * log_var) * eps
    decoded = ops.convert_to_numpy(vae.decoder(z))
    log_q = -0.5 * np.sum(np.log(2 * np.pi) + log_var + eps ** 2, axis=1)
    log_p = -0.5 * np.sum(np.log(2 * np.pi) + z ** 2, axis=1)
    expected = _np_log_likelihood(x, decoded, "bernoulli") + log_p - log_q
    np.testing.assert_allclose(log_w, expected, rtol=1e-4)


# -- saving ---------------------------------------------------------------------------------------
def test_save_and_load_round_trip(tmp_path):
    keras.utils.set_random_seed(0)
    vae = _small_vae(hidden=(8,), beta=np.float32(3.0), likelihood="gaussian", seed=1)
    x = _binary((4, 28, 28, 1))
    vae.save(tmp_path / "vae.keras")
    loaded = keras.models.load_model(tmp_path / "vae.keras")
    assert isinstance(loaded, V.VAE) and isinstance(loaded.sampling, V.Sampling)
    assert (loaded.beta, loaded.likelihood, loaded.seed) == (3.0, "gaussian", 1)
    for a, b in zip(loaded.encoder(x), vae.encoder(x)):
        np.testing.assert_allclose(a, b, atol=1e-6)
    z = np.ones((2, 3), "float32")
    np.testing.assert_allclose(loaded.decoder(z), vae.decoder(z), atol=1e-6)
    layer = keras.layers.deserialize(keras.layers.serialize(V.Sampling(seed=5)))
    assert isinstance(layer, V.Sampling) and layer.seed == 5


# -- bad inputs -----------------------------------------------------------------------------------
def test_bad_inputs_to_the_model():
    enc, dec = V.dense_encoder(hidden=(8,)), V.dense_decoder(hidden=(8,))
    assert V.VAE(enc, dec, beta=np.float32(2.0)).beta == 2.0
    with pytest.raises(ValueError, match="'beta'.*beta=-1"):
        V.VAE(enc, dec, beta=-1)
    with pytest.raises(ValueError, match="'beta'.*finite"):
        V.VAE(enc, dec, beta=float("nan"))
    with pytest.raises(ValueError, match="'beta'"):
        V.VAE(enc, dec, beta="4")
    with pytest.raises(ValueError, match="'likelihood'.*'poisson'"):
        V.VAE(enc, dec, likelihood="poisson")
    with pytest.raises(ValueError, match="'seed'"):
        V.VAE(enc, dec, seed=-3)
    with pytest.raises(TypeError, match="'encoder'"):
        V.VAE("encoder", dec)
    with pytest.raises(TypeError, match="'decoder'"):
        V.VAE(enc, None)
    with pytest.raises(ValueError, match="'seed'"):
        V.Sampling(seed=1.5)


def test_bad_inputs_to_the_builders():
    with pytest.raises(ValueError, match="'input_shape'.*divisible by 4"):
        V.conv_encoder(input_shape=(30, 30, 1))
    with pytest.raises(ValueError, match="'output_shape'"):
        V.conv_decoder(output_shape=(28, 28))
    with pytest.raises(ValueError, match="'filters'"):
        V.conv_decoder(filters=())
    with pytest.raises(ValueError, match="'dense_units'"):
        V.conv_encoder(dense_units=0)
    with pytest.raises(ValueError, match="'kernel_size'"):
        V.conv_encoder(kernel_size=0)
    with pytest.raises(ValueError, match="'latent_dim'"):
        V.dense_encoder(latent_dim=0)
    with pytest.raises(ValueError, match="'latent_dim'"):
        V.dense_decoder(latent_dim=2.5)
    with pytest.raises(ValueError, match="'hidden'"):
        V.dense_decoder(hidden=(0,))
    with pytest.raises(ValueError, match="'input_shape'"):
        V.dense_encoder(input_shape=(28, -28, 1))
    assert V.dense_encoder(latent_dim=np.int64(4), hidden=(np.int64(8),)).outputs[0].shape[-1] == 4


def test_bad_inputs_to_the_bound():
    vae = _small_vae(hidden=(8,))
    x = np.zeros((2, 28, 28, 1))
    with pytest.raises(ValueError, match="'k'"):
        V.importance_weighted_log_likelihood(vae, x, k=0)
    with pytest.raises(ValueError, match="'batch_size'"):
        V.importance_weighted_log_likelihood(vae, x, batch_size=0)
    with pytest.raises(ValueError, match="'x'.*shape \\(2, 28, 28\\)"):
        V.importance_weighted_log_likelihood(vae, x[..., 0])
    with pytest.raises(ValueError, match="'x'.*shape \\(2, 32, 32, 1\\)"):
        V.importance_weighted_log_likelihood(vae, np.zeros((2, 32, 32, 1)))
    with pytest.raises(ValueError, match="'x'.*non-empty"):
        V.importance_weighted_log_likelihood(vae, np.zeros((0, 28, 28, 1)))
    with pytest.raises(ValueError, match="'x'.*\\[0, 1\\]"):
        V.importance_weighted_log_likelihood(vae, x + 2)
    with pytest.raises(TypeError, match="'vae'"):
        V.importance_weighted_log_likelihood(vae.encoder, x)


def test_bad_inputs_to_the_loss_terms():
    with pytest.raises(ValueError, match="'z_log_var'.*shape \\(2, 3\\)"):
        V.kl_diag_gaussian(np.zeros((2, 2)), np.zeros((2, 3)))
    with pytest.raises(ValueError, match="'probs'"):
        V.bernoulli_log_likelihood(np.zeros((2, 4)), np.full((2, 5), 0.5))
    with pytest.raises(ValueError, match="'mean'"):
        V.gaussian_log_likelihood(np.zeros((2, 4, 4, 1)), np.zeros((2, 4, 4)))
