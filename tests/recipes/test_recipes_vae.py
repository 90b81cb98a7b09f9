"""The recipes of chapters/vae.ipynb (``vae-2``, ``vae-16``), on tiny data."""

import dataclasses

import numpy as np
import pytest

from deep_unsupervised import data as du_data
from deep_unsupervised.book import recipes
from deep_unsupervised import vae as V


def test_the_two_recipes_differ_only_in_code_size_and_epochs():
    s2, s16 = recipes.get("vae-2").settings("ci"), recipes.get("vae-16").settings("ci")
    assert dataclasses.replace(s16, latent_dim=2, epochs=s2.epochs) == s2
    assert (s2.latent_dim, s16.latent_dim) == (2, 16)
    full2, full16 = recipes.get("vae-2").settings("full"), recipes.get("vae-16").settings("full")
    assert full2.epochs > s2.epochs and full2.hidden == (500,) and full2.batch_size == 100
    assert full16.epochs > s16.epochs and full16.hidden == (200, 200) and full16.batch_size == 20


def test_vae_recipe_loads_trains_and_evaluates(tiny_mnist_dir, monkeypatch, eager):
    real_load = du_data.load_mnist  # the tiny random files fail the MNIST checksums
    monkeypatch.setattr(du_data, "load_mnist", lambda data_dir=None, **kw: real_load(
        tiny_mnist_dir, binarize=kw.get("binarize", False), verify=False))
    recipe = recipes.get("vae-2")
    s = dataclasses.replace(recipe.settings("ci"), hidden=(8,), epochs=1, iw_k=3, iw_n=4)
    data = recipe.load(s, limit=10)
    assert data.x_train.shape == (10, 28, 28, 1) and data.x_test.shape == (5, 28, 28, 1)
    assert set(np.unique(data.x_train)) <= {0.0, 1.0}
    model = recipe.train(s, data, label="test")
    assert isinstance(model, V.VAE) and model.encoder.outputs[0].shape[-1] == 2
    assert len(model.history.history["loss"]) == 1
    quality = recipe.evaluate(s, model, data)
    assert set(quality) == {"neg_elbo", "reconstruction", "kl", "neg_elbo_iw_subset", "iw_nll_k3"}
    assert quality["neg_elbo"] == pytest.approx(quality["reconstruction"] + quality["kl"])


def test_bad_limit():
    with pytest.raises(ValueError, match="'limit'"):
        recipes.get("vae-2").load(recipes.get("vae-2").settings("ci"), limit=0)
