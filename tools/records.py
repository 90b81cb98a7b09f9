"""The book's measurement records, and whether each still describes the code it measured.

Five files in ``benchmarks/`` hold what the book measured; every record in them carries the same
three fields that say *what* it measured:

``subject``
    the subject: ``{"benchmark": "vae-2", "scale": "ci"}`` (a run of ``benchmarks/run.py``),
    ``{"recipe": "vae-2", "scale": "full"}`` (a recipe timed by ``backends.py`` or
    ``full_costs.py``) or ``{"notebook": "chapters/vae.ipynb"}`` (a notebook executed by
    ``tools/notebooks.py execute`` or ``tools/full_scale.py run``);
``hash``
    the hash of that subject when it was measured: of the recipe's settings dataclass at that scale
    (a benchmark adds its sweep's own settings, such as the seeds), or of the notebook's code cells
    (:func:`notebook_hash`);
``stale`` (optional)
    why the record no longer describes its subject, when it changed and the measurement has not
    been repeated. The appendix shows such a record as stale instead of believing it.

``python tools/records.py check`` (``make check-records``) recomputes every subject's hash and
fails, naming each record, when a hash differs and the record is not marked stale, when a record
lacks its stamp, or when a benchmark or notebook of the book has no record. ``mark-stale`` marks
the records whose hash differs (after a change whose measurement cannot be repeated now).

    python tools/records.py check        # exit 1 on a changed, unstamped or missing record
    python tools/records.py status                    # every record: current, stale or changed
    python tools/records.py mark-stale FILE [NAME ...] --reason "why"
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCHMARKS = ROOT / "benchmarks"


@dataclasses.dataclass(frozen=True)
class RecordFile:
    """A record file: where its records are (``collection``) and how a record is named."""

    path: Path
    collection: str        # key of the list or dict of records
    name_key: str | None   # the field naming a record in a list; None: the dict's keys name them
    what: str              # what one record is, for messages
    indent: int = 1        # as the file's writer indents it


FILES = {
    "results": RecordFile(BENCHMARKS / "results.json", "results", "model",
                          "a benchmark's test quality and training time (benchmarks/run.py)"),
    "backends": RecordFile(BENCHMARKS / "backends.json", "results", "model",
                           "a recipe timed on TensorFlow and JAX (benchmarks/backends.py)"),
    "full_costs": RecordFile(BENCHMARKS / "full_costs.json", "recipes", "recipe",
                             "a full preset's estimated cost (benchmarks/full_costs.py)"),
    "full_runs": RecordFile(BENCHMARKS / "full_runs.json", "chapters", None,
                            "a chapter run at the full scale (tools/full_scale.py run)", 2),
    "notebook_times": RecordFile(BENCHMARKS / "notebook_times.json", "notebooks", None,
                                 "a notebook's execution time (tools/notebooks.py execute)", 2),
}


# --- hashes ---------------------------------------------------------------------------------

def _digest(value) -> str:
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def settings_hash(settings) -> str:
    """A stable hash of a settings dataclass (or of its ``dataclasses.asdict`` as a dict).

    Tuples and lists hash alike, so settings read back from JSON hash as the dataclass does.
    """
    if dataclasses.is_dataclass(settings) and not isinstance(settings, type):
        settings = dataclasses.asdict(settings)
    if not isinstance(settings, dict):
        raise TypeError(f"Invalid value for argument 'settings': expected a dataclass instance or "
                        f"a dict, received {type(settings).__name__}")
    return _digest(settings)


def notebook_hash(notebook) -> str:
    """A hash of a notebook's code: the sources of its code cells, in order.

    ``notebook`` is a path or a notebook read by nbformat. Outputs, Markdown and metadata do not
    count; neither does the hidden Colab install cell, which depends on ``_config.yml`` only.
    """
    if isinstance(notebook, (str, Path)):
        notebook = json.loads(Path(notebook).read_text())
    sources = []
    for cell in notebook["cells"]:
        tags = cell.get("metadata", {}).get("tags", [])
        if cell["cell_type"] != "code" or "colab-install" in tags:
            continue
        source = cell["source"]
        sources.append("".join(source) if isinstance(source, list) else source)
    return _digest(sources)


def recipe_hash(name: str, scale: str) -> str | None:
    """The hash of recipe ``name``'s settings at ``scale``; ``None``: there is no such recipe."""
    from deep_unsupervised.book import recipes

    recipes.names()  # loads the registry
    if name not in recipes.REGISTRY:
        return None
    return settings_hash(recipes.REGISTRY[name].settings(scale))


