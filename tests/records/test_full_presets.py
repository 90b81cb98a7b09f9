"""Every recipe's ``full`` preset builds its model and trains on a few examples (issue 21, item 5).

Each recipe is loaded at its full preset with ``limit=LIMIT`` examples per data set, its epochs
(and pre-training epochs) set to 1 and its seeds cut to the first, so that training is one or a
few steps; the test then checks that something was trained and that its losses are finite. The
full presets' paper settings are pinned by a second, instant test.
"""

import dataclasses
import functools
import time
import types

import numpy as np
import pytest

from deep_unsupervised import data as du_data
from deep_unsupervised.book import recipes

LIMIT = 10  # the fewest the loaders allow: one labelled digit per class, k-means' k = 10
SECONDS_PER_RECIPE = 30  # a preset that generates or loads huge data before the limit fails


@pytest.fixture(scope="module")
def cached_mnist(mnist_dir):
    """``data.load_mnist`` read from disk once per variant (the recipes slice, never write)."""
    real = du_data.load_mnist

    @functools.lru_cache(maxsize=None)
    def cached(flatten=False, binarize=False):
        return real(flatten=flatten, binarize=binarize)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(du_data, "load_mnist", lambda **kw: cached(**kw))
        yield


# sweeps within one recipe, cut to their first entries (every representation a label-budget
# recipe trains is a recipe of its own, smoke-tested by itself)
FIRST = {"seeds": 1, "activations": 1, "initialisers": 1, "representations": 3, "betas": 1}


def smoke_settings(settings):
    """The full settings with one epoch (and one pre-training epoch), sweeps cut short."""
    fields = {f.name for f in dataclasses.fields(settings)}
    changes = {k: 1 for k in ("epochs", "pretrain_epochs") if k in fields}
    changes.update({k: tuple(getattr(settings, k))[:n] for k, n in FIRST.items() if k in fields})
    return dataclasses.replace(settings, **changes)


def training_records(trained):
    """(name, values) of everything trained: Keras histories, arrays, per-epoch losses."""
    import keras

    if isinstance(trained, keras.Model):
        history = getattr(getattr(trained, "history", None), "history", None)
        assert history, f"{trained.name} has no training history: was it fitted?"
        return [(f"{trained.name}.{k}", v) for k, v in history.items()]
    if isinstance(trained, np.ndarray):
        return [("array", trained)]
    if isinstance(trained, dict):
        return [r for v in trained.values() for r in training_records(v)]
    if isinstance(trained, (list, tuple)):
        return [r for v in trained for r in training_records(v)]
    if isinstance(trained, types.SimpleNamespace):
        return [r for k, v in vars(trained).items() if k != "stats"
                for r in training_records(v)]
    if hasattr(trained, "W"):  # PCA: closed form
        return [("W", trained.W)]
    return []


def _finite(values) -> bool:
    return bool(np.all(np.isfinite(np.asarray(values, dtype=float))))


# data sizes that ``limit=LIMIT`` caps (``min(size, LIMIT)``, or ``LIMIT // 10`` labels per class)
CAPPED = {"n_train", "n_test", "n_val", "n_domain", "per_class"}


def distinct_smoke_runs() -> list[str]:
    """One recipe of every group whose smoke runs are the same computation: the same training and
    loading functions and the same smoke settings but for sizes that the limit caps (such as
    ``dbn-classifier`` and ``dbn-classifier-5000``, 100 and 500 labels per class, both cut to 3)."""
    first: dict = {}
    for name in recipes.names():
        recipe = recipes.get(name)
        s = smoke_settings(recipe.settings("full"))
        kept = tuple((k, repr(v)) for k, v in dataclasses.asdict(s).items() if k not in CAPPED)
        first.setdefault((recipe.trainer, recipe.loader, type(s), kept), name)
    return sorted(first.values())


@pytest.mark.parametrize("name", distinct_smoke_runs())
def test_full_preset_trains_a_step(name, cached_mnist, eager, monkeypatch):
    monkeypatch.setenv("BOOK_SCALE", "full")  # recipes that train other recipes use it too
    recipe = recipes.get(name)
    s = smoke_settings(recipe.settings("full"))
    start = time.perf_counter()
    data = recipe.load(s, limit=LIMIT)
    assert time.perf_counter() - start < SECONDS_PER_RECIPE, f"{name}: loading is too slow"
    for part in ("x_train", "x_test"):
        x = getattr(data, part, None)  # a loader without test data leaves x_test None
        assert x is None or len(x) <= LIMIT, f"{name}: {part} ignores the limit"
    trained = recipe.train(s, data, label=name)  # as benchmarks/run.py labels it
    records = training_records(trained)
    assert records, f"{name}: nothing trained"
    bad = [key for key, values in records if not _finite(values)]
    assert not bad, f"{name}: non-finite training records {bad}"


def test_full_presets_follow_their_papers():
    """The settings the sources name (so an edit that drifts from the paper fails here)."""
    get = lambda name: recipes.get(name).settings("full")  # noqa: E731
    v16 = get("vae-16")  # Burda et al. (2016)
    assert (v16.hidden, v16.batch_size, v16.epochs, v16.iw_k) == ((200, 200), 20, 3280, 5000)
    v2 = get("vae-2")  # Kingma & Welling (2014)
    assert (v2.hidden, v2.batch_size) == ((500,), 100)
    dcgan = get("dcgan")  # Radford et al. (2016)
    assert (dcgan.d_lr, dcgan.g_lr, dcgan.beta_1, dcgan.batch_size, dcgan.latent_dim) == (
        2e-4, 2e-4, 0.5, 128, 100)
    wgan = get("wgan-gp")  # Gulrajani et al. (2017), algorithm 1
    assert (wgan.loss, wgan.d_steps, wgan.gp_weight, wgan.d_lr, wgan.beta_1, wgan.beta_2) == (
        "wasserstein", 5, 10.0, 1e-4, 0.0, 0.9)
    dbn = get("dbn-classifier")  # Hinton et al. (2006)
    assert (dbn.hidden_sizes, dbn.pretrain_epochs, dbn.pretrain_batch_size) == (
        (500, 500, 2000), 30, 100)
    cycle = get("cyclegan")  # Zhu et al. (2017)
    assert (cycle.cycle_weight, cycle.identity_weight, cycle.learning_rate, cycle.epochs) == (
        10.0, 5.0, 2e-4, 200)
    for name in ("mlp", "cnn", "dcgan", "wgan-gp", "conv-vae-16", "kmeans-pca", "denoising-ae"):
        s = get(name)
        assert getattr(s, "n_train", 60_000) >= 60_000, f"{name} does not use every digit"


def test_every_recipe_names_its_source_and_target():
    for name in recipes.names():
        r = recipes.get(name)
        assert len(r.source) > 40, f"{name}: source too vague: {r.source!r}"
        if r.chapter != "beta_vae":  # recipes/beta_vae.py is another helper's, in progress
            assert r.target, f"{name}: no target (write 'none: ...' when there is none)"
        if not r.target.startswith("none"):
            assert any(ch.isdigit() for ch in r.target), f"{name}: target without a figure"

