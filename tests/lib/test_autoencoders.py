"""Tests for deep_unsupervised.autoencoders: architectures, parameter counts, losses, errors."""

import keras
import numpy as np
import pytest

from deep_unsupervised import autoencoders as A


def test_numpy_integers_are_valid_sizes():
    ae = A.deep_autoencoder(input_dim=np.int64(10), hidden=np.int32(6), code_dim=np.int64(3))
    assert ae.encoder.output_shape == (None, 3)


def test_lecture_parameter_counts():
    assert A.linear_autoencoder().count_params() == 2 * 784 * 32 + 784 + 32
    assert A.deep_autoencoder().count_params() == 209_968
    assert A.conv_autoencoder().count_params() == 3_801
    assert A.conv_autoencoder(activation="leaky_relu").count_params() == 3_801
    # Deeper variant: 784-256-128-32-128-256-784, counted by hand layer by layer.
    dims = [784, 256, 128, 32, 128, 256, 784]
    expected = sum(a * b + b for a, b in zip(dims[:-1], dims[1:]))
    assert A.deep_autoencoder(hidden=(256, 128)).count_params() == expected


def test_shapes_and_parts():
    ae = A.conv_autoencoder()
    x = np.random.default_rng(0).uniform(size=(3, 28, 28, 1)).astype("float32")
    z = ae.encoder.predict(x, verbose=0)
    assert z.shape == (3, 4, 4, 8)
    np.testing.assert_allclose(ae.decoder.predict(z, verbose=0), ae.predict(x, verbose=0),
                               atol=1e-6)
    assert [layer.name for layer in ae.encoder.layers][-1] == "z"  # the slide's names
    assert [layer.name for layer in ae.decoder.layers][-2:] == ["y_up", "y"]
    assert not ae.compiled  # builders return uncompiled models


def test_linear_autoencoder_is_affine():
    ae = A.linear_autoencoder(input_dim=5, code_dim=2)
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal((2, 4, 5)).astype("float32")
    f = lambda v: ae.predict(v, verbose=0)  # noqa: E731
    np.testing.assert_allclose(f(0.3 * a + 0.7 * b), 0.3 * f(a) + 0.7 * f(b), atol=1e-5)


def test_reconstruction_errors_match_keras():
    rng = np.random.default_rng(0)
    x = rng.uniform(size=(8, 10)).astype("float32")
    p = rng.uniform(0.05, 0.95, size=(8, 10)).astype("float32")
    errs = A.reconstruction_errors(x, p)
    ref = float(np.mean(keras.ops.convert_to_numpy(keras.losses.binary_crossentropy(x, p))))
    assert errs["cross_entropy"] == pytest.approx(ref, rel=1e-4)
    assert errs["mse"] == pytest.approx(float(np.mean((x - p) ** 2)), rel=1e-6)


def test_training_reduces_loss():
    x = np.random.default_rng(0).uniform(size=(64, 16)).astype("float32")
    ae = A.deep_autoencoder(input_dim=16, hidden=8, code_dim=4)
    h = A.train(ae, x, loss="binary_crossentropy", learning_rate=1e-2, epochs=5, batch_size=32)
    assert h.history["loss"][-1] < h.history["loss"][0]


@pytest.mark.parametrize("build", [
    lambda: A.linear_autoencoder(input_dim=6, code_dim=2),
    lambda: A.deep_autoencoder(input_dim=6, hidden=(5, 4), code_dim=2),
    lambda: A.conv_autoencoder(filters=(2, 3), input_shape=(12, 12, 1)),
])
def test_save_and_load_round_trip(tmp_path, build):
    ae = build()
    ae.set_weights([w + 0.1 for w in ae.get_weights()])  # not the initial values
    ae.save(tmp_path / "ae.keras")
    again = keras.saving.load_model(tmp_path / "ae.keras")  # registered: no custom_objects
    assert isinstance(again, A.Autoencoder)
    x = np.random.default_rng(0).uniform(size=(2, *ae.encoder.input_shape[1:])).astype("float32")
    np.testing.assert_allclose(again.predict(x, verbose=0), ae.predict(x, verbose=0), atol=1e-6)
    np.testing.assert_allclose(again.encoder.predict(x, verbose=0),
                               ae.encoder.predict(x, verbose=0), atol=1e-6)


@pytest.mark.parametrize("build, kwargs, match", [
    (A.linear_autoencoder, {"code_dim": 0}, "'code_dim'"),
    (A.linear_autoencoder, {"input_dim": 2.5}, "'input_dim'"),
    (A.deep_autoencoder, {"hidden": 2.5}, "'hidden'"),
    (A.deep_autoencoder, {"hidden": (8, 0)}, "'hidden'"),
    (A.deep_autoencoder, {"code_dim": -1}, "'code_dim'"),
    (A.conv_autoencoder, {"filters": ()}, "'filters'"),
    (A.conv_autoencoder, {"filters": (4, 4, 4, 4, 4, 4)}, "divisible"),
    (A.conv_autoencoder, {"input_shape": (28, 28)}, "'input_shape'"),
    (A.conv_autoencoder, {"pad": -1}, "'pad'"),
])
def test_bad_arguments(build, kwargs, match):
    with pytest.raises(ValueError, match=match):
        build(**kwargs)


