"""deep_unsupervised.results: reading the benchmark files and rendering the appendix."""

import json

import matplotlib
import pytest

from deep_unsupervised import results as R

matplotlib.use("Agg")


def record(model, primary="cross_entropy", value=0.1, seconds=10.0, kind="book", direction="lower"):
    return {"model": model, "chapter": "autoencoders", "kind": kind, "params": 3801, "epochs": 24,
            "batch_size": 64, "train_seconds": seconds, "seconds_per_epoch": seconds / 24,
            "quality": {primary: value, "mse": 0.01}, "primary": primary, "direction": direction}


@pytest.fixture
def results_file(tmp_path):
    path = tmp_path / "results.json"
    path.write_text(json.dumps({"machine": {"cpu_count": 2}, "results": [
        record("conv-ae", value=0.107, seconds=100.0),
        record("chollet-conv-ae", value=0.108, seconds=150.0, kind="reference"),
        record("mlp", primary="accuracy", value=0.96, seconds=5.0, direction="higher"),
        record("vae-2", primary="neg_elbo", value=147.7, seconds=60.0),
        record("vae-16", primary="neg_elbo", value=98.0, seconds=40.0),
        record("linear-ae", value=0.118, seconds=4.0)]}))
    return path


def test_load_results_reads_a_valid_file(results_file):
    data = R.load_results(results_file)
    assert [r["model"] for r in data["results"]][:2] == ["conv-ae", "chollet-conv-ae"]


def test_missing_file_says_how_to_make_it(tmp_path):
    with pytest.raises(R.ResultsFileError, match="benchmarks/run.py --json"):
        R.load_results(tmp_path / "nope.json")


@pytest.mark.parametrize("content, message", [
    ("not json", "not valid JSON"),
    (json.dumps({"results": [{"model": "x"}]}), r"lacks \["),
    (json.dumps([1, 2]), "'results' list"),
])
def test_malformed_files_are_named(tmp_path, content, message):
    path = tmp_path / "bad.json"
    path.write_text(content)
    with pytest.raises(R.ResultsFileError, match=message):
        R.load_results(path)


def test_primary_metric_must_have_a_value(tmp_path):
    bad = record("x")
    bad["primary"] = "iou"
    path = tmp_path / "r.json"
    path.write_text(json.dumps({"results": [bad]}))
    with pytest.raises(R.ResultsFileError, match="primary metric 'iou'"):
        R.load_results(path)


def test_model_table_has_a_row_per_model_with_its_numbers(results_file):
    table = R.model_table(R.load_results(results_file)["results"])
    lines = table.splitlines()
    assert len(lines) == 2 + 6
    assert "`conv-ae`" in lines[2] and "3,801" in lines[2] and "0.107" in lines[2] and "↓" in lines[2]
    assert "(reference)" in lines[3]
    assert "test accuracy ↑ 0.96" in lines[4]


def test_notebook_table_totals_the_times(tmp_path):
    path = tmp_path / "t.json"
    path.write_text(json.dumps({"notebooks": {"chapters/a.ipynb": {"seconds": 30.0, "peak_memory_mb": 900},
                                              "chapters/b.ipynb": {"seconds": 250.0}}}))
    table = R.notebook_table(R.load_notebook_times(path), max_seconds=200)
    assert "| `chapters/a.ipynb` | 30 | 900 |" in table
    assert "250 ⚠" in table and "**280**" in table and "(4.7 min)" in table


def test_notebook_times_file_is_checked(tmp_path):
    path = tmp_path / "t.json"
    path.write_text(json.dumps({"notebooks": {"a": {}}}))
    with pytest.raises(R.ResultsFileError, match="'seconds'"):
        R.load_notebook_times(path)


def test_plot_has_one_panel_per_shared_metric(results_file):
    fig = R.plot_quality_vs_time(R.load_results(results_file)["results"], ncols=3)
    visible = [ax for ax in fig.axes if ax.get_visible()]
    assert len(visible) == 2  # cross-entropy (3 models) and -ELBO (2 models); accuracy has one
    assert {ax.get_ylabel() for ax in visible} == {R.METRIC_LABELS["cross_entropy"],
                                                    R.METRIC_LABELS["neg_elbo"]}
    scales = {ax.get_ylabel(): ax.get_xscale() for ax in visible}
    assert scales[R.METRIC_LABELS["cross_entropy"]] == "log"      # 4 s to 150 s
    assert scales[R.METRIC_LABELS["neg_elbo"]] == "linear"        # 40 s and 60 s


def test_plot_needs_two_comparable_models():
    with pytest.raises(ValueError, match="shared by two models"):
        R.plot_quality_vs_time([record("a")])
