"""The committed benchmark files behind the appendix "Results at a glance" are complete and current."""

import json
import sys
from pathlib import Path

from deep_unsupervised.recipes.references import REFERENCE_SCORES

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
from report import load_notebook_times, load_results  # noqa: E402
sys.path.insert(0, str(ROOT / "tools"))
from entries import REGISTRY  # noqa: E402
from notebooks import toc_notebooks  # noqa: E402


def test_results_hold_every_model_at_its_current_settings():
    results = load_results(ROOT / "benchmarks" / "results.json")["results"]
    assert [r["model"] for r in results] == list(REGISTRY), "re-run benchmarks/run.py --json"
    for r in results:
        assert r["limit"] is None, f"{r['model']}: a --limit run was committed"
        # what run.py records for the run's scale: the recipe's preset (tuples as JSON lists)
        current = json.loads(json.dumps(REGISTRY[r["model"]].settings_at(r.get("scale", "ci"))))
        assert r["settings"] == current, \
            f"{r['model']}: its settings changed since the committed run; re-run it"


def test_reference_scores_name_benchmarked_models():
    for model, (metric, _) in REFERENCE_SCORES.items():
        assert model in REGISTRY and REGISTRY[model].kind == "reference"


def test_notebook_times_cover_every_notebook_of_the_book():
    times = load_notebook_times(ROOT / "benchmarks" / "notebook_times.json")["notebooks"]
    assert set(times) == {str(p.relative_to(ROOT)) for p in toc_notebooks()}
