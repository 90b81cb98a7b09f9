"""recipes: the registry, scale selection, and one source of settings for chapters and benchmarks."""

import dataclasses
import json
import re
from pathlib import Path

import numpy as np
import pytest

from deep_unsupervised.book import recipes

ROOT = Path(__file__).resolve().parents[2]


@dataclasses.dataclass(frozen=True)
class _Settings:
    epochs: int = 1
    batch_size: int = 2


def _recipe(**kwargs):
    fields = dict(name="test-recipe", chapter="none", description="a test",
                  presets={"ci": _Settings(), "full": _Settings(epochs=9)},
                  trainer=lambda *a, **k: None)
    fields.update(kwargs)
    return recipes.Recipe(**fields)


@dataclasses.dataclass(frozen=True)
class _SeededSettings:
    seed: int = 3


def test_train_seeds_every_generator_from_the_settings_unless_a_model_is_passed():
    import keras

    def first_draws():  # NumPy's next number and a new layer's initial weights
        layer = keras.layers.Dense(3)
        layer.build((None, 2))
        return np.random.random(), keras.ops.convert_to_numpy(layer.kernel)

    draws = []
    r = _recipe(presets={"ci": _SeededSettings(), "full": _SeededSettings()},
                trainer=lambda s, data, **k: draws.append(first_draws()))
    r.train(_SeededSettings(), None)
    first_draws()                                  # move the generators on
    r.train(_SeededSettings(), None)
    assert draws[1][0] == draws[0][0]              # the same start: a run repeats exactly
    np.testing.assert_array_equal(draws[1][1], draws[0][1])
    r.train(_SeededSettings(), None, model="built and seeded already")
    assert draws[2][0] != draws[0][0]              # a passed model's training goes on


def test_load_checks_the_limit_once_and_loaders_cap_with_it():
    r = _recipe(loader=lambda s, limit=None: recipes.Split(
        x_train=np.arange(10)[:recipes.capped(10, limit)], x_test=np.arange(5)[:limit]))
    assert len(r.load(_Settings()).x_train) == 10              # no limit: everything
    data = r.load(_Settings(), limit=3)
    assert (len(data.x_train), len(data.x_test)) == (3, 3)
    assert recipes.capped(2, 3) == 2 and recipes.capped(7, None) == 7
    with pytest.raises(ValueError, match="'limit'"):
        r.load(_Settings(), limit=0)
    assert _recipe().load(_Settings()) is None                 # no loader: no data


def test_split_is_frozen_so_evaluation_cannot_write_into_the_data():
    data = recipes.Split(x_train=np.zeros((4, 2)), x_test=np.ones((2, 2)))
    assert data.y_train is None and len(data.x_test) == 2
    with pytest.raises(dataclasses.FrozenInstanceError):
        data.features = "a feature extractor"


def test_scale_from_argument_and_environment(monkeypatch):
    r = _recipe()
    monkeypatch.delenv("BOOK_SCALE", raising=False)
    assert r.settings().epochs == 1 and r.settings("full").epochs == 9
    monkeypatch.setenv("BOOK_SCALE", "full")
    assert r.settings().epochs == 9 and r.settings("ci").epochs == 1
    monkeypatch.setenv("BOOK_SCALE", "huge")
    with pytest.raises(ValueError, match="Invalid value for argument 'BOOK_SCALE'"):
        r.settings()
    with pytest.raises(ValueError, match="Invalid value for argument 'scale'"):
        r.settings("medium")


def test_recipe_needs_frozen_settings_for_every_scale():
    with pytest.raises(ValueError, match="presets"):
        _recipe(presets={"ci": _Settings()})
    with pytest.raises(ValueError, match="frozen dataclass"):
        _recipe(presets={"ci": {"epochs": 1}, "full": _Settings()})


def test_a_benchmarked_recipe_names_its_metric_and_which_way_is_better():
    r = _recipe(primary="mse", direction="lower", evaluate=lambda *a: {"mse": 0.0})
    assert (r.primary, r.direction) == ("mse", "lower")
    with pytest.raises(ValueError, match="Invalid value for argument 'direction'"):
        _recipe(primary="mse", direction="smaller", evaluate=lambda *a: {})
    with pytest.raises(ValueError, match="Invalid value for argument 'primary'"):
        _recipe(direction="lower")  # a direction without a metric (or without evaluate)


def test_unknown_recipe_and_double_registration():
    with pytest.raises(ValueError, match="Invalid value for argument 'name'"):
        recipes.get("no-such-recipe")
    r = _recipe(name="test-recipe-twice")
    recipes.register(r)
    try:
        with pytest.raises(ValueError, match="registered twice"):
            recipes.register(_recipe(name="test-recipe-twice"))
    finally:
        recipes.REGISTRY.pop("test-recipe-twice")


