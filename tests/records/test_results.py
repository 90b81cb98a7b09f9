"""benchmarks/report.py: reading the benchmark files and rendering the appendix "Results at a glance"."""

import json
from pathlib import Path

import matplotlib
import pytest

from benchmarks import report as R

ROOT = Path(__file__).resolve().parents[2]

matplotlib.use("Agg")


def record(model, primary="cross_entropy", value=0.1, seconds=10.0, kind="book", direction="lower",
           chapter="chapters/autoencoders.ipynb"):
    return {"model": model, "chapter": chapter, "kind": kind, "params": 3801, "epochs": 24,
            "batch_size": 64, "train_seconds": seconds, "seconds_per_epoch": seconds / 24,
            "quality": {primary: value, "mse": 0.01}, "primary": primary, "direction": direction}


@pytest.fixture
def results_file(tmp_path):
    path = tmp_path / "results.json"
    path.write_text(json.dumps({"machine": {"cpu_count": 2}, "results": [
        record("conv-ae", value=0.107, seconds=100.0),
        record("chollet-conv-ae", value=0.108, seconds=150.0, kind="reference"),
        record("mlp", primary="accuracy", value=0.96, seconds=5.0, direction="higher",
               chapter="chapters/neural_networks.ipynb"),
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


def test_model_table_is_narrow_grouped_by_chapter_in_book_order(results_file):
    table = R.model_table(R.load_results(results_file)["results"])
    table = table.replace("\u00a0", " ")  # the measure cells do not break
    lines = table.splitlines()
    assert lines[0] == "| model | measure | value | time (s) |"  # four narrow columns
    # neural_networks comes before autoencoders in the book, and each chapter heads its group
    assert lines[2:5] == ["| **{doc}`/chapters/neural_networks`** | | | |",
                          "| MLP | accuracy ↑ | 0.96 | 5.0 |",
                          "| **{doc}`/chapters/autoencoders`** | | | |"]
    assert lines[5] == "| conv AE | CE ↓ | 0.107 | 100.0 |"          # readable names
    assert lines[6].startswith("| Chollet, conv AE † |")
    assert len([row for row in lines if row.startswith("|")]) == 2 + 2 + 6
    assert "3,801" not in table  # sizes are in the settings table


def test_key_is_a_definition_list_of_the_measures_with_their_direction(results_file):
    results = R.load_results(results_file)["results"]
    results[0]["stale"] = "the recipe changed"
    key = R.key(results).splitlines()
    terms = [line for i, line in enumerate(key) if i + 1 < len(key) and key[i + 1].startswith(": ")]
    assert terms == ["accuracy ↑", "CE ↓", "−ELBO ↓", "†", "‡"]
    ce = key[key.index("CE ↓") + 1]
    assert "cross-entropy" in ce and "nats per pixel" in ce and ce.endswith("lower is better.")


def test_stale_records_are_marked(results_file):
    results = R.load_results(results_file)["results"]
    results[0]["stale"] = "the recipe changed"
    assert "| conv AE ‡ |" in R.model_table(results)
    assert [r["model"] for r in R.stale_records(results)] == ["conv-ae"]


def test_settings_table_has_the_details(results_file):
    results = R.load_results(results_file)["results"]
    results[1]["params"] = None                   # a sweep without weights of its own
    table = R.settings_table(results)
    assert "| conv AE | 3,801 | 24 × 64 | 4.17 |" in table
    assert "| Chollet, conv AE | – |" in table and "| 0 |" not in table


def test_every_benchmark_has_a_display_name():
    from benchmarks.registry import build

    assert set(build()) <= set(R.DISPLAY_NAMES), set(build()) - set(R.DISPLAY_NAMES)
    assert len(set(R.DISPLAY_NAMES.values())) == len(R.DISPLAY_NAMES)


def test_book_order_follows_the_table_of_contents():
    order = R.book_order()
    assert order.index("chapters/neural_networks.ipynb") < order.index("chapters/vae.ipynb")


def test_notebook_table_totals_the_times(tmp_path):
    path = tmp_path / "t.json"
    path.write_text(json.dumps({"notebooks": {"chapters/a.ipynb": {"seconds": 30.0, "peak_memory_mb": 900},
                                              "chapters/b.ipynb": {"seconds": 250.0}}}))
    table = R.notebook_table(R.load_notebook_times(path), max_seconds=200)
    assert "| {doc}`/chapters/a` | 30 | 900 |" in table
    assert "250 ⚠" in table and "**280**" in table and "(4.7 min)" in table


def test_notebook_times_file_is_checked(tmp_path):
    path = tmp_path / "t.json"
    path.write_text(json.dumps({"notebooks": {"a": {}}}))
    with pytest.raises(R.ResultsFileError, match="'seconds'"):
        R.load_notebook_times(path)


def test_plot_has_one_panel_per_shared_metric_each_with_its_own_log_time_axis(results_file):
    fig = R.plot_quality_vs_time(R.load_results(results_file)["results"])
    axes = fig.axes
    assert len(axes) == 2  # cross-entropy (3 models) and -ELBO (2 models); accuracy has one
    assert [ax.get_title(loc="left") for ax in axes] == [
        f"{R.METRIC_LABELS['cross_entropy'][1]}\n(lower is better)",
        f"{R.METRIC_LABELS['neg_elbo'][1]}\n(lower is better)"]
    assert all(ax.get_xscale() == "log" and ax.get_xlabel() for ax in axes)
    assert axes[0].get_xlim() != axes[1].get_xlim()               # not one shared axis
    assert fig.legends and len(fig.legends[0].get_texts()) == 2  # book vs reference markers


def test_plot_labels_every_point_without_overlaps():
    # Crowded: two pairs of models at almost the same time and quality.
    records = [record("dbn-classifier", "accuracy", 0.9069, 10.0, direction="higher"),
               record("mlp-dropout-500", "accuracy", 0.8823, 9.7, direction="higher"),
               record("chollet-simple-ae", "accuracy", 0.9039, 25.1, direction="higher"),
               record("chollet-deep-ae", "accuracy", 0.9039, 35.3, "reference", "higher"),
               record("mlp", "accuracy", 0.96, 2.2, direction="higher")]
    fig = R.plot_quality_vs_time(records)
    renderer = fig.canvas.get_renderer()
    (ax,) = fig.axes
    labels = [t for t in ax.texts]
    assert sorted(t.get_text() for t in labels) == sorted(R.display_name(r["model"]) for r in records)
    boxes = [t.get_window_extent(renderer) for t in labels]
    for i, a in enumerate(boxes):
        assert all(R._overlap(a, b) == 0 for b in boxes[i + 1:]), labels[i].get_text()
        assert R._overlap(a, ax.get_window_extent()) == a.width * a.height  # inside the panel


def test_reference_scores_come_from_the_package():
    scores = R.reference_scores()
    assert scores and all(len(v) == 2 for v in scores.values())


def test_plot_needs_two_comparable_models():
    with pytest.raises(ValueError, match="shared by two models"):
        R.plot_quality_vs_time([record("a")])
