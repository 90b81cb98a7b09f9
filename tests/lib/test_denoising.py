"""Tests for deep_unsupervised.denoising: the lecture's architecture, curve geometry, bad inputs."""

import dataclasses

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
    with pytest.raises(ValueError, match="'kernel_size'"):
        D.conv_denoising_autoencoder(kernel_size=0)
    with pytest.raises(ValueError, match="'rate'"):
        D.conv_denoising_autoencoder(1.5, corruption="masking")
    with pytest.raises(ValueError, match="'autoencoder'"):
        D.encoder_of("model")
    with pytest.raises(ValueError, match="'n'"):
        D.reconstruction_field(D.denoising_mlp(hidden=(4,)), (-1, 1), (-1, 1), n=1)
    with pytest.raises(ValueError, match="'xlim'"):
        D.reconstruction_field(D.denoising_mlp(hidden=(4,)), (-1, 0, 1), (-1, 1))
    with pytest.raises(ValueError, match="'data'"):
        D.optimal_denoiser(np.zeros((3, 2)), np.zeros((4, 3)), 0.1)
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

    def log_p(v):  # log of the two-point mixture's density, up to a constant
        return np.logaddexp(-(v - 1) ** 2 / (2 * s ** 2), -(v + 1) ** 2 / (2 * s ** 2))

    tweedie = x + s ** 2 * (log_p(x + 1e-5) - log_p(x - 1e-5)) / 2e-5
    np.testing.assert_allclose(expected, tweedie, atol=1e-6)
    with pytest.raises(ValueError, match="noise_stddev"):
        D.optimal_denoiser(x, [[0.0]], 0.0)


@pytest.mark.parametrize("build", [
    lambda: D.conv_denoising_autoencoder(0.3, corruption="masking", input_shape=(8, 8, 1),
                                         filters=2),
    lambda: D.conv_denoising_autoencoder(0.3, corruption="salt_and_pepper",
                                         input_shape=(8, 8, 1), filters=2),
    lambda: D.denoising_mlp(hidden=(4,)),
])
def test_save_and_load_round_trip(tmp_path, build):
    model = build()
    assert not model.compiled  # builders return uncompiled models
    model.save(tmp_path / "m.keras")
    again = keras.saving.load_model(tmp_path / "m.keras")
    assert again.get_layer("corrupt").get_config() == model.get_layer("corrupt").get_config()
    x = np.random.default_rng(0).random((2, *model.input_shape[1:])).astype("float32")
    np.testing.assert_allclose(again.predict(x, verbose=0), model.predict(x, verbose=0),
                               atol=1e-6)


# -- the DAE's training step (recipes.denoising.train_denoiser) ----------------------------------
def _tiny_dae(noise_stddev=0.5):
    from deep_unsupervised.book.recipes import denoising as R

    s = dataclasses.replace(R.DENOISING_AE.settings("ci"), noise_stddev=noise_stddev, filters=4,
                            epochs=1, batch_size=64, validation_split=0.0, learning_rate=1e-12)
    rng = np.random.default_rng(0)
    x = np.clip(rng.random((64, 8, 8, 1)) ** 3, 0, 1).astype("float32")  # mostly dark "digits"
    return R, s, type("Data", (), {"x_train": x, "x_test": x, "x_noisy": x})()


@pytest.mark.backend
def test_dae_step_corrupts_inputs_and_targets_the_clean_images(monkeypatch, eager):
    """Fails if the corruption is skipped or the clean target is replaced by a noisy one."""
    R, s, data = _tiny_dae()
    seen = {}
    real_fit = keras.Model.fit

    def spy(model, x=None, y=None, **kwargs):
        seen.update(model=model, x=x, y=y, kwargs=kwargs)
        return real_fit(model, x, y, **kwargs)

    monkeypatch.setattr(keras.Model, "fit", spy)
    model = R.DENOISING_AE.train(s, data)
    # the inputs handed to fit are the clean images, and so are the targets
    assert seen["x"] is data.x_train and seen["y"] is data.x_train
    # the corruption is the model's first layer, at the recipe's level, active in training only
    corrupt = model.get_layer("corrupt")
    assert isinstance(corrupt, keras.layers.GaussianNoise) and corrupt.stddev == s.noise_stddev
    assert model.layers[1] is corrupt
    # with a learning rate of 1e-12 the weights stay put: the recorded training loss is the loss
    # of the corrupted batch against the clean one, not the clean reconstruction's loss (which
    # it equals to 1e-5 when nothing corrupts, see the next test)
    clean_loss = model.evaluate(data.x_train, data.x_train, verbose=0, return_dict=True)["loss"]
    train_loss = model.history.history["loss"][0]
    assert abs(train_loss - clean_loss) > 3e-4, (train_loss, clean_loss)


def test_dae_step_without_noise_trains_on_the_clean_reconstruction_loss(eager):
    R, s, data = _tiny_dae(noise_stddev=0.0)
    model = R.DENOISING_AE.train(s, data)
    clean_loss = model.evaluate(data.x_train, data.x_train, verbose=0, return_dict=True)["loss"]
    assert model.history.history["loss"][0] == pytest.approx(clean_loss, rel=1e-5)


def test_dae_step_loss_is_the_bernoulli_cross_entropy():
    """Fails if the likelihood is swapped (e.g. squared error) or the loss's sign flipped."""
    R, s, data = _tiny_dae()
    model = R.DENOISING_AE.train(s, data)
    p = np.clip(model.predict(data.x_train, verbose=0).astype(np.float64), 1e-7, 1 - 1e-7)
    x = data.x_train.astype(np.float64)
    bce = -np.mean(x * np.log(p) + (1 - x) * np.log(1 - p))
    terms = model.evaluate(data.x_train, data.x_train, verbose=0, return_dict=True)
    assert terms["loss"] == pytest.approx(bce, rel=1e-3)
    assert terms["mse"] == pytest.approx(np.mean((p - x) ** 2), rel=1e-3)


def test_spiral_dae_step_is_squared_error_on_clean_points_with_cosine_decay():
    from deep_unsupervised.book.recipes import denoising as R

    s = dataclasses.replace(R.SPIRAL_DAE.settings("ci"), hidden=(8,), epochs=2, batch_size=50)
    data = R.load_spiral(s, limit=100)
    model = R.SPIRAL_DAE.train(s, data)
    assert model.get_layer("corrupt").stddev == s.noise_stddev
    schedule = model.optimizer._learning_rate
    assert isinstance(schedule, keras.optimizers.schedules.CosineDecay)
    assert float(schedule(int(model.optimizer.iterations))) == pytest.approx(0.0, abs=1e-9)
    r = model.predict(data.x_train, verbose=0)
    loss = model.evaluate(data.x_train, data.x_train, verbose=0)
    assert loss == pytest.approx(np.mean((r - data.x_train) ** 2), rel=1e-3)
