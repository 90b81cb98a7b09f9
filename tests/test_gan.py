"""Tests for deep_unsupervised.gan: shapes, the losses against their formulas, which weights each step changes."""

import deep_unsupervised as du

du.setup(seed=0, style=False)

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from deep_unsupervised import gan  # noqa: E402


def _weights(net):
    return [w.copy() for w in net.get_weights()]


def _changed(before, net):
    return any(not np.allclose(b, a) for b, a in zip(before, net.get_weights()))


def _toy_gan(loss="non_saturating"):
    model = gan.GAN(gan.mlp_generator(latent_dim=3, hidden=(8,)), gan.mlp_discriminator(hidden=(8,)),
                    latent_dim=3, loss=loss)
    model.compile(keras.optimizers.Adam(1e-2), keras.optimizers.Adam(1e-2))
    return model


def test_dcgan_shapes():
    g, d = gan.dcgan_generator(latent_dim=5, filters=(8, 4)), gan.dcgan_discriminator(filters=(4, 8))
    x = g(np.zeros((3, 5), "float32"))
    assert tuple(x.shape) == (3, 28, 28, 1)
    assert float(keras.ops.min(x)) >= 0 and float(keras.ops.max(x)) <= 1
    assert tuple(d(x).shape) == (3, 1)


def test_losses_match_log_formulas():
    logits = np.array([[-2.0], [0.3], [1.5]], "float32")
    d = 1 / (1 + np.exp(-logits))
    np.testing.assert_allclose(gan.discriminator_real_loss(logits), -np.log(d).mean(), rtol=1e-5)
    np.testing.assert_allclose(gan.discriminator_fake_loss(logits), -np.log(1 - d).mean(), rtol=1e-5)
    np.testing.assert_allclose(gan.generator_loss(logits, "minimax"), np.log(1 - d).mean(), rtol=1e-5)
    np.testing.assert_allclose(gan.generator_loss(logits, "non_saturating"), -np.log(d).mean(), rtol=1e-5)
    np.testing.assert_allclose(gan.generator_loss(logits, "wasserstein"), -logits.mean(), rtol=1e-6)


def test_gradient_penalty_of_linear_critic():
    # critic(x) = w . x has gradient w everywhere, so the penalty is (|w| - 1)^2 exactly
    critic = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1, use_bias=False)])
    critic.layers[0].set_weights([np.array([[3.0], [4.0]], "float32")])
    x = np.random.default_rng(0).normal(size=(16, 2)).astype("float32")
    np.testing.assert_allclose(float(gan.gradient_penalty(critic, x, x[::-1])), 16.0, rtol=1e-4)


@pytest.mark.parametrize("loss", gan.LOSSES)
def test_each_step_changes_only_its_player(loss):
    model = _toy_gan(loss)
    x = np.random.default_rng(0).normal(size=(16, 2)).astype("float32")
    g0, d0 = _weights(model.generator), _weights(model.discriminator)
    model.discriminator_step(x)
    assert _changed(d0, model.discriminator) and not _changed(g0, model.generator)
    d1 = _weights(model.discriminator)
    model.generator_step(16)
    assert _changed(g0, model.generator) and not _changed(d1, model.discriminator)


def test_fit_reports_all_trackers():
    model = _toy_gan()
    x = np.random.default_rng(0).normal(size=(64, 2)).astype("float32")
    history = model.fit(x, epochs=1, batch_size=32, verbose=0)
    assert set(history.history) == {"d_real", "d_fake", "g_loss"}
    assert model.sample(5, seed=1).shape == (5, 2)


def test_bad_arguments():
    g, d = gan.mlp_generator(), gan.mlp_discriminator()
    with pytest.raises(ValueError, match="loss"):
        gan.GAN(g, d, latent_dim=2, loss="hinge")
    with pytest.raises(ValueError, match="latent_dim"):
        gan.GAN(g, d, latent_dim=0)
    with pytest.raises(ValueError, match="d_steps"):
        gan.GAN(g, d, latent_dim=2, d_steps=0)
    with pytest.raises(ValueError, match="gp_weight"):
        gan.GAN(g, d, latent_dim=2, gp_weight=-1.0)
    with pytest.raises(ValueError, match="latent_dim"):
        gan.dcgan_generator(latent_dim=-3)


def test_thicken_strokes_is_a_max_filter():
    x = np.zeros((1, 28, 28, 1), "float32")
    x[0, 10, 12, 0] = 0.7
    y = gan.thicken_strokes(x)
    assert y.shape == x.shape and np.isclose(y.sum(), 9 * 0.7)  # one pixel -> a 3x3 square
    assert np.all(y[0, 9:12, 11:14, 0] == np.float32(0.7))
    with pytest.raises(ValueError, match="images"):
        gan.thicken_strokes(np.zeros((2, 28, 28)))


def test_translator_starts_as_identity_and_cyclegan_step():
    a = np.random.default_rng(0).uniform(size=(8, 28, 28, 1)).astype("float32")
    g_ab, g_ba = gan.translator(filters=4), gan.translator(filters=4)
    np.testing.assert_allclose(g_ab.predict(a, verbose=0), a, atol=1e-6)
    d_a, d_b = gan.patch_discriminator(filters=(4, 4)), gan.patch_discriminator(filters=(4, 4))
    assert tuple(d_a(a).shape) == (8, 7, 7, 1)
    model = gan.CycleGAN(g_ab, g_ba, d_a, d_b)
    model.compile(keras.optimizers.Adam(1e-2), keras.optimizers.Adam(1e-2))
    before = [_weights(n) for n in (g_ab, g_ba, d_a, d_b)]
    history = model.fit(tf_pairs(a, gan.thicken_strokes(a)), epochs=1, verbose=0)
    assert set(history.history) == {"g_adv", "cycle", "d_loss"}
    assert all(_changed(b, n) for b, n in zip(before, (g_ab, g_ba, d_a, d_b)))
    with pytest.raises(ValueError, match="cycle_weight"):
        gan.CycleGAN(g_ab, g_ba, d_a, d_b, cycle_weight=-1.0)


def tf_pairs(a, b):
    import tensorflow as tf

    return tf.data.Dataset.from_tensor_slices((a, b)).batch(4)
