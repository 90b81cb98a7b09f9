"""Tests of deep_unsupervised.dbn: greedy stacking and the hand-over of weights to a classifier."""

import deep_unsupervised as du

du.setup(seed=0, style=False)

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from deep_unsupervised import dbn as D  # noqa: E402
from deep_unsupervised.rbm import RBM  # noqa: E402


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(0)
    prototypes = (rng.random((3, 12)) < 0.5).astype(np.float32)
    noise = rng.random((300, 12)) < 0.05
    return np.abs(prototypes[rng.integers(0, 3, 300)] - noise).astype(np.float32)


@pytest.fixture(scope="module")
def dbn(data):
    return D.greedy_pretrain(data, hidden_sizes=(8, 4), epochs=3, batch_size=50, seed=0)


def test_greedy_stack_shapes(dbn, data):
    assert dbn.layer_sizes == (12, 8, 4)
    assert dbn.transform(data).shape == (300, 4)
    assert dbn.transform(data, depth=1).shape == (300, 8)
    assert dbn.generate(5, gibbs_steps=3).shape == (5, 12)


def test_mean_propagation_trains_upper_layers_on_probabilities(data):
    stack = D.greedy_pretrain(data, hidden_sizes=(6, 3), epochs=1, batch_size=50, propagate="mean")
    assert not stack.rbms[1].require_binary
    assert stack.transform(data).shape == (300, 3)


def test_classifier_from_dbn_computes_the_dbn_features(dbn, data):
    """Before fine-tuning, the classifier's hidden layers compute the DBN's mean-field up-pass."""
    model = D.classifier_from_dbn(dbn, n_classes=3, seed=0)
    hidden = model.layers[-2].output
    import keras

    features = keras.Model(model.inputs, hidden).predict(data, verbose=0)
    np.testing.assert_allclose(features, dbn.transform(data), rtol=1e-4, atol=1e-5)
    assert model.predict(data[:4], verbose=0).shape == (4, 3)


def test_mlp_classifier_initialisers_are_seeded():
    a = D.mlp_classifier(12, (8,), 3, kernel_initializer="glorot_uniform", seed=1)
    b = D.mlp_classifier(12, (8,), 3, kernel_initializer="glorot_uniform", seed=1)
    c = D.mlp_classifier(12, (8,), 3, kernel_initializer="glorot_uniform", seed=2)
    np.testing.assert_array_equal(a.layers[0].get_weights()[0], b.layers[0].get_weights()[0])
    assert not np.array_equal(a.layers[0].get_weights()[0], c.layers[0].get_weights()[0])


def test_bad_inputs(data):
    with pytest.raises(ValueError, match="propagate"):
        D.greedy_pretrain(data, hidden_sizes=(4,), propagate="max")
    with pytest.raises(ValueError, match="binary"):
        D.greedy_pretrain(data * 0.5, hidden_sizes=(4,))
    with pytest.raises(ValueError, match="shape"):
        D.greedy_pretrain(data.ravel(), hidden_sizes=(4,))
    with pytest.raises(ValueError, match="do not stack"):
        D.DBN([RBM(12, 8), RBM(6, 4)])
    with pytest.raises(ValueError, match="rbms"):
        D.DBN([])
