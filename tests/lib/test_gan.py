"""Tests for deep_unsupervised.gan: the losses against their formulas, every term of each update
step against a gradient computed here from the formula, which weights each step changes, options,
bad input and saving."""

import deep_unsupervised as du

du.setup(seed=0, style=False)

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from deep_unsupervised import autodiff, gan  # noqa: E402
from deep_unsupervised._backend import training  # noqa: E402


def _weights(net):
    return [w.copy() for w in net.get_weights()]


def _changed(before, net):
    return any(not np.allclose(b, a) for b, a in zip(before, net.get_weights()))


def _toy_gan(loss="non_saturating", d_steps=1, lr=1e-2):
    model = gan.GAN(gan.mlp_generator(latent_dim=3, hidden=(8,)),
                    gan.mlp_discriminator(hidden=(8,)), latent_dim=3, loss=loss, d_steps=d_steps)
    model.compile(keras.optimizers.Adam(lr), keras.optimizers.Adam(lr))
    return model


# -- a GAN whose every quantity is known in closed form ------------------------------------------
# The generator outputs its bias b whatever z (zero kernel), the discriminator is linear,
# l(x) = w.x + c, and both optimisers are plain SGD with rate 1, so one update moves each weight
# by minus the gradient, which we compute from the formulas in NumPy.
W, C, B = np.array([0.9, -1.2]), 0.3, np.array([0.5, 1.5])  # |w| = 1.5: a penalty
X_REAL = np.array([[1.0, 0.0], [0.0, 2.0], [-1.0, 1.0], [2.0, 2.0]], "float32")


def _linear_gan(loss, w=W, gp_weight=10.0):
    generator = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    generator.layers[0].set_weights([np.zeros((3, 2), "float32"), B.astype("float32")])
    critic = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    critic.layers[0].set_weights([np.asarray(w, "float32")[:, None], np.array([C], "float32")])
    model = gan.GAN(generator, critic, latent_dim=3, loss=loss, gp_weight=gp_weight)
    model.compile(keras.optimizers.SGD(1.0), keras.optimizers.SGD(1.0))
    return model


def _sigmoid(t):
    return 1 / (1 + np.exp(-t))


def _expected_d_gradient(loss, w=W, gp_weight=10.0):
    """d/d(w, c) of step 1 + step 2 (+ penalty) on X_REAL and the constant fake B."""
    l_real, l_fake = X_REAL @ w + C, B @ w + C
    if loss == "wasserstein":  # -mean l(real) + l(fake) + λ (|w| - 1)^2
        norm = np.linalg.norm(w)
        gw = -X_REAL.mean(0) + B + gp_weight * 2 * (norm - 1) * w / norm
        return gw, 0.0
    # mean softplus(-l_real) + softplus(l_fake)
    s_real, s_fake = -_sigmoid(-l_real), _sigmoid(l_fake)
    return (s_real[:, None] * X_REAL).mean(0) + s_fake * B, s_real.mean() + s_fake


def _expected_g_gradient(loss, w=W, c=C):
    """d/db of the generator loss at the constant fake B, for the critic l(x) = w.x + c."""
    l_fake = B @ w + c
    return {"minimax": -_sigmoid(l_fake) * w, "non_saturating": -_sigmoid(-l_fake) * w,
            "wasserstein": -w}[loss]


