"""Run chapters at the full scale on copies, and keep a record of what each run showed.

    python tools/full_scale.py run [NB ...]   # each chapter at BOOK_SCALE=full, on a copy in
                                              # _build/full/ (the committed notebook, executed at
                                              # the ci scale, is never touched); the outcome goes
                                              # to benchmarks/full_runs.json
    python tools/full_scale.py table          # the README's table of those runs, from the JSON

A run "passes" when every cell ran, so every assertion of the chapter held at its ``full``
threshold (``du.book.recipes.per_scale``). A failed run is recorded too, with the failing cell and
error, and its partly executed copy is kept in _build/full/ to read. The record names the number
of training digits the loader found: an offline copy of MNIST may hold fewer than 60,000.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import nbformat
from tools import notebooks
from tools import records

ROOT = Path(__file__).resolve().parent.parent

RUNS = ROOT / "benchmarks" / "full_runs.json"
OUT = ROOT / "_build" / "full"


def _commit() -> str:
    """The checked-out commit (short), with "+changes" when the work tree differs from it."""
    def git(*args):
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True,
                              text=True).stdout.strip()

    dirty = git("status", "--porcelain", "--", "lib", "chapters")
    return git("rev-parse", "--short", "HEAD") + ("+changes" if dirty else "")


def _training_digits() -> int:
    """How many training digits the book's MNIST loader finds (BOOK_DATA_DIR or Keras)."""
    from deep_unsupervised import data

    return int(len(data.load_mnist().x_train))


def _failure(nb, error: Exception) -> dict:
    """The failing cell (index and first source line) and the error's last line."""
    for i, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                first = cell.source.strip().splitlines()[0] if cell.source.strip() else ""
                return {"cell": i, "first_line": first,
                        "error": f"{output['ename']}: {output['evalue']}"[:300]}
    return {"cell": None, "first_line": "", "error": str(error).strip().splitlines()[-1][:300]}


def run(path: Path) -> dict:
    """Execute a copy of ``path`` at the full scale; return the record of the run."""
    os.environ["BOOK_SCALE"] = "full"
    OUT.mkdir(parents=True, exist_ok=True)
    copy = OUT / path.name
    copy.write_bytes(path.read_bytes())
    rel = str(path.relative_to(ROOT))
    record = {**records.stamp({"notebook": rel}, records.notebook_hash(path)),
              "commit": _commit(), "training_digits": _training_digits(),
              "machine": notebooks.machine()}
    start = time.perf_counter()
    try:
        seconds, peak_mb = notebooks.execute(copy, cwd=path.parent)
        record.update(passed=True, seconds=round(seconds), peak_memory_mb=round(peak_mb))
    except Exception as error:  # a failed cell (CellExecutionError) or a dead kernel
        record.update(passed=False, seconds=round(time.perf_counter() - start),
                      **_failure(nbformat.read(copy, as_version=4), error))
    return record


def save(name: str, record: dict, runs_file: Path = RUNS) -> None:
    """Merge one chapter's record into the runs file, in book order."""
    data = json.loads(runs_file.read_text()) if runs_file.exists() else {}
    chapters = {**data.get("chapters", {}), name: record}
    order = [str(p.relative_to(ROOT)) for p in notebooks.toc_notebooks()]
    data = {"note": "chapters executed at BOOK_SCALE=full by `python tools/full_scale.py run`: "
                    "passed means every cell ran, so every assertion held at its full threshold",
            "chapters": {k: chapters[k] for k in sorted(chapters, key=lambda k: (
                order.index(k) if k in order else len(order), k))}}
    runs_file.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def chapters() -> list[Path]:
    """The book's chapters in reading order, without the results appendix (it trains nothing)."""
    return [p for p in notebooks.toc_notebooks() if p.stem != "results"]


def _minutes(seconds: float) -> str:
    return f"{seconds / 60:.0f} min" if seconds >= 90 else f"{seconds:.0f} s"


def markdown_table(runs_file: Path = RUNS) -> str:
    """One row per chapter of the book: the last full-scale run, or "not run here"."""
    runs = json.loads(runs_file.read_text())["chapters"] if runs_file.exists() else {}
    lines = ["| chapter | full-scale run | wall time | peak memory | training digits |",
             "| --- | --- | ---: | ---: | ---: |"]
    for path in chapters():
        key = str(path.relative_to(ROOT))
        r = runs.get(key)
        if r is None:
            lines.append(f"| `{path.stem}` | not run here | – | – | – |")
            continue
        outcome = ("every assertion held" if r["passed"]
                   else f"failed in cell {r['cell']}: {r['error']}")
        when = r["machine"]["date"][:10] + ("; the chapter has changed since" if r.get("stale")
                                            else "")
        memory = f"{r['peak_memory_mb']:,} MB" if r.get("peak_memory_mb") else "–"
        lines.append(f"| `{path.stem}` | {outcome} ({when}) | "
                     f"{_minutes(r['seconds'])} | {memory} | {r['training_digits']:,} |")
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["run", "table"])
    parser.add_argument("notebooks", nargs="*")
    args = parser.parse_args(argv)
    if args.command == "table":
        print(markdown_table())
        return 0
    paths = [Path(p).resolve() for p in args.notebooks] or chapters()
    failed = 0
    for path in paths:
        print(f"full scale: {path.relative_to(ROOT)} ...", flush=True)
        record = run(path)
        save(str(path.relative_to(ROOT)), record)
        failed += not record["passed"]
        print(f"  {'passed' if record['passed'] else 'FAILED'} in {record['seconds']} s"
              + ("" if record["passed"] else f": cell {record['cell']}: {record['error']}"),
              flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
