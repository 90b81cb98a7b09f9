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
    return D.greedy_pretrain(data, hidden_sizes=(8, 4), epochs=3, batch_size=50, seed=0, progress=False)


def test_greedy_stack_shapes(dbn, data):
    assert dbn.layer_sizes == (12, 8, 4)
    assert dbn.transform(data).shape == (300, 4)
    assert dbn.transform(data, depth=1).shape == (300, 8)
    assert dbn.generate(5, gibbs_steps=3).shape == (5, 12)


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


def test_propagate_up_samples_or_averages(data):
    rbm = RBM(12, 8, seed=0)
    rbm.W.assign(np.random.default_rng(0).normal(0, 1, (8, 12)))
    p = np.asarray(rbm.hidden_probabilities(data))
    mean = D.propagate_up(rbm, data, "mean")
    np.testing.assert_allclose(mean, p, rtol=1e-6)
    sample = D.propagate_up(rbm, data, "sample")
    assert set(np.unique(sample)) <= {0.0, 1.0}
    assert abs(sample.mean() - p.mean()) < 0.02  # Bernoulli draws with these probabilities


def test_greedy_pretrain_trains_each_layer_on_the_features_below(data, monkeypatch, eager):
    """Each RBM gets the settings asked for and is fitted on the features of the one below."""
    seen, fit = [], RBM.fit

    def recording_fit(self, x=None, y=None, **kwargs):
        seen.append((np.array(x), kwargs["epochs"], kwargs["batch_size"]))
        return fit(self, x, y, **kwargs)

    monkeypatch.setattr(RBM, "fit", recording_fit)
    for propagate in ("mean", "sample"):
        seen.clear()
        stack = D.greedy_pretrain(data, hidden_sizes=(6, 3), epochs=2, batch_size=50, k=2,
                                  propagate=propagate, seed=0, progress=False)
        assert [r.k for r in stack.rbms] == [2, 2]
        assert [(e, b) for _, e, b in seen] == [(2, 50), (2, 50)]
        np.testing.assert_array_equal(seen[0][0], data)
        p = np.asarray(stack.rbms[0].hidden_probabilities(data))
        assert stack.rbms[1].require_binary == (propagate == "sample")
        assert stack.transform(data).shape == (300, 3)
        if propagate == "mean":
            np.testing.assert_allclose(seen[1][0], p, rtol=1e-6)
        else:
            assert set(np.unique(seen[1][0])) <= {0.0, 1.0}
            assert abs(seen[1][0].mean() - p.mean()) < 0.03


def test_bad_inputs(data):
    with pytest.raises(ValueError, match="'propagate'"):
        D.greedy_pretrain(data, hidden_sizes=(4,), propagate="max")
    with pytest.raises(ValueError, match="'x'.*binary"):
        D.greedy_pretrain(data * 0.5, hidden_sizes=(4,))
    with pytest.raises(ValueError, match="'x'.*shape"):
        D.greedy_pretrain(data.ravel(), hidden_sizes=(4,))
    with pytest.raises(ValueError, match="'hidden_sizes'"):
        D.greedy_pretrain(data, hidden_sizes=())
    with pytest.raises(ValueError, match="'epochs'"):
        D.greedy_pretrain(data, hidden_sizes=(4,), epochs=0)
    with pytest.raises(ValueError, match="'momentum'"):
        D.greedy_pretrain(data, hidden_sizes=(4,), momentum=1.0)
    with pytest.raises(ValueError, match="'rbms'.*stack"):
        D.DBN([RBM(12, 8), RBM(6, 4)])
    with pytest.raises(ValueError, match="'rbms'"):
        D.DBN([])
    stack = D.DBN([RBM(12, 8)])
    with pytest.raises(ValueError, match="'depth'"):
        stack.transform(data, depth=2)
    with pytest.raises(ValueError, match="'x'"):
        stack.transform(data[:, :5])
    with pytest.raises(ValueError, match="'n'"):
        stack.generate(0)
    with pytest.raises(ValueError, match="'propagate'"):
        D.propagate_up(RBM(12, 8), data, "max")
    with pytest.raises(ValueError, match="'hidden_sizes'"):
        D.mlp_classifier(12, (0,))
    with pytest.raises(ValueError, match="'activation'"):
        D.mlp_classifier(12, (4,), activation="nope")
    with pytest.raises(ValueError, match="'kernel_initializer'"):
        D.mlp_classifier(12, (4,), kernel_initializer="nope")
    with pytest.raises(ValueError, match="'dbn'"):
        D.classifier_from_dbn([RBM(12, 8)])
