"""tools/records.py: records stamped with a hash of what they measured, and the stale check."""

import dataclasses
import json
from pathlib import Path

import nbformat
import pytest

from tools import records

ROOT = Path(__file__).resolve().parents[2]


@dataclasses.dataclass(frozen=True)
class Settings:
    epochs: int = 3
    filters: tuple = (16, 8)
    rate: float = 1e-3


def test_settings_hash_is_stable_and_reads_json_back_alike():
    s = Settings()
    assert records.settings_hash(s) == records.settings_hash(Settings())
    as_json = json.loads(json.dumps(dataclasses.asdict(s)))      # tuples come back as lists
    assert records.settings_hash(as_json) == records.settings_hash(s)
    assert records.settings_hash(dataclasses.replace(s, epochs=4)) != records.settings_hash(s)
    changed = dataclasses.replace(s, filters=(16, 9))
    assert records.settings_hash(changed) != records.settings_hash(s)
    with pytest.raises(TypeError, match="'settings'"):
        records.settings_hash([1, 2])


def _notebook(*sources, outputs=False):
    nb = nbformat.v4.new_notebook()
    colab = nbformat.v4.new_code_cell("pip install", metadata={"tags": ["colab-install"]})
    nb.cells = [colab, nbformat.v4.new_markdown_cell("# Title")]
    nb.cells += [nbformat.v4.new_code_cell(s) for s in sources]
    if outputs:
        nb.cells[-1].outputs = [nbformat.v4.new_output("stream", text="42")]
    return nb


def test_notebook_hash_counts_code_cells_only(tmp_path):
    base = records.notebook_hash(_notebook("x = 1", "print(x)"))
    assert records.notebook_hash(_notebook("x = 1", "print(x)", outputs=True)) == base
    other = _notebook("x = 1", "print(x)")
    other.cells[0].source = "pip install something else"   # the Colab cell depends on _config
    other.cells[1].source = "# Another title"
    assert records.notebook_hash(other) == base
    assert records.notebook_hash(_notebook("x = 2", "print(x)")) != base
    assert records.notebook_hash(_notebook("x = 1; print(x)")) != base
    path = tmp_path / "nb.ipynb"
    nbformat.write(_notebook("x = 1", "print(x)"), path)
    assert records.notebook_hash(path) == base


@pytest.fixture
def times_file(tmp_path, monkeypatch):
    """A notebook-times file with two records of a notebook in tmp_path, one of them stale."""
    nb = tmp_path / "chapters" / "a.ipynb"
    nb.parent.mkdir()
    nbformat.write(_notebook("x = 1"), nb)
    monkeypatch.setattr(records, "ROOT", tmp_path)
    monkeypatch.setattr(records, "expected", lambda kind: ["chapters/a.ipynb"])
    spec = dataclasses.replace(records.FILES["notebook_times"], path=tmp_path / "times.json")
    monkeypatch.setitem(records.FILES, "notebook_times", spec)
    stamp = records.stamp({"notebook": "chapters/a.ipynb"})
    spec.path.write_text(json.dumps({"notebooks": {"chapters/a.ipynb": {"seconds": 3, **stamp}}}))
    return spec.path, nb


def test_a_current_record_passes_and_a_changed_one_fails_by_name(times_file):
    path, nb = times_file
    assert records.check(["notebook_times"]) == []
    nbformat.write(_notebook("x = 2"), nb)                         # the code changed since
    (failure,) = records.check(["notebook_times"])
    assert failure.state == "changed" and failure.name == "chapters/a.ipynb"
    assert "chapters/a.ipynb: changed" in str(failure)


def test_marking_stale_passes_the_check_and_keeps_the_value(times_file):
    path, nb = times_file
    nbformat.write(_notebook("x = 2"), nb)
    assert records.mark_stale("notebook_times", None, "code changed") == ["chapters/a.ipynb"]
    assert records.check(["notebook_times"]) == []
    (s,) = records.status("notebook_times")
    assert s.state == "stale" and s.detail == "code changed"
    record = json.loads(path.read_text())["notebooks"]["chapters/a.ipynb"]
    assert record["seconds"] == 3 and records.is_stale(record)


def test_unstamped_gone_and_missing_records_fail(times_file, monkeypatch):
    path, nb = times_file
    path.write_text(json.dumps({"notebooks": {"chapters/b.ipynb": {"seconds": 1}}}))
    states = {s.name: s.state for s in records.check(["notebook_times"])}
    assert states == {"chapters/b.ipynb": "unstamped", "chapters/a.ipynb": "missing"}
    gone = records.stamp({"notebook": "chapters/gone.ipynb"}, "0" * 16)
    path.write_text(json.dumps({"notebooks": {"chapters/gone.ipynb": gone}}))
    assert "gone" in {s.state for s in records.check(["notebook_times"])}


def test_an_unstamped_record_is_marked_with_its_subject(times_file):
    path, nb = times_file
    path.write_text(json.dumps({"notebooks": {"chapters/a.ipynb": {"seconds": 1}}}))
    assert records.mark_stale("notebook_times", None, "timed before stamps") == ["chapters/a.ipynb"]
    record = json.loads(path.read_text())["notebooks"]["chapters/a.ipynb"]
    assert record["subject"] == {"notebook": "chapters/a.ipynb"} and record["hash"] == "unknown"
    assert records.check(["notebook_times"]) == []


def test_recipe_and_benchmark_subjects_hash_their_settings():
    from deep_unsupervised.book import recipes

    s = recipes.get("vae-2").settings("ci")
    assert records.current_hash({"recipe": "vae-2", "scale": "ci"}) == records.settings_hash(s)
    assert records.current_hash({"benchmark": "vae-2", "scale": "ci"}) == records.settings_hash(s)
    sweep = records.current_hash({"benchmark": "beta-vae-shapes-seeds", "scale": "ci"})
    assert sweep != records.current_hash({"recipe": "beta-vae-shapes", "scale": "ci"})  # + seeds
    assert records.current_hash({"recipe": "no-such-recipe", "scale": "ci"}) is None
    with pytest.raises(ValueError, match="'subject'"):
        records.current_hash({"model": "vae-2"})


def test_command_line_exit_code(times_file, monkeypatch, capsys):
    path, nb = times_file
    monkeypatch.setattr(records, "FILES", {"notebook_times": records.FILES["notebook_times"]})
    assert records.main(["check"]) == 0
    nbformat.write(_notebook("x = 2"), nb)
    assert records.main(["check"]) == 1
    assert "FAIL" in capsys.readouterr().out