def test_bad_inputs():
    with pytest.raises(ValueError, match="'x_rec'.*shape"):
        A.reconstruction_errors(np.zeros((2, 3)), np.zeros((3, 2)))
    with pytest.raises(ValueError, match=r"'x'.*\[0, 1\]"):
        A.reconstruction_errors(np.full((2, 2), 2.0), np.zeros((2, 2)))
    with pytest.raises(ValueError, match="'model'"):
        A.describe("not a model")
    assert not hasattr(A, "layer_outputs")  # one layer_outputs: inspection.layer_outputs


def test_train_with_separate_target_and_bad_arguments(eager):
    rng = np.random.default_rng(0)
    clean = rng.uniform(size=(32, 6)).astype("float32")
    noisy = np.clip(clean + 0.1 * rng.standard_normal(clean.shape), 0, 1).astype("float32")
    ae = A.deep_autoencoder(input_dim=6, hidden=4, code_dim=2)
    h = A.train(ae, noisy, clean, loss="mse", learning_rate=1e-2, epochs=2, batch_size=16)
    assert len(h.history["loss"]) == 2
    with pytest.raises(ValueError, match="'learning_rate'"):
        A.train(ae, clean, loss="mse", learning_rate=0.0, epochs=1)
    with pytest.raises(ValueError, match="'target'"):
        A.train(ae, clean, clean[:5], loss="mse", learning_rate=1e-3, epochs=1)
    with pytest.raises(ValueError, match="'epochs'"):
        A.train(ae, clean, loss="mse", learning_rate=1e-3, epochs=0)


def test_conv_autoencoder_kernel_initializer_is_applied_everywhere():
    from deep_unsupervised import autoencoders as A

    model = A.conv_autoencoder(kernel_initializer="zeros")
    kernels = [w for w in model.weights if "kernel" in w.path]
    assert len(kernels) == 6 and all(not keras.ops.convert_to_numpy(w).any() for w in kernels)
    assert model.count_params() == 3_801


def test_train_is_cosine_decayed_adam_on_the_given_loss():
    """Pins :func:`train`: the schedule decays to 0 over the run, the loss is the one asked for."""
    x = np.random.default_rng(1).uniform(size=(48, 6)).astype("float32")
    ae = A.deep_autoencoder(input_dim=6, hidden=4, code_dim=2)
    A.train(ae, x, loss="binary_crossentropy", learning_rate=1e-2, epochs=3, batch_size=16)
    assert isinstance(ae.optimizer, keras.optimizers.Adam)
    schedule = ae.optimizer._learning_rate
    assert isinstance(schedule, keras.optimizers.schedules.CosineDecay)
    assert float(schedule(0)) == pytest.approx(1e-2)
    assert int(ae.optimizer.iterations) == 9
    assert float(schedule(9)) == pytest.approx(0.0, abs=1e-8)
    bce = A.reconstruction_errors(x, ae.predict(x, verbose=0))["cross_entropy"]
    assert ae.evaluate(x, x, verbose=0) == pytest.approx(bce, rel=1e-3)


def test_recipe_features_of_and_bad_name():
    from deep_unsupervised.book.recipes import autoencoders as R

    x = np.random.default_rng(0).uniform(size=(3, 28, 28, 1)).astype("float32")
    assert R.features_of("pixels", None, x).shape == (3, 784)
    conv = A.conv_autoencoder()
    assert R.features_of("conv-ae", conv, x).shape == (3, 128)
    with pytest.raises(ValueError, match="'name'"):
        R.features_of("cnn", None, x)


def test_train_fits_the_given_target(monkeypatch, eager):
    """Pins :func:`train`: a denoising use passes noisy inputs and clean targets to ``fit``."""
    from deep_unsupervised._backend import training

    seen = {}
    real_fit = training.fit
    monkeypatch.setattr(training, "fit", lambda m, x, y=None, **k: (
        seen.update(x=x, y=y), real_fit(m, x, y, **k))[1])
    rng = np.random.default_rng(2)
    clean = rng.uniform(size=(16, 6)).astype("float32")
    noisy = rng.uniform(size=(16, 6)).astype("float32")
    A.train(A.deep_autoencoder(input_dim=6, hidden=4, code_dim=2), noisy, clean, loss="mse",
            learning_rate=1e-3, epochs=1, batch_size=16)
    assert seen["x"] is noisy and seen["y"] is clean