def benchmark_hash(name: str, scale: str) -> str | None:
    """The hash of what benchmark ``name`` runs at ``scale``; ``None`` when it no longer exists."""
    registry = _benchmarks()
    if name not in registry:
        return None
    return settings_hash(registry[name].settings_at(scale))


def _benchmarks() -> dict:
    from benchmarks import registry

    return registry.build()


def stamp(subject: dict, hash_: str | None = None) -> dict:
    """The fields every record carries: ``{"subject": ..., "hash": ...}`` (default: hash now)."""
    return {"subject": subject, "hash": hash_ if hash_ is not None else current_hash(subject)}


def current_hash(subject: dict) -> str | None:
    """The hash of ``subject`` as the code stands now; ``None`` when it no longer exists."""
    measured = subject
    if "notebook" in measured:
        path = ROOT / measured["notebook"]
        return notebook_hash(path) if path.exists() else None
    if "benchmark" in measured:
        return benchmark_hash(measured["benchmark"], measured.get("scale", "ci"))
    if "recipe" in measured:
        return recipe_hash(measured["recipe"], measured.get("scale", "ci"))
    raise ValueError(f"Invalid value for argument 'subject': expected a 'notebook', 'benchmark' "
                     f"or 'recipe' key, received {measured!r}")


# --- reading and checking ------------------------------------------------------------------

def read(kind: str, path: Path | None = None) -> dict:
    """The JSON of record file ``kind`` (a key of :data:`FILES`); ``{}`` when it does not exist."""
    spec = FILES[kind]
    path = Path(path or spec.path)
    return json.loads(path.read_text()) if path.exists() else {}


def records(kind: str, data: dict) -> list[tuple[str, dict]]:
    """``(name, record)`` for every record in a file's JSON."""
    spec = FILES[kind]
    found = data.get(spec.collection, [])
    if spec.name_key is None:
        return list(found.items())
    return [(r.get(spec.name_key, f"#{i}"), r) for i, r in enumerate(found)]


@dataclasses.dataclass
class Status:
    kind: str
    name: str
    state: str            # "current", "stale" (marked), "changed", "gone", "unstamped", "missing"
    detail: str = ""

    def __str__(self):
        return f"{FILES[self.kind].path.relative_to(ROOT)}: {self.name}: {self.state}" + (
            f" ({self.detail})" if self.detail else "")


def status(kind: str, data: dict | None = None) -> list[Status]:
    """The state of every record of file ``kind``, and of every expected record it lacks."""
    data = read(kind) if data is None else data
    out = []
    for name, r in records(kind, data):
        if not isinstance(r.get("subject"), dict) or "hash" not in r:
            out.append(Status(kind, name, "unstamped", "no 'subject' and 'hash' fields"))
            continue
        now = current_hash(r["subject"])
        if r.get("stale"):
            out.append(Status(kind, name, "stale", str(r["stale"])))
        elif now is None:
            out.append(Status(kind, name, "gone", f"{r['subject']} no longer exists"))
        elif now != r["hash"]:
            out.append(Status(kind, name, "changed",
                              f"measured {r['hash']}, now {now}: re-measure it, or mark it stale"))
        elif kind == "results" and r.get("limit") is not None:
            out.append(Status(kind, name, "changed", f"a --limit {r['limit']} run was committed"))
        else:
            out.append(Status(kind, name, "current"))
    present = {name for name, _ in records(kind, data)}
    for name in expected(kind):
        if name not in present:
            out.append(Status(kind, name, "missing", f"no record: {FILES[kind].what}"))
    return out


