"""Tests for deep_unsupervised.classifiers: softmax/cross-entropy against Keras, builders, the toy problem."""

import numpy as np
import pytest

import deep_unsupervised as du
import keras
from deep_unsupervised import classifiers as C


def test_softmax_matches_keras_and_sums_to_one():
    z = np.random.default_rng(0).normal(size=(5, 4)).astype("float32") * 10
    p = np.asarray(C.softmax(z))
    np.testing.assert_allclose(p, np.asarray(keras.activations.softmax(z)), rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(p.sum(axis=1), 1.0, rtol=1e-6)


def test_cross_entropy_matches_keras_loss():
    rng = np.random.default_rng(1)
    p = np.asarray(C.softmax(rng.normal(size=(6, 4)).astype("float32")))
    labels = rng.integers(0, 4, size=6)
    onehot = np.eye(4, dtype="float32")[labels]
    ours = np.asarray(C.cross_entropy(onehot, p))
    np.testing.assert_allclose(ours, -np.log(p[np.arange(6), labels]), rtol=1e-5)
    keras_loss = float(keras.losses.CategoricalCrossentropy()(onehot, p))
    np.testing.assert_allclose(ours.mean(), keras_loss, rtol=1e-5)
    sparse = float(keras.losses.SparseCategoricalCrossentropy()(labels, p))
    np.testing.assert_allclose(ours.mean(), sparse, rtol=1e-5)


def test_cross_entropy_shape_mismatch():
    with pytest.raises(ValueError, match="'y'"):
        C.cross_entropy(np.ones((2, 3)), np.ones((2, 4)) / 4)


def test_lecture_network_architecture():
    model = C.dense_classifier()
    assert model.input_shape == (None, 7)
    assert model.output_shape == (None, 4)
    assert C.count_params(model) == {"hidden_1": 7 * 7 + 7, "output": 7 * 4 + 4}
    assert C.count_params(C.dense_classifier(hidden=())) == {"output": 7 * 4 + 4}


def test_four_class_problem_has_zero_class_means_and_learns():
    x, y = C.four_class_problem(n=2000, seed=0)
    assert x.shape == (2000, 7) and set(np.unique(y)) == {0, 1, 2, 3}
    for k in range(4):
        assert np.abs(x[y == k].mean(axis=0)).max() < 0.4  # symmetric blobs: linear methods fail
    du.setup(0, style=False)
    model = C.dense_classifier(hidden=(16,))
    C.fit(model, x, y, epochs=10, batch_size=128, learning_rate=3e-2, progress=False)
    assert model.evaluate(x, y, verbose=0)[1] > 0.5


def test_mnist_builders_shapes():
    for model in (C.mlp(hidden=(8, 8)), C.small_cnn(filters=(2, 4), dense=8), C.mlp(hidden=(4,), dropout=0.5)):
        out = model.predict(np.zeros((3, 28, 28, 1), "float32"), verbose=0)
        assert out.shape == (3, 10)
        np.testing.assert_allclose(out.sum(axis=1), 1.0, rtol=1e-5)
    names = [layer.name for layer in C.small_cnn().layers]
    assert names[1:5] == ["conv_1", "pool_1", "conv_2", "pool_2"]


def test_builders_return_uncompiled_models_that_round_trip(tmp_path):
    x = np.random.default_rng(0).random((3, 28, 28, 1)).astype("float32")
    for model in (C.mlp(hidden=(8,), dropout=0.5), C.small_cnn(filters=(2,), dense=4)):
        assert not model.compiled  # uncompiled: training settings live in fit
        path = tmp_path / f"{model.name}.keras"
        model.save(path)
        loaded = keras.models.load_model(path)
        np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0),
                                   rtol=1e-6)


def test_numpy_scalars_are_valid_sizes():
    model = C.dense_classifier(n_inputs=np.int64(5), hidden=(np.int32(3),), n_classes=np.int64(2))
    assert model.output_shape == (None, 2)
    assert C.mlp(hidden=(4,), dropout=np.float32(0.25)).output_shape == (None, 10)


def test_bad_arguments():
    with pytest.raises(ValueError, match="'dropout'.*dropout=1.0"):
        C.mlp(dropout=1.0)
    with pytest.raises(ValueError, match="'hidden'"):
        C.mlp(hidden=(0,))
    with pytest.raises(ValueError, match="'input_shape'"):
        C.mlp(input_shape=(28, -1))
    with pytest.raises(ValueError, match="'filters'"):
        C.small_cnn(filters=(16, -1))
    with pytest.raises(ValueError, match="'kernel_size'"):
        C.small_cnn(kernel_size=0)
    with pytest.raises(ValueError, match="'input_shape'"):
        C.small_cnn(input_shape=(28, 28))
    with pytest.raises(ValueError, match="'n_inputs'"):
        C.dense_classifier(n_inputs=0)
    with pytest.raises(ValueError, match="'hidden'"):
        C.dense_classifier(hidden=7)
    with pytest.raises(ValueError, match="'n'.*n=2"):
        C.four_class_problem(n=2)
    with pytest.raises(ValueError, match="'noise'"):
        C.four_class_problem(noise=-1.0)
    with pytest.raises(ValueError, match="'eps'"):
        C.cross_entropy(np.ones((2, 3)), np.ones((2, 3)) / 3, eps=1.0)
    with pytest.raises(ValueError, match="'z'"):
        C.softmax(np.array(["a", "b"]))
    with pytest.raises(ValueError, match="'model'"):
        C.count_params("mlp")
