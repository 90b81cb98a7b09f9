"""tools/full_scale.py and benchmarks/full_runs.json: the record of chapters run at the full scale,
and the README table generated from it (between the full-runs markers)."""

import json
from pathlib import Path

import nbformat
import pytest

from tools import full_scale

ROOT = Path(__file__).resolve().parents[2]

MARKERS = ("<!-- full-runs:start -->", "<!-- full-runs:end -->")
CHAPTERS = {str(p.relative_to(ROOT)) for p in full_scale.chapters()}


def _record(passed=True, **extra):
    return {"commit": "abc1234", "training_digits": 22_699, "passed": passed, "seconds": 600,
            "machine": {"date": "2026-12-01 08:00 UTC"}, **extra}


def test_every_recorded_run_is_a_chapter_with_a_complete_record():
    if not full_scale.RUNS.exists():
        pytest.skip("no full-scale run recorded yet")
    runs = json.loads(full_scale.RUNS.read_text())["chapters"]
    assert set(runs) <= CHAPTERS, set(runs) - CHAPTERS
    for name, r in runs.items():
        assert isinstance(r["passed"], bool) and r["seconds"] > 0, name
        assert r["training_digits"] > 0 and r["machine"]["date"], name
        assert r["passed"] or r["error"], name  # a failure says what failed


def test_readme_table_is_generated_from_the_runs():
    readme = (ROOT / "README.md").read_text()
    assert MARKERS[0] in readme and MARKERS[1] in readme
    between = readme.split(MARKERS[0], 1)[1].split(MARKERS[1], 1)[0]
    assert between.strip() == full_scale.markdown_table().strip(), (
        "README table is stale: paste `python tools/full_scale.py table` between the full-runs "
        "markers")


def test_table_has_a_row_per_chapter_and_says_what_failed(tmp_path):
    runs = tmp_path / "runs.json"
    first, second = sorted(CHAPTERS)[:2]
    full_scale.save(first, _record(peak_memory_mb=1500), runs)
    full_scale.save(second, _record(False, cell=7, first_line="assert x", error="AssertionError: 3"),
                    runs)
    table = full_scale.markdown_table(runs).splitlines()
    assert len(table) == 2 + len(CHAPTERS)
    row = next(line for line in table if f"`{Path(first).stem}`" in line)
    assert "every assertion held" in row and "| 10 min |" in row and "1,500 MB" in row
    assert "22,699" in row
    row = next(line for line in table if f"`{Path(second).stem}`" in line)
    assert "failed in cell 7: AssertionError: 3" in row
    assert sum("not run here" in line for line in table) == len(CHAPTERS) - 2
    full_scale.save(first, _record(stale="the chapter's code changed"), runs)
    row = next(line for line in full_scale.markdown_table(runs).splitlines()
               if f"`{Path(first).stem}`" in line)
    assert "every assertion held (2026-12-01; the chapter has changed since)" in row


def test_save_replaces_a_chapters_earlier_record(tmp_path):
    runs = tmp_path / "runs.json"
    name = sorted(CHAPTERS)[0]
    full_scale.save(name, _record(False, cell=1, first_line="", error="E"), runs)
    full_scale.save(name, _record(), runs)
    assert json.loads(runs.read_text())["chapters"][name]["passed"] is True


def test_a_failure_names_the_failing_cell():
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("x = 1"), nbformat.v4.new_code_cell("assert x == 2\n")]
    nb.cells[1].outputs = [nbformat.v4.new_output("error", ename="AssertionError", evalue="1",
                                                  traceback=[])]
    failure = full_scale._failure(nb, RuntimeError("cell failed"))
    assert failure == {"cell": 1, "first_line": "assert x == 2", "error": "AssertionError: 1"}
