"""benchmarks/backends.json (written by benchmarks/backends.py), when present, times every book
model on both Keras backends, and its ratios agree with its times."""

import json
from pathlib import Path

import pytest

from benchmarks import backends  # (benchmarks/backends.py)

ROOT = Path(__file__).resolve().parents[2]

PATH = ROOT / "benchmarks" / "backends.json"


@pytest.fixture(scope="module")
def record():
    if not PATH.exists():
        pytest.skip("no benchmarks/backends.json: run benchmarks/backends.py --json it")
    return json.loads(PATH.read_text())


def test_every_book_model_is_timed_on_both_backends(record):
    timed = {r["model"]: r for r in record["results"]}
    missing = [name for name in backends.book_models() if name not in timed]
    assert not missing, f"benchmarks/backends.json lacks {missing}: re-run benchmarks/backends.py"
    for name, r in timed.items():
        for backend in backends.BACKENDS:
            assert "error" not in r[backend], (name, backend, r[backend].get("error"))
            assert r[backend]["backend"] == backend, (name, backend)
            assert r[backend]["steady_seconds_per_epoch"] > 0, (name, backend)
        ratio = r["tensorflow"]["steady_seconds_per_epoch"] / r["jax"]["steady_seconds_per_epoch"]
        assert r["ratio"] == pytest.approx(ratio, rel=0.01, abs=1e-3), name


def test_table_shows_ratios_and_failures():
    ok = {"steady_seconds_per_epoch": 2.0, "compile_seconds": 1.0, "primary": "acc",
          "metric": 0.9}
    rows = backends.table([{"model": "m", "tensorflow": ok, "jax": {**ok, "metric": 0.8},
                            "ratio": 1.0},
                           {"model": "n", "tensorflow": ok, "jax": {"error": "boom"},
                            "ratio": None}]).splitlines()
    assert rows[1].split()[:4] == ["m", "2.00", "2.00", "1"] and "0.9 / 0.8" in rows[1]
    assert "failed: boom" in rows[2]
