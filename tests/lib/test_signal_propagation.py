"""Tests of deep_unsupervised.signal_propagation: the gains against direct simulation."""

import deep_unsupervised as du

du.setup(seed=0, style=False)

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from deep_unsupervised import classifiers  # noqa: E402
from deep_unsupervised import signal_propagation as S  # noqa: E402


def test_forward_gain_matches_a_wide_random_relu_layer():
    rng = np.random.default_rng(0)
    n, variance = 400, 3.0 / 400
    x = rng.normal(size=(2000, n))
    w = rng.normal(0, np.sqrt(variance), size=(n, n))
    h = np.maximum(x @ w, 0)
    measured = np.sqrt(np.mean(h ** 2) / np.mean(x ** 2))
    assert S.forward_gain(n, variance, "relu") == pytest.approx(measured, rel=0.03)
    assert S.forward_gain(n, 2 / n, "relu") == pytest.approx(1.0)  # He's variance
    assert S.forward_gain(np.int64(64), 1.0) == pytest.approx(8.0)


def test_backward_gains_of_a_linear_network_are_the_weight_scales():
    keras.utils.set_random_seed(0)
    model = classifiers.mlp(input_shape=(20,), hidden=(30, 30, 30), activation="linear",
                            kernel_initializer="glorot_uniform")
    gains = S.backward_gains(model, np.random.default_rng(0).normal(size=(64, 20)))
    kernels = [layer.kernel.numpy() for layer in model.layers[3:-1]]  # W_2, W_3
    expected = [np.sqrt(k.shape[1] * k.var()) for k in kernels]
    np.testing.assert_allclose(gains["slope_rms"], 1.0)
    np.testing.assert_allclose(gains["gain"], expected, rtol=1e-5)


def test_predicted_gradient_ratio_of_a_sigmoid_network_is_close_to_the_measured_one():
    from deep_unsupervised import inspection

    keras.utils.set_random_seed(0)
    model = classifiers.mlp(input_shape=(50,), hidden=(64,) * 4, activation="sigmoid")
    rng = np.random.default_rng(1)
    x, y = rng.random((512, 50)), rng.integers(0, 10, 512)
    measured = inspection.signal_statistics(model, x, y)["gradient_std"]
    ratio = measured[0] / measured[3]
    assert ratio < 0.05  # the gradient fades towards the input
    assert 0.5 < S.predicted_gradient_ratio(model, x) / ratio < 2


def test_bad_arguments_are_named():
    with pytest.raises(ValueError, match="activation"):
        S.forward_gain(10, 0.1, "sigmoid")
    with pytest.raises(ValueError, match="fan_in"):
        S.forward_gain(0, 0.1)
    one_layer = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    with pytest.raises(ValueError, match="at least two Dense"):
        S.backward_gains(one_layer, np.zeros((1, 3)))