def test_every_recipe_has_epochs_batch_size_and_a_full_preset():
    for name in recipes.names():
        r = recipes.get(name)
        for scale in recipes.SCALES:
            fields = {f.name for f in dataclasses.fields(r.settings(scale))}
            assert {"epochs", "batch_size"} <= fields, f"{name} at {scale}: {fields}"
        assert r.source, f"recipe {name} does not say where its full preset comes from"


def _code_and_outputs(notebook: Path) -> tuple[str, str]:
    nb = json.loads(notebook.read_text())
    code, outputs = [], []
    for cell in nb["cells"]:
        if cell["cell_type"] != "code":
            continue
        code.append("".join(cell["source"]))
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            for text in (out.get("text", ""), data.get("text/plain", ""), data.get("text/html", "")):
                outputs.append("".join(text))
    return "\n".join(code), "\n".join(outputs)


def _book_entries():
    from benchmarks.registry import build

    return [e for e in build().values() if e.kind == "book"]


def test_benchmarks_and_chapters_share_each_recipe():
    """A benchmark entry runs its chapter's recipe, and the chapter trains that same recipe."""
    missing = []
    for e in _book_entries():
        if e.recipe is None:
            missing.append(f"{e.name}: benchmark entry does not run a recipe")
            continue
        notebook = ROOT / e.chapter
        code, outputs = _code_and_outputs(notebook)
        # recipes.get("name"), or the name in a list the chapter loops over with recipes.get
        if not (re.search(r"recipes\.get\(", code)
                and re.search(rf"['\"]{re.escape(e.recipe)}['\"]", code)):
            missing.append(f"{e.name}: {e.chapter} never trains recipe {e.recipe!r}")
    assert not missing, "\n".join(missing)


def test_chapters_never_change_recipe_settings():
    for notebook in sorted((ROOT / "chapters").glob("*.ipynb")):
        code, _ = _code_and_outputs(notebook)
        changes = re.search(r"dataclasses\.replace\(|from dataclasses import[^\n]*\breplace\b", code)
        assert not changes, f"{notebook.name} changes recipe settings with dataclasses.replace()"


def test_settings_table_one_row_per_field_and_a_column_per_recipe():
    one = str(recipes.settings_table(_Settings()))
    assert one.splitlines() == ["| setting | value |", "|---|---|",
                                "| `epochs` | `1` |", "| `batch_size` | `2` |"]

    @dataclasses.dataclass(frozen=True)
    class Other:
        epochs: int = 5
        dropout: float = 0.5

    two = recipes.settings_table(plain=_Settings(), dropout=Other())
    assert two._repr_markdown_() == str(two)
    assert "| `epochs` | `1` | `5` |" in two and "| `dropout` | – | `0.5` |" in two
    with pytest.raises(TypeError, match="recipe's settings"):
        recipes.settings_table({"epochs": 1})
    with pytest.raises(ValueError, match="one settings object"):
        recipes.settings_table(_Settings(), _Settings())


def test_every_recipe_loader_keeps_each_label_with_its_image(labelled_mnist_dir, monkeypatch):
    """Every recipe that loads MNIST digits with their labels, at its ci preset and under a limit,
    returns each split's labels in the order of its images (the images show their labels)."""
    from conftest import labels_shown

    from deep_unsupervised import data as du_data

    real_load = du_data.load_mnist  # the test files fail the MNIST checksums
    monkeypatch.setattr(du_data, "load_mnist", lambda data_dir=None, **kw: real_load(
        labelled_mnist_dir, verify=False, **kw))
    checked = []
    for name in recipes.names():
        recipe = recipes.get(name)
        if recipe.loader is None:
            continue
        for limit in (100, 40):  # 100: every test digit, and 10 labels per class to choose
            data = recipe.load(recipe.settings("ci"), limit=limit)
            for split in ("train", "val", "test"):
                x, y = getattr(data, f"x_{split}", None), getattr(data, f"y_{split}", None)
                if x is None or y is None or np.asarray(x).size != len(x) * 784:
                    continue
                assert len(x) == len(y), (name, limit, split)
                np.testing.assert_array_equal(labels_shown(x), y, err_msg=f"{name} x_{split}")
                checked.append(name)
    # the loaders with labelled digits: autoencoders, classifiers, k-means, DBN, β-VAE codes
    assert {"mlp", "conv-ae", "kmeans-pca", "dbn-classifier", "beta-vae-mnist-codes",
            "mlp-dropout-500", "initialisation"} <= set(checked)

