"""Tests for deep_unsupervised.corruption: NumPy processes vs Keras layers, PSNR, bad parameters."""

import deep_unsupervised as du  # noqa: F401  (quiet TensorFlow first)
import keras
import numpy as np
import pytest

from deep_unsupervised import corruption as C

X = np.full((200, 28, 28, 1), 0.5, np.float32)


def test_gaussian_noise_matches_keras_layer_statistics():
    ours = C.gaussian_noise(X, 0.5, seed=0) - X
    layer = keras.layers.GaussianNoise(0.5, seed=1)
    theirs = keras.ops.convert_to_numpy(layer(X, training=True)) - X
    for noise in (ours, theirs):
        assert abs(noise.mean()) < 0.01 and abs(noise.std() - 0.5) < 0.01
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(layer(X, training=False)), X)


@pytest.mark.parametrize("rate", [0.0, 0.25, 0.7])
def test_masking_numpy_and_layer_hit_the_requested_fraction(rate):
    x = np.ones((100, 28, 28, 1), np.float32)
    assert abs(np.mean(C.masking_noise(x, rate, seed=0) == 0) - rate) < 0.01
    layer_out = keras.ops.convert_to_numpy(C.MaskingNoise(rate, seed=0)(x, training=True))
    assert abs(np.mean(layer_out == 0) - rate) < 0.01
    assert set(np.unique(layer_out)) <= {0.0, 1.0}  # no Dropout-style rescaling


def test_salt_and_pepper_numpy_and_layer():
    for out in (C.salt_and_pepper(X, 0.4, seed=0),
                keras.ops.convert_to_numpy(C.SaltAndPepperNoise(0.4, seed=0)(X, training=True))):
        hit = out != 0.5
        assert abs(hit.mean() - 0.4) < 0.01
        assert abs(np.mean(out[hit] == 1.0) - 0.5) < 0.02  # salt and pepper equally likely
        assert set(np.unique(out[hit])) == {0.0, 1.0}
    np.testing.assert_array_equal(C.SaltAndPepperNoise(0.4)(X, training=False), X)


def test_noise_layer_factory_and_config_round_trip():
    assert isinstance(C.noise_layer("gaussian", 0.5), keras.layers.GaussianNoise)
    layer = C.noise_layer("masking", 0.3, seed=4)
    clone = C.MaskingNoise.from_config(layer.get_config())
    assert clone.rate == 0.3 and clone.seed == 4


def test_corrupt_dispatches_and_is_reproducible():
    np.testing.assert_array_equal(C.corrupt(X, "masking", 0.2, seed=3), C.masking_noise(X, 0.2, seed=3))
    np.testing.assert_array_equal(C.corrupt(X, seed=5), C.corrupt(X, seed=5))


def test_psnr_against_closed_form():
    clean = np.zeros((3, 4, 4))
    # a constant error of 0.1 has MSE 0.01, so PSNR = 10 log10(1 / 0.01) = 20 dB
    np.testing.assert_allclose(C.psnr(clean, clean + 0.1), 20.0)
    # Gaussian noise of σ = 0.5 has MSE ≈ 0.25, so PSNR ≈ 6.02 dB
    assert abs(C.psnr(X, C.gaussian_noise(X, 0.5)).mean() - 10 * np.log10(4)) < 0.05


@pytest.mark.parametrize("stddev", [-0.1, 1.5, float("nan")])
def test_bad_stddev(stddev):
    with pytest.raises(ValueError, match="stddev"):
        C.gaussian_noise(X, stddev)
    with pytest.raises(ValueError, match="stddev"):
        C.noise_layer("gaussian", stddev)


@pytest.mark.parametrize("rate", [-0.5, 1.01, float("inf")])
def test_bad_rate(rate):
    for fn in (C.masking_noise, C.salt_and_pepper):
        with pytest.raises(ValueError, match="rate"):
            fn(X, rate)
    with pytest.raises(ValueError, match="rate"):
        C.SaltAndPepperNoise(rate)


def test_bad_types_and_kinds():
    with pytest.raises(ValueError, match="'stddev'"):
        C.gaussian_noise(X, "0.5")
    with pytest.raises(ValueError, match="'seed'"):
        C.masking_noise(X, 0.1, seed=-1)
    with pytest.raises(ValueError, match="'data_range'"):
        C.psnr(X, X, data_range=0)
    with pytest.raises(ValueError, match="'clean'"):
        C.psnr(np.zeros(3), np.zeros(3))
    with pytest.raises(TypeError, match="'x'"):
        C.masking_noise(np.zeros((2, 2), np.uint8), 0.1)
    with pytest.raises(ValueError, match="kind"):
        C.corrupt(X, "speckle")
    with pytest.raises(ValueError, match="kind"):
        C.noise_layer("speckle")
    with pytest.raises(ValueError, match="'estimate'.*shape"):
        C.psnr(X, X[:3])


def test_numpy_scalars_are_valid_levels():
    assert C.check_rate(np.float32(0.25)) == 0.25
    assert C.MaskingNoise(np.float64(0.5), seed=np.int64(3)).seed == 3


@pytest.mark.parametrize("layer", [C.MaskingNoise(0.3, seed=2), C.SaltAndPepperNoise(0.2, seed=5)])
def test_noise_layers_save_and_load_in_a_model(tmp_path, layer):
    x = keras.Input((4, 4, 1))
    model = keras.Model(x, keras.layers.Conv2D(2, 3, padding="same")(layer(x)))
    model.save(tmp_path / "m.keras")
    again = keras.saving.load_model(tmp_path / "m.keras")  # registered: no custom_objects
    restored = again.layers[1]
    assert type(restored) is type(layer)
    assert (restored.rate, restored.seed) == (layer.rate, layer.seed)
    data = np.random.default_rng(0).random((2, 4, 4, 1)).astype("float32")
    np.testing.assert_allclose(again.predict(data, verbose=0), model.predict(data, verbose=0),
                               atol=1e-6)
