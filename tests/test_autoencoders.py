"""Tests for deep_unsupervised.autoencoders: architectures, parameter counts, losses, errors."""

import keras
import numpy as np
import pytest

from deep_unsupervised import autoencoders as A


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
    np.testing.assert_allclose(ae.decoder.predict(z, verbose=0), ae.predict(x, verbose=0), atol=1e-6)
    assert set(A.layer_outputs(ae, x[:1])) >= {"h_1", "z", "h_5", "y"}


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
    ref = float(keras.losses.binary_crossentropy(x, p).numpy().mean())
    assert errs["cross_entropy"] == pytest.approx(ref, rel=1e-4)
    assert errs["mse"] == pytest.approx(float(np.mean((x - p) ** 2)), rel=1e-6)


def test_training_reduces_loss():
    x = np.random.default_rng(0).uniform(size=(64, 16)).astype("float32")
    ae = A.deep_autoencoder(input_dim=16, hidden=8, code_dim=4, learning_rate=1e-2)
    h = ae.fit(x, x, epochs=5, batch_size=32, verbose=0)
    assert h.history["loss"][-1] < h.history["loss"][0]


def test_save_and_load(tmp_path):
    ae = A.deep_autoencoder(input_dim=6, hidden=(5, 4), code_dim=2, optimizer=None)
    ae.save(tmp_path / "ae.keras")
    again = keras.saving.load_model(tmp_path / "ae.keras", custom_objects={"Autoencoder": A.Autoencoder})
    x = np.ones((2, 6), "float32")
    np.testing.assert_allclose(again.predict(x, verbose=0), ae.predict(x, verbose=0), atol=1e-6)


@pytest.mark.parametrize("build, kwargs, match", [
    (A.linear_autoencoder, {"code_dim": 0}, "'code_dim'"),
    (A.deep_autoencoder, {"hidden": 2.5}, "'hidden'"),
    (A.conv_autoencoder, {"filters": ()}, "'filters'"),
    (A.conv_autoencoder, {"filters": (4, 4, 4, 4, 4, 4)}, "divisible"),
    (A.conv_autoencoder, {"input_shape": (28, 28)}, "'input_shape'"),
])
def test_bad_arguments(build, kwargs, match):
    with pytest.raises(ValueError, match=match):
        build(**kwargs)


def test_bad_inputs():
    with pytest.raises(ValueError, match="same shape"):
        A.reconstruction_errors(np.zeros((2, 3)), np.zeros((3, 2)))
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        A.reconstruction_errors(np.full((2, 2), 2.0), np.zeros((2, 2)))
    with pytest.raises(ValueError, match="unknown layers"):
        A.layer_outputs(A.deep_autoencoder(), np.zeros((1, 784)), names=["nope"])


def test_train_with_separate_target_and_bad_arguments():
    rng = np.random.default_rng(0)
    clean = rng.uniform(size=(32, 6)).astype("float32")
    noisy = np.clip(clean + 0.1 * rng.standard_normal(clean.shape), 0, 1).astype("float32")
    ae = A.deep_autoencoder(input_dim=6, hidden=4, code_dim=2, optimizer=None)
    h = A.train(ae, noisy, clean, loss="mse", learning_rate=1e-2, epochs=2, batch_size=16)
    assert len(h.history["loss"]) == 2
    with pytest.raises(ValueError, match="'learning_rate'"):
        A.train(ae, clean, loss="mse", learning_rate=0.0, epochs=1)
    with pytest.raises(ValueError, match="same length"):
        A.train(ae, clean, clean[:5], loss="mse", learning_rate=1e-3, epochs=1)


def test_conv_autoencoder_kernel_initializer_is_applied_everywhere():
    from deep_unsupervised import autoencoders as A

    model = A.conv_autoencoder(kernel_initializer="zeros", optimizer=None)
    kernels = [w for w in model.weights if "kernel" in w.path]
    assert len(kernels) == 6 and all(not w.numpy().any() for w in kernels)
    assert model.count_params() == 3_801
