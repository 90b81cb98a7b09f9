"""Tests for the recipes of the two GAN chapters (recipes/gan_framework.py, recipes/dcgan.py):
each training function uses its settings' optimisers, rates, schedule and options."""

import dataclasses
import types

import numpy as np
import pytest

from deep_unsupervised.book import recipes
from deep_unsupervised.book.recipes import dcgan as dc
from deep_unsupervised.book.recipes import gan_framework as gf


def _rate(optimizer):
    return float(np.asarray(optimizer.learning_rate))


def test_toy_recipe_uses_its_settings(eager):
    s = gf.ToyGANSettings(loss="wasserstein", d_steps=2, epochs=2, seeds=(0, 1), n_train=256,
                          n_samples=200, learning_rate=3e-3)
    data = gf.load_mixture(s)
    runs = gf.train_toy_gan(s, data)
    assert len(runs) == 2
    for model, coverage in runs:
        assert coverage.shape == (2, 2)
        assert (model.loss_name, model.d_steps, model.gp_weight) == ("wasserstein", 2, 1.0)
        for opt in (model.d_optimizer, model.g_optimizer):  # constant rate, β1 = 0.5
            assert _rate(opt) == pytest.approx(3e-3) and opt.beta_1 == 0.5
        assert int(model.d_optimizer.iterations) == 2 * int(model.g_optimizer.iterations)
    result = gf.evaluate_coverage(s, runs, data)
    assert result["n_modes"] == 8 and 0 <= result["modes_mean"] <= 8


def test_grid_recipe_data():
    s = recipes.get("toy-ns-grid").settings("ci")
    data = gf.load_mixture(s, limit=100)
    assert data.centres.shape == (25, 2) and data.x_train.shape == (100, 2)


@pytest.fixture
def digits():
    rng = np.random.default_rng(0)
    mnist = types.SimpleNamespace(x_train=rng.uniform(size=(64, 28, 28, 1)).astype("float32"))
    return types.SimpleNamespace(mnist=mnist, x_train=mnist.x_train, x_test=mnist.x_train[:8],
                                 limit=64)


@pytest.mark.parametrize("name", ["dcgan", "wgan-gp"])
def test_gan_recipe_uses_its_settings(name, digits, eager):
    s = dataclasses.replace(recipes.get(name).settings("ci"), epochs=1, batch_size=32)
    model = recipes.get(name).train(s, digits)
    assert (model.loss_name, model.d_steps, model.latent_dim) == (s.loss, s.d_steps, 32)
    assert _rate(model.d_optimizer) == pytest.approx(s.d_lr)
    assert _rate(model.g_optimizer) == pytest.approx(s.g_lr)
    assert model.d_optimizer.beta_1 == s.beta_1 and model.g_optimizer.beta_2 == s.beta_2
    assert int(model.d_optimizer.iterations) == 2 * s.d_steps


def test_cyclegan_recipe_uses_its_settings(digits, eager):
    import tensorflow as tf

    s = dc.CycleGANSettings(epochs=1, identity_weight=2.0, learning_rate=2e-3)
    a = digits.x_train[:16]
    data = types.SimpleNamespace(pairs=tf.data.Dataset.from_tensor_slices((a, a)).batch(8))
    model = recipes.get("cyclegan").train(s, data)
    assert (model.cycle_weight, model.identity_weight) == (10.0, 2.0)
    assert _rate(model.g_optimizer) == pytest.approx(2e-3) and model.g_optimizer.beta_1 == 0.5
    assert int(model.d_optimizer.iterations) == 2


def test_presets_differ_only_in_scale():
    for name in recipes.names(chapter="dcgan") + recipes.names(chapter="gan_framework"):
        recipe = recipes.get(name)
        assert recipe.settings("ci") != recipe.settings("full")
