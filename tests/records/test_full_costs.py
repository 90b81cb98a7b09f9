"""benchmarks/full_costs.py and full_costs.json: the estimate of what each full recipe costs, and
the README table generated from it (between the markers the coordinator pastes it into)."""

import json
import re
from pathlib import Path

import numpy as np
import pytest

from deep_unsupervised.book import recipes

from benchmarks import full_costs

ROOT = Path(__file__).resolve().parents[2]

COSTS = ROOT / "benchmarks" / "full_costs.json"
MARKERS = ("<!-- full-costs:start -->", "<!-- full-costs:end -->")


def test_costs_cover_every_recipe_and_add_up():
    data = json.loads(COSTS.read_text())
    assert "estimate" in data["note"].lower() or "estimates" in data["note"].lower()
    rows = {r["recipe"]: r for r in data["recipes"]}
    missing = sorted(set(recipes.names()) - set(rows))
    assert not missing, f"run benchmarks/full_costs.py --model NAME for {missing}"
    closed_form = {"pca-32", "kmeans-pca"}  # no optimiser steps
    for name, r in rows.items():
        assert (r["steps"] > 0 or name in closed_form) and r["hours"] >= 0, name
        if not r["steps"]:
            continue
        assert r["hours"] == pytest.approx(r["steps"] * r["seconds_per_step"] / 3600,
                                           rel=0.02, abs=0.01), name
        assert len(r["load_average"]) == 3, name


def test_readme_table_is_generated_from_the_costs():
    readme = (ROOT / "README.md").read_text()
    if MARKERS[0] not in readme:
        pytest.skip("README.md has no full-costs markers yet")
    between = readme.split(MARKERS[0], 1)[1].split(MARKERS[1], 1)[0]
    assert between.strip() == full_costs.markdown_table(COSTS).strip(), (
        "README table is stale: paste `python benchmarks/full_costs.py --table` between the "
        "full-costs markers")


def test_table_rows_name_each_recipe_and_its_target(tmp_path):
    name = "vae-16"
    fake = tmp_path / "costs.json"
    fake.write_text(json.dumps({"recipes": [{"recipe": name, "steps": 1234567, "hours": 2.5}]}))
    table = full_costs.markdown_table(fake)
    row = next(line for line in table.splitlines() if line.startswith(f"| `{name}`"))
    assert "1,234,567" in row and "| 2.5 |" in row and "86.76" in row
    assert "epochs 3280" in row and "batch_size 20" in row
    assert len(table.splitlines()) == 2 + len(recipes.names())
    other = next(line for line in table.splitlines() if line.startswith("| `pca-32`"))
    assert re.search(r"\| – \| – \| none \|$", other)


def test_steps_count_epochs_of_batches_after_the_validation_split():
    x = np.zeros((1000, 3))
    assert full_costs._steps(None, x, 64, {}) == 16
    assert full_costs._steps(None, x, 64, {"validation_split": 0.1}) == 15  # 900 / 64
    assert full_costs._steps(None, (x, x), 100, {}) == 10