@pytest.mark.backend
@pytest.mark.parametrize("loss", gan.LOSSES)
def test_discriminator_step_follows_the_formula(loss):
    model = _linear_gan(loss)
    model.discriminator_step(X_REAL)
    kernel, bias = model.discriminator.layers[0].get_weights()
    gw, gc = _expected_d_gradient(loss)
    np.testing.assert_allclose(kernel[:, 0], W - gw, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(bias[0], C - gc, rtol=1e-4, atol=1e-5)


@pytest.mark.backend
@pytest.mark.parametrize("loss", gan.LOSSES)
def test_fit_runs_steps_1_2_then_3_by_the_formulas(loss):
    # Through fit, i.e. the compiled step (a stateless step on JAX): one batch, so D moves by
    # the steps 1-2 gradient, then G by the step 3 gradient at the *updated* critic.
    model = _linear_gan(loss)
    model.fit(X_REAL, epochs=1, batch_size=len(X_REAL), verbose=0, shuffle=False)
    gw, gc = _expected_d_gradient(loss)
    kernel, bias = model.discriminator.layers[0].get_weights()
    np.testing.assert_allclose(kernel[:, 0], W - gw, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(bias[0], C - gc, rtol=1e-4, atol=1e-5)
    g_bias = model.generator.layers[0].get_weights()[1]
    np.testing.assert_allclose(g_bias, B - _expected_g_gradient(loss, W - gw, C - gc),
                               rtol=1e-4, atol=1e-5)


def test_gradient_penalty_is_weighted_by_gp_weight():
    for gp_weight in (0.0, 3.0):
        model = _linear_gan("wasserstein", gp_weight=gp_weight)
        model.discriminator_step(X_REAL)
        gw, _ = _expected_d_gradient("wasserstein", gp_weight=gp_weight)
        np.testing.assert_allclose(model.discriminator.layers[0].get_weights()[0][:, 0], W - gw,
                                   rtol=1e-4, atol=1e-5)


@pytest.mark.backend
@pytest.mark.parametrize("loss", gan.LOSSES)
def test_generator_step_follows_the_formula(loss):
    model = _linear_gan(loss)
    model.generator_step(4)
    bias = model.generator.layers[0].get_weights()[1]
    np.testing.assert_allclose(bias, B - _expected_g_gradient(loss), rtol=1e-4, atol=1e-5)
    assert not _changed([W[:, None].astype("float32")], model.discriminator.layers[0])


def test_non_saturating_and_minimax_differ_where_d_rejects_the_fakes():
    # at l(fake) = w.b + c = -1.05, -log D pushes with 1 - D = 0.74, log(1 - D) with 0.26
    ns, mm = _expected_g_gradient("non_saturating"), _expected_g_gradient("minimax")
    assert np.linalg.norm(ns) > 1.5 * np.linalg.norm(mm)


@pytest.mark.parametrize("d_steps", [1, 3])
def test_d_steps_discriminator_updates_per_generator_update(d_steps, eager):
    model = _toy_gan(d_steps=d_steps)
    x = np.random.default_rng(0).normal(size=(64, 2)).astype("float32")
    model.fit(x, epochs=1, batch_size=16, verbose=0)  # 4 batches
    assert int(model.g_optimizer.iterations) == 4
    assert int(model.d_optimizer.iterations) == 4 * d_steps


def test_wasserstein_estimate_excludes_the_penalty():
    model = _linear_gan("wasserstein")
    logs = model.train_step(keras.ops.convert_to_tensor(X_REAL))
    expected = (X_REAL @ W + C).mean() - (B @ W + C)  # E l(real) - E l(fake), before the update
    np.testing.assert_allclose(float(logs["w_estimate"]), expected, rtol=1e-4)
    np.testing.assert_allclose(float(logs["penalty"]), (np.linalg.norm(W) - 1) ** 2, rtol=1e-3)
    assert float(logs["d_real"]) + float(logs["d_fake"]) == pytest.approx(-expected, rel=1e-4)


def test_losses_match_log_formulas():
    logits = np.array([[-2.0], [0.3], [1.5]], "float32")
    d = 1 / (1 + np.exp(-logits))
    close = lambda a, b: np.testing.assert_allclose(a, b, rtol=1e-5)  # noqa: E731
    close(gan.discriminator_real_loss(logits), -np.log(d).mean())
    close(gan.discriminator_fake_loss(logits), -np.log(1 - d).mean())
    close(gan.generator_loss(logits, "minimax"), np.log(1 - d).mean())
    close(gan.generator_loss(logits, "non_saturating"), -np.log(d).mean())
    close(gan.generator_loss(logits, "wasserstein"), -logits.mean())
    close(gan.discriminator_real_loss(logits, "wasserstein"), -logits.mean())
    close(gan.discriminator_fake_loss(logits, "wasserstein"), logits.mean())


@pytest.mark.backend
def test_gradient_penalty_of_linear_critic():
    # critic(x) = w . x has gradient w everywhere, so the penalty is (|w| - 1)^2 exactly
    critic = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1, use_bias=False)])
    critic.layers[0].set_weights([np.array([[3.0], [4.0]], "float32")])
    x = np.random.default_rng(0).normal(size=(16, 2)).astype("float32")
    np.testing.assert_allclose(float(gan.gradient_penalty(critic, x, x[::-1])), 16.0, rtol=1e-4)
    # two-sided: a gradient norm below 1 is penalised too, (0.5 - 1)^2 (a one-sided max(0, .) not)
    critic.layers[0].set_weights([np.array([[0.3], [0.4]], "float32")])
    np.testing.assert_allclose(float(gan.gradient_penalty(critic, x, x[::-1])), 0.25, rtol=1e-4)


@pytest.mark.backend
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


def test_fit_reports_all_trackers(eager):
    x = np.random.default_rng(0).normal(size=(64, 2)).astype("float32")
    for loss, names in (("non_saturating", {"d_real", "d_fake", "g_loss"}),
                        ("wasserstein", {"d_real", "d_fake", "g_loss", "w_estimate", "penalty"})):
        model = gan.GAN(gan.mlp_generator(latent_dim=3, hidden=(8,)),
                        gan.mlp_discriminator(hidden=(8,)), latent_dim=3, loss=loss)
        history = training.fit(model, x, epochs=1, batch_size=32, progress=False, compile_kwargs={
            "d_optimizer": keras.optimizers.Adam(1e-3),
            "g_optimizer": keras.optimizers.Adam(1e-3)})
        assert set(history.history) == names
    assert model.sample(5, seed=1).shape == (5, 2)


