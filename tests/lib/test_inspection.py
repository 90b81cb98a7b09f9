"""Tests for deep_unsupervised.inspection: kernels, activations, loss slices, signal statistics."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import deep_unsupervised as du  # noqa: E402
import keras  # noqa: E402
from deep_unsupervised import classifiers as C  # noqa: E402
from deep_unsupervised import inspection as I  # noqa: E402


def test_edge_energy_of_edges_and_random_kernels():
    assert np.allclose(I.edge_energy(np.stack([I.SOBEL_X, I.SOBEL_Y, I.SOBEL_X + 2 * I.SOBEL_Y])), 1.0)
    assert I.edge_energy(np.ones((1, 3, 3)) + np.eye(3))[0] < 0.01  # diagonal line: no edge part
    random = np.random.default_rng(0).normal(size=(4000, 3, 3))
    assert abs(I.edge_energy(random).mean() - 2 / 8) < 0.02  # 2 of 8 zero-mean dimensions
    with pytest.raises(ValueError, match="'kernels'"):
        I.edge_energy(np.ones((2, 5, 5)))


def test_first_layer_kernels_and_plots():
    model = C.small_cnn(filters=(4, 2), dense=4)
    k = I.first_layer_kernels(model)
    assert k.shape == (4, 3, 3)
    np.testing.assert_array_equal(k[1], model.get_layer("conv_1").get_weights()[0][:, :, 0, 1])
    I.plot_kernels(k)
    with pytest.raises(ValueError, match="'model'.*Conv2D"):
        I.first_layer_kernels(C.mlp(hidden=(4,)))
    plt.close("all")


def test_layer_outputs_match_keras_layer():
    model = C.small_cnn(filters=(4, 2), dense=4)
    x = np.random.default_rng(0).random((2, 28, 28, 1)).astype("float32")
    outs = I.layer_outputs(model, x, ["conv_1", "output"])
    assert outs["conv_1"].shape == (2, 26, 26, 4)
    np.testing.assert_allclose(outs["output"], model.predict(x, verbose=0), rtol=1e-5, atol=1e-6)
    I.plot_feature_maps(outs["conv_1"][0], n=4)
    assert list(I.layer_outputs(model, x)) == [layer.name for layer in model.layers][1:]  # not Input
    assert list(I.layer_outputs(model, x, "conv_1")) == ["conv_1"]
    with pytest.raises(ValueError, match="'names'"):
        I.layer_outputs(model, x, ["nope"])
    plt.close("all")


def test_layer_outputs_of_an_encoder_decoder_model():
    """Layers are found in both parts of a model made of an encoder and a decoder."""
    encoder = keras.Sequential([keras.Input((6,)), keras.layers.Dense(3, name="code")],
                               name="encoder")
    decoder = keras.Sequential([keras.Input((3,)), keras.layers.Dense(6, name="out")],
                               name="decoder")

    class Pair(keras.Model):
        def __init__(self):
            super().__init__()
            self.encoder, self.decoder = encoder, decoder

        def call(self, x):
            return self.decoder(self.encoder(x))

    x = np.random.default_rng(0).random((4, 6)).astype("float32")
    outs = I.layer_outputs(Pair(), x, ["out", "code"])
    assert list(outs) == ["code", "out"]  # in data-flow order
    np.testing.assert_allclose(outs["code"], encoder.predict(x, verbose=0), rtol=1e-6)
    np.testing.assert_allclose(outs["out"], Pair()(x), rtol=1e-5, atol=1e-6)


def test_loss_slice_centre_is_current_loss_and_weights_restored():
    du.setup(0, style=False)
    x, y = C.four_class_problem(n=200, seed=0)
    model = C.dense_classifier()
    before = [w.copy() for w in model.get_weights()]
    a, b, losses = I.loss_slice(model, x, y, span=0.5, n=5)
    assert losses.shape == (5, 5) and np.all(np.isfinite(losses))
    centre = float(keras.losses.SparseCategoricalCrossentropy()(y, model.predict(x, verbose=0)))
    np.testing.assert_allclose(losses[2, 2], centre, rtol=1e-5)
    for w0, w1 in zip(before, model.get_weights()):
        np.testing.assert_array_equal(w0, w1)
    with pytest.raises(ValueError, match="'span'"):
        I.loss_slice(model, x, y, span=0.0)
    with pytest.raises(ValueError, match="'n'"):
        I.loss_slice(model, x, y, n=1)


def test_bad_inputs():
    with pytest.raises(ValueError, match="'model'"):
        I.first_layer_kernels("cnn")
    with pytest.raises(ValueError, match="'model'"):
        I.layer_outputs(None, np.zeros((1, 2)))
    with pytest.raises(ValueError, match="'kernels'"):
        I.plot_kernels(np.zeros((3, 3)))
    with pytest.raises(ValueError, match="'maps'"):
        I.plot_feature_maps(np.zeros((3, 3)))
    with pytest.raises(ValueError, match="'model'"):
        I.random_directions([1, 2])
    with pytest.raises(ValueError, match="'model'.*Dense"):
        I.signal_statistics(keras.Sequential([keras.Input((4,)), keras.layers.Flatten()]),
                            np.zeros((2, 4)), np.zeros(2))


def test_signal_statistics_zero_init_has_no_gradient():
    x = np.random.default_rng(0).random((16, 28, 28, 1)).astype("float32")
    y = np.arange(16) % 10
    zeros = I.signal_statistics(C.mlp(hidden=(8, 8), kernel_initializer="zeros"), x, y)
    assert zeros["layers"] == ["dense_1", "dense_2", "output"]
    assert np.all(zeros["gradient_std"] == 0) and np.all(zeros["activation_std"][:2] == 0)
    glorot = I.signal_statistics(C.mlp(hidden=(8, 8)), x, y)
    assert np.all(glorot["gradient_std"] > 0)
    I.plot_signal_statistics({"zeros": zeros, "glorot": glorot})
    plt.close("all")
