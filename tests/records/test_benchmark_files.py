"""The committed benchmark files behind the appendix "Results at a glance" are complete and
stamped. Whether each record is still current is `make check-records` (tools/records.py)."""

from pathlib import Path

from deep_unsupervised.book.recipes.references import REFERENCE_SCORES

from benchmarks.report import load_notebook_times, load_results
from benchmarks.registry import build
from tools import records
from tools.notebooks import toc_notebooks

ROOT = Path(__file__).resolve().parents[2]

REGISTRY = build()
SUBJECTS = {"results": "benchmark", "backends": "recipe", "full_costs": "recipe",
            "full_runs": "notebook", "notebook_times": "notebook"}


def test_every_record_names_its_subject_and_hash():
    for kind, subject in SUBJECTS.items():
        for name, r in records.records(kind, records.read(kind)):
            assert set(r["subject"]) <= {subject, "scale"}, (kind, name, r["subject"])
            assert len(r["hash"]) == 16 or r.get("stale"), (kind, name)


def test_results_hold_every_benchmark_once_without_quick_runs():
    results = load_results(ROOT / "benchmarks" / "results.json")["results"]
    assert sorted(r["model"] for r in results) == sorted(REGISTRY), \
        "run benchmarks/run.py --json benchmarks/results.json for the missing benchmarks"
    for r in results:
        assert r["limit"] is None, f"{r['model']}: a --limit run was committed"
        assert r["subject"] == {"benchmark": r["model"], "scale": r["scale"]}, r["model"]


def test_reference_scores_name_benchmarked_models():
    for model, (metric, _) in REFERENCE_SCORES.items():
        assert model in REGISTRY and REGISTRY[model].kind == "reference"


def test_notebook_times_cover_every_notebook_of_the_book():
    times = load_notebook_times(ROOT / "benchmarks" / "notebook_times.json")["notebooks"]
    assert set(times) == {str(p.relative_to(ROOT)) for p in toc_notebooks()}