def expected(kind: str) -> list[str]:
    """The records a complete file holds: every benchmark, or every notebook of the book."""
    if kind == "results":
        return list(_benchmarks())
    if kind == "notebook_times":
        from tools.notebooks import toc_notebooks

        return [str(p.relative_to(ROOT)) for p in toc_notebooks()]
    return []


FAILING = ("changed", "gone", "unstamped", "missing")


def check(kinds=tuple(FILES)) -> list[Status]:
    """Every record that fails the check: changed and not marked stale, gone, unstamped, missing."""
    return [s for kind in kinds for s in status(kind) if s.state in FAILING]


SUBJECT_KEYS = {"results": "benchmark", "backends": "recipe", "full_costs": "recipe",
                "full_runs": "notebook", "notebook_times": "notebook"}


def subject_of(kind: str, name: str, record: dict) -> dict:
    """The subject a record of file ``kind`` measured, from its name (for unstamped records)."""
    key = SUBJECT_KEYS[kind]
    if key == "notebook":
        return {"notebook": name}
    return {key: name, "scale": record.get("scale", "full" if kind == "full_costs" else "ci")}


def mark_stale(kind: str, names: list[str] | None, reason: str,
               path: Path | None = None) -> list[str]:
    """Mark records of file ``kind`` stale with ``reason``: those named, or else every record whose
    subject changed since it was measured, or that has no stamp (it gets its subject and the hash
    "unknown"). Returns the names marked."""
    spec = FILES[kind]
    path = Path(path or spec.path)
    data = read(kind, path)
    marked = []
    for name, r in records(kind, data):
        if names and name not in names:
            continue
        unstamped = not isinstance(r.get("subject"), dict) or "hash" not in r
        if unstamped:
            r.update(subject=subject_of(kind, name, r), hash="unknown")
        elif not names and (r.get("stale") or current_hash(r["subject"]) == r["hash"]):
            continue
        r["stale"] = reason
        marked.append(name)
    path.write_text(json.dumps(data, indent=spec.indent, ensure_ascii=False) + "\n")
    return marked


def is_stale(record: dict) -> bool:
    """Whether a record is marked stale (the appendix shows such records apart)."""
    return bool(record.get("stale"))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("check", help="fail on a changed, unstamped or missing record")
    sub.add_parser("status", help="the state of every record")
    mark = sub.add_parser("mark-stale", help="mark records stale (default: every changed one)")
    mark.add_argument("file", choices=sorted(FILES))
    mark.add_argument("names", nargs="*")
    mark.add_argument("--reason", required=True)
    args = parser.parse_args(argv)
    if args.command == "mark-stale":
        for name in mark_stale(args.file, args.names, args.reason):
            print(f"marked stale: {name}")
        return 0
    every = [s for kind in FILES for s in status(kind)]
    if args.command == "status":
        for s in every:
            print(s)
        return 0
    failing = [s for s in every if s.state in FAILING]
    for s in every:
        if s.state == "stale":
            print(f"note: {s}")
    for s in failing:
        print(f"FAIL {s}")
    current = sum(s.state == "current" for s in every)
    print(f"records: {current} current, {sum(s.state == 'stale' for s in every)} marked stale, "
          f"{len(failing)} failing")
    if failing:
        print("Re-measure each failing record with the command its file names "
              "(benchmarks/README.md), or, when that cannot be done now, mark it: "
              "python tools/records.py mark-stale FILE NAME --reason '...'", file=sys.stderr)
    return 1 if failing else 0


if __name__ == "__main__":
    sys.exit(main())
