"""Tests for benchmarks/run.py: the command line, the registry, quick end-to-end runs on tiny data."""

import functools
import json
import math
from pathlib import Path

import numpy as np
import pytest

import deep_unsupervised as du
from conftest import write_idx
from deep_unsupervised import data

from benchmarks import run as bench
from benchmarks.registry import build, count_weights, with_epochs

ROOT = Path(__file__).resolve().parents[2]

REGISTRY = build()

RESULT_KEYS = {"model", "chapter", "kind", "description", "params", "epochs", "batch_size",
               "train_seconds", "seconds_per_epoch", "other_seconds", "quality", "primary",
               "direction", "n_train", "n_test", "limit", "settings", "scale", "date", "cpu",
               "subject", "hash"}
MACHINE_KEYS = {"cpu_count", "platform", "python", "tensorflow", "keras", "date"}


@pytest.fixture
def small_mnist(tmp_path, monkeypatch):
    """The loader redirected to 600 training and 200 test random digits in IDX files."""
    rng = np.random.default_rng(0)
    for split, n in (("train", 600), ("test", 200)):
        write_idx(tmp_path / data.FILES[f"{split}_images"], rng.integers(0, 256, (n, 28, 28)))
        write_idx(tmp_path / data.FILES[f"{split}_labels"], rng.integers(0, 10, n))
    small = functools.partial(data.load_mnist, tmp_path, verify=False)
    monkeypatch.setattr(du, "load_mnist", small)     # the chapters' name for it
    monkeypatch.setattr(data, "load_mnist", small)   # the recipes' (data.load_mnist)
    return tmp_path


def run_cli(capsys, *argv):
    """``run.py`` in this process; returns (exit code, result objects printed, stderr text)."""
    code = bench.main(list(argv))
    out, err = capsys.readouterr()
    return code, [json.loads(line) for line in out.splitlines()], err