def test_remapper_disabled_is_scoped():
    if keras.backend.backend() != "tensorflow":  # a TensorFlow (Grappler) option: no-op elsewhere
        with autodiff.remapper_disabled():
            pass
        return
    import tensorflow as tf

    before = tf.config.optimizer.get_experimental_options().get("remapping", True)
    with autodiff.remapper_disabled():
        assert tf.config.optimizer.get_experimental_options()["remapping"] is False
    assert tf.config.optimizer.get_experimental_options().get("remapping", True) == before


def test_save_and_load_round_trip(tmp_path, eager):
    model = _toy_gan("wasserstein", d_steps=2)
    model.fit(np.random.default_rng(0).normal(size=(32, 2)).astype("float32"), epochs=1,
              batch_size=16, verbose=0)
    model.save(tmp_path / "gan.keras")
    loaded = keras.saving.load_model(tmp_path / "gan.keras", compile=False)
    assert isinstance(loaded, gan.GAN)
    assert (loaded.loss_name, loaded.d_steps, loaded.latent_dim) == ("wasserstein", 2, 3)
    z = np.random.default_rng(1).normal(size=(4, 3)).astype("float32")
    np.testing.assert_allclose(loaded.generator.predict(z, verbose=0),
                               model.generator.predict(z, verbose=0), rtol=1e-6)
    x = z[:, :2]
    np.testing.assert_allclose(loaded.discriminator.predict(x, verbose=0),
                               model.discriminator.predict(x, verbose=0), rtol=1e-6)


def test_builders_shapes_and_numpy_scalars():
    g = gan.dcgan_generator(latent_dim=np.int64(5), filters=(8, 4))
    d = gan.dcgan_discriminator(filters=(4, 8), dropout=np.float32(0.1))
    x = g(np.zeros((3, 5), "float32"))
    assert tuple(x.shape) == (3, 28, 28, 1)
    assert float(keras.ops.min(x)) >= 0 and float(keras.ops.max(x)) <= 1
    assert tuple(d(x).shape) == (3, 1)
    assert gan.mlp_generator(latent_dim=np.int64(4)).input_shape == (None, 4)
    assert gan.GAN(gan.mlp_generator(), gan.mlp_discriminator(), latent_dim=np.int64(2),
                   d_steps=np.int32(2), gp_weight=np.float32(1.0)).d_steps == 2


@pytest.mark.parametrize("call, name", [
    (lambda: gan.GAN(gan.mlp_generator(), gan.mlp_discriminator(), 2, loss="hinge"), "loss"),
    (lambda: gan.GAN(gan.mlp_generator(), gan.mlp_discriminator(), latent_dim=0), "latent_dim"),
    (lambda: gan.GAN(gan.mlp_generator(), gan.mlp_discriminator(), 2, d_steps=0), "d_steps"),
    (lambda: gan.GAN(gan.mlp_generator(), gan.mlp_discriminator(), 2, gp_weight=-1), "gp_weight"),
    (lambda: gan.GAN(gan.mlp_generator(), gan.mlp_discriminator(), 2, seed=1.5), "seed"),
    (lambda: gan.GAN(gan.mlp_generator(), gan.mlp_discriminator(), 2).sample(0), "n"),
    (lambda: gan.mlp_generator(latent_dim=2.5), "latent_dim"),
    (lambda: gan.mlp_generator(data_dim=0), "data_dim"),
    (lambda: gan.mlp_generator(hidden=(8, -1)), "hidden"),
    (lambda: gan.mlp_discriminator(hidden="64"), "hidden"),
    (lambda: gan.dcgan_generator(latent_dim=-3), "latent_dim"),
    (lambda: gan.dcgan_generator(filters=(8,)), "filters"),
    (lambda: gan.dcgan_discriminator(dropout=1.0), "dropout"),
    (lambda: gan.generator_loss(np.zeros((2, 1)), "hinge"), "loss"),
    (lambda: gan.discriminator_real_loss(np.zeros((2, 1)), "hinge"), "loss"),
    (lambda: gan.discriminator_fake_loss(np.zeros((2, 1)), "hinge"), "loss"),
])
def test_bad_arguments(call, name):
    with pytest.raises(ValueError, match=f"Invalid value for argument '{name}'"):
        call()


def test_bad_types():
    with pytest.raises(TypeError, match="'generator'"):
        gan.GAN("generator", gan.mlp_discriminator(), latent_dim=2)
    with pytest.raises(TypeError, match="'d_optimizer'"):
        _toy_gan().compile("adam", keras.optimizers.Adam())
    critic = gan.mlp_discriminator()
    with pytest.raises(ValueError, match="'x_fake'"):
        gan.gradient_penalty(critic, np.zeros((4, 2), "float32"), np.zeros((4, 3), "float32"))
