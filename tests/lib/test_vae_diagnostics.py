"""Tests for deep_unsupervised.vae_diagnostics: gradient estimators against finite differences and
against each other, the per-image posterior fit against the encoder's ELBO, code activity against
a constant code element, and bad inputs."""

import numpy as np
import pytest

from deep_unsupervised import vae as V
from deep_unsupervised import vae_diagnostics as vd


def _small_vae(latent_dim=2, seed=0):
    import keras

    keras.utils.set_random_seed(seed)
    enc = V.dense_encoder(input_shape=(4, 4, 1), latent_dim=latent_dim, hidden=(8,))
    dec = V.dense_decoder(output_shape=(4, 4, 1), latent_dim=latent_dim, hidden=(8,))
    return V.VAE(enc, dec, seed=seed)


def _images(n=6, seed=0):
    return (np.random.default_rng(seed).random((n, 4, 4, 1)) < 0.4).astype("float32")


def test_reparametrised_gradient_matches_finite_differences():
    model, x = _small_vae(), _images(3)
    z = np.random.default_rng(1).normal(size=(3, 2))
    _, grad = vd._log_px_and_grad(model, x, z)
    h = 1e-2
    for j in range(2):
        step = np.zeros_like(z)
        step[:, j] = h
        up, _ = vd._log_px_and_grad(model, x, z + step)
        down, _ = vd._log_px_and_grad(model, x, z - step)
        np.testing.assert_allclose(grad[:, j], (up - down) / (2 * h), rtol=0.05, atol=0.02)


def test_three_estimators_share_their_mean():
    model, x = _small_vae(), _images(2)
    g = vd.code_gradient_samples(model, x, n_samples=4000, seed=0)
    assert set(g) == {"reparametrised", "score", "score_baseline"}
    rep = g["reparametrised"]
    assert rep.shape == (4000, 2, 2)
    for name in ("score", "score_baseline"):
        diff = g[name].mean(0) - rep.mean(0)
        se = np.sqrt(g[name].var(0) / 4000 + rep.var(0) / 4000)
        assert np.all(np.abs(diff) < 5 * se + 1e-6), (name, diff, se)
    # the baseline removes variance, and reparametrisation has the least
    assert np.all(g["score_baseline"].var(0) < g["score"].var(0))
    assert np.median(rep.var(0)) < np.median(g["score_baseline"].var(0))


def test_fit_posteriors_raises_the_elbo_from_the_encoders():
    model, x = _small_vae(), _images(8)
    mu, log_var = vd.encode(model, x)
    before = vd.elbo(model, x, mu, log_var, n_samples=400, seed=3)
    mu2, log_var2 = vd.fit_posteriors(model, x, steps=150, n_samples=8, learning_rate=0.05)
    after = vd.elbo(model, x, mu2, log_var2, n_samples=400, seed=3)
    assert mu2.shape == mu.shape and log_var2.shape == log_var.shape
    assert after.mean() > before.mean() + 0.1, (before.mean(), after.mean())


def test_elbo_with_many_samples_matches_the_models_loss():
    model, x = _small_vae(), _images(16)
    mu, log_var = vd.encode(model, x)
    estimate = vd.elbo(model, x, mu, log_var, n_samples=2000, seed=0).mean()
    model.compile()
    # the model's loss averaged over 50 noise draws: the 16 images 50 times, a batch per draw
    loss = model.evaluate(np.tile(x, (50, 1, 1, 1)), batch_size=16, verbose=0,
                          return_dict=True)["loss"]
    assert abs(-estimate - loss) < 0.5, (estimate, loss)


def test_active_units_zero_for_a_constant_code_element():
    model, x = _small_vae(latent_dim=3), _images(20)
    head = model.encoder.get_layer("z_mean")
    kernel, bias = head.get_weights()
    kernel[:, 1] = 0.0
    head.set_weights([kernel, bias])
    activity = vd.active_units(model, x)
    assert activity.shape == (3,) and activity[1] == 0 and activity[0] > 0


def test_kl_per_unit_sums_to_the_kl_term():
    model, x = _small_vae(latent_dim=3), _images(10)
    mu, log_var = vd.encode(model, x)
    total = np.mean(np.asarray(V.kl_diag_gaussian(mu, log_var)))
    np.testing.assert_allclose(vd.kl_per_unit(model, x).sum(), total, rtol=1e-5)


def test_bad_inputs_are_named():
    model = _small_vae()
    with pytest.raises(TypeError, match="'vae'"):
        vd.active_units("not a model", _images())
    with pytest.raises(ValueError, match="'x'"):
        vd.code_gradient_samples(model, np.zeros((3, 5, 5, 1)))
    with pytest.raises(ValueError, match="'n_samples'"):
        vd.code_gradient_samples(model, _images(), n_samples=1)
    with pytest.raises(ValueError, match="'learning_rate'"):
        vd.fit_posteriors(model, _images(), learning_rate=0)