def test_list_names_every_model_once(capsys):
    assert bench.main(["--list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in lines] == list(REGISTRY)
    assert all(len(line.split(maxsplit=1)) == 2 for line in lines)  # every name has a description


def test_unknown_model_is_a_clear_error(capsys):
    with pytest.raises(SystemExit) as exit_info:
        bench.main(["--model", "mlp", "--model", "no-such-model"])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert "unknown model 'no-such-model'" in err and "--list" in err


@pytest.mark.parametrize("bad", ["0", "-3", "two"])
def test_epochs_and_limit_must_be_positive(capsys, bad):
    for option in ("--epochs", "--limit"):
        with pytest.raises(SystemExit):
            bench.main([option, bad])
        assert "positive integer" in capsys.readouterr().err


def test_epochs_override_changes_every_epoch_count_but_not_the_defaults():
    dbn = REGISTRY["dbn-classifier"].settings_at("ci")
    quick = with_epochs(dbn, 2)
    assert quick["epochs"] == quick["pretrain_epochs"] == 2
    assert quick["batch_size"] == dbn["batch_size"]
    assert dbn["epochs"] == 20 and dbn["pretrain_epochs"] == 5   # the chapter's settings untouched
    pca = REGISTRY["pca-32"].settings_at("ci")
    assert not with_epochs(pca, 2)["epochs"]   # nothing to train per epoch
    assert with_epochs(dbn, None) == dbn
    budget = REGISTRY["label-budget"].settings_at("ci")   # epochs=None: each representation its own
    assert budget["epochs"] is None and with_epochs(budget, 2)["epochs"] == 2


def test_every_entry_names_an_existing_chapter_and_a_metric_direction():
    for name, e in REGISTRY.items():
        assert (ROOT / e.chapter).is_file(), (name, e.chapter)
        assert e.direction in ("lower", "higher") and e.kind in ("book", "reference"), name
        assert e.settings_at("ci"), name


def test_the_registry_is_the_recipes_with_a_primary_metric_then_the_sweeps():
    from deep_unsupervised.book import recipes

    primary = {n for n in recipes.names() if recipes.get(n).primary is not None}
    assert {e.recipe for e in REGISTRY.values()} <= set(recipes.names())
    assert {n for n in REGISTRY if REGISTRY[n].recipe == n} == primary
    for name in primary:
        assert (REGISTRY[name].primary, REGISTRY[name].direction) == (
            recipes.get(name).primary, recipes.get(name).direction)
    sweeps = [e for e in REGISTRY.values() if e.name not in primary]
    assert sweeps and all(e.extra or e.name.endswith("-steps") for e in sweeps)


def test_weights_are_counted_or_none():
    class PCA:
        W, mean = np.zeros((784, 32)), np.zeros(784)

    class KMeans:
        pca, centres = PCA(), np.zeros((10, 32))

    assert count_weights(PCA()) == 784 * 33
    assert count_weights(KMeans()) == 784 * 33 + 320
    assert count_weights({"a": PCA(), "b": PCA()}) == 2 * 784 * 33
    assert count_weights({"modes": 8}) is None and count_weights(None) is None


def test_keras_io_vae_architecture_matches_the_example():
    """The example's layer sizes, counted by hand: conv 32 and 64 (3x3), Dense 16, latent 2."""
    from deep_unsupervised import vae as V

    encoder_params = (9 * 32 + 32) + (9 * 32 * 64 + 64) + (7 * 7 * 64 * 16 + 16) + 2 * (16 * 2 + 2)
    decoder_params = ((2 * 7 * 7 * 64 + 7 * 7 * 64) + (9 * 64 * 64 + 64) + (9 * 64 * 32 + 32)
                      + (9 * 32 + 1))
    assert V.conv_encoder(latent_dim=2).count_params() == encoder_params == 69_076
    assert V.conv_decoder(latent_dim=2).count_params() == decoder_params == 65_089


def test_quick_runs_print_complete_results_and_write_json(small_mnist, tmp_path, capsys, eager):
    path = tmp_path / "results.json"
    code, results, err = run_cli(capsys, "--model", "mlp", "--model", "pca-32",
                                 "--model", "kmeans-pca", "--epochs", "1", "--limit", "200",
                                 "--json", str(path))
    assert code == 0
    assert [r["model"] for r in results] == ["mlp", "pca-32", "kmeans-pca"]
    for r in results:
        assert set(r) == RESULT_KEYS, r["model"]
        assert r["primary"] in r["quality"] and r["params"] > 0 and r["limit"] == 200
        assert r["subject"] == {"benchmark": r["model"], "scale": "ci"} and len(r["hash"]) == 16
        assert all(isinstance(v, (int, float)) and math.isfinite(v) for v in r["quality"].values())
    mlp, pca, kmeans = results
    assert mlp["epochs"] == 1 and mlp["n_train"] == 200 and mlp["params"] == 235_146
    assert 0 <= mlp["quality"]["accuracy"] <= 1 and mlp["seconds_per_epoch"] > 0
    assert pca["epochs"] == 0 and pca["seconds_per_epoch"] is None and pca["params"] == 784 * 33
    assert pca["quality"]["cross_entropy"] > 0 and 0 <= pca["quality"]["mse"] <= 1
    assert 0.1 <= kmeans["quality"]["purity"] <= 1
    assert "mlp:" in err  # the progress bar went to stderr, not between the JSON lines
    saved = json.loads(path.read_text())
    assert MACHINE_KEYS <= set(saved["machine"])
    assert saved["results"] == [kmeans, mlp, pca]  # in the book's order


def test_json_keeps_the_results_of_models_not_rerun(small_mnist, tmp_path, capsys):
    path = tmp_path / "results.json"
    old = {"machine": {"date": "old", "cpu": "old CPU"},
           "results": [{"model": "pca-32", "quality": {"mse": -1.0}}, {"model": "cnn", "quality": {}}]}
    path.write_text(json.dumps(old))
    code, results, _ = run_cli(capsys, "--model", "pca-32", "--limit", "100", "--json", str(path))
    saved = json.loads(path.read_text())
    assert code == 0 and saved["machine"]["date"] != "old"
    assert [r["model"] for r in saved["results"]] == ["cnn", "pca-32"]  # the book's order
    assert saved["results"][1] == results[0] and saved["results"][1]["quality"]["mse"] > 0
    assert saved["results"][0]["cpu"] == "old CPU" and results[0]["cpu"] == saved["machine"]["cpu"]
