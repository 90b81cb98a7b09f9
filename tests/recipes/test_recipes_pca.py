"""The recipes of chapters/pca.ipynb and chapters/unsupervised_learning.ipynb, on tiny data."""

import numpy as np
import pytest

from deep_unsupervised import data as du_data
from deep_unsupervised.book import recipes
from deep_unsupervised.clustering import assign, cluster_purity


def test_kmeans_pca_recipe_clusters_and_grades(tiny_mnist_dir, monkeypatch):
    real_load = du_data.load_mnist  # the tiny random files fail the MNIST checksums
    monkeypatch.setattr(du_data, "load_mnist", lambda data_dir=None, **kw: real_load(
        tiny_mnist_dir, flatten=kw.get("flatten", False), verify=False))
    recipe = recipes.get("kmeans-pca")
    s = recipe.settings("ci")
    data = recipe.load(s)
    assert data.x_train.shape == (12, 784) and len(data.x_test) == 5
    model = recipe.train(s, data)
    assert model.codes.shape == (12, s.pca_m) and model.centres.shape == (s.k, s.pca_m)
    quality = recipe.evaluate(s, model, data)
    assert quality["purity"] == pytest.approx(cluster_purity(model.clusters, data.y_train))
    test_clusters = assign(model.pca.encode(data.x_test), model.centres)
    assert quality["test_purity"] == pytest.approx(cluster_purity(test_clusters, data.y_test))
    assert 0.1 < quality["purity"] <= 1.0


def test_spiral_recipe_trains_a_one_number_code(eager):
    recipe = recipes.get("spiral-ae")
    s = recipe.settings("ci")
    assert s.code_dim == 1 and s.hidden == (64, 64)
    data = recipe.load(s, limit=100)
    assert data.x_train.shape == (100, 2) and data.x_test.shape == (100, 2)
    assert not np.allclose(data.x_train, data.x_test)  # fresh test points (another seed)
    model = recipe.train(s.__class__(**{**s.__dict__, "epochs": 1}), data, label="test")
    quality = recipe.evaluate(s, model, data)
    assert set(quality) == {"squared_error", "distance_to_spiral"}
    assert model.encoder.output_shape[-1] == 1
