"""Book maintenance: list, execute, re-run (nbval) and hygiene-check the notebooks in _toc.yml.

    python tools/notebooks.py list                 # notebooks in _toc.yml, in book order
    python tools/notebooks.py execute [NB ...]     # run in place, fresh kernel, top to bottom;
                                                   # wall times go to benchmarks/notebook_times.json
    python tools/notebooks.py nbval [NB ...]       # pytest --nbval-lax per notebook, timed
    python tools/notebooks.py check [NB ...]       # hygiene: executed in order, no errors/log noise,
                                                   # code lines <= 88, asserts hidden, no local paths,
                                                   # alt text, measured numbers glued (CHECKS.md);
                                                   # also checks the .md pages of _toc.yml
    python tools/notebooks.py tidy [NB ...]        # tag assert-only cells remove-input
    python tools/notebooks.py colab [NB ...]       # (re)write each notebook's hidden Colab cell

Without notebook arguments each command works on every notebook listed in _toc.yml.

The Colab cell is every notebook's first cell, tagged ``remove-cell`` (so the HTML book hides it):
on Colab, where the book's package is missing, it pip-installs ``lib/`` from the repository named by
``repository.url`` and ``repository.branch`` in ``_config.yml``; anywhere else it does nothing. A fork
changes that one setting and runs ``colab``; ``check`` fails while a notebook's cell is out of date.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import yaml

from tools import hygiene

ROOT = Path(__file__).resolve().parent.parent


def toc_notebooks() -> list[Path]:
    """Notebook paths listed in _toc.yml, in reading order."""
    return [p for p in toc_files() if p.suffix == ".ipynb"]


def toc_pages() -> list[Path]:
    """Markdown pages listed in _toc.yml (the root page included), in reading order."""
    return [p for p in toc_files() if p.suffix == ".md"]


def toc_files() -> list[Path]:
    """Notebook and Markdown paths listed in _toc.yml, in reading order."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files: list[str] = []

    def walk(node):
        if isinstance(node, dict):
            if "file" in node:
                files.append(node["file"])
            for key in ("parts", "chapters", "sections"):
                for child in node.get(key, []) or []:
                    walk(child)
        elif isinstance(node, list):
            for child in node:
                walk(child)

    files.append(toc["root"])
    walk(toc)
    paths = []
    for f in files:
        p = ROOT / f
        if not p.suffix:
            p = next((p.with_suffix(s) for s in (".ipynb", ".md") if p.with_suffix(s).exists()),
                     p.with_suffix(".ipynb"))
        if p.suffix == ".ipynb" and not p.exists():
            raise SystemExit(f"_toc.yml lists {f}, but {p} does not exist")
        if p.suffix in (".ipynb", ".md") and p.exists():
            paths.append(p)
    return paths


COLAB_TAG = "colab-install"
COLAB_CELL = """\
# Hidden in the book. On Colab (or anywhere the book's package is missing) this installs it from
# the book's repository; on Binder and in a local checkout it does nothing.
import importlib.util, subprocess, sys
if importlib.util.find_spec("deep_unsupervised") is None:
    subprocess.run([sys.executable, "-m", "pip", "install", "-q",
                    "deep-unsupervised @ git+{url}@{branch}#subdirectory=lib"], check=True)"""


def colab_cell_source() -> str:
    """The Colab install cell for the repository that _config.yml names."""
    repo = yaml.safe_load((ROOT / "_config.yml").read_text())["repository"]
    url = repo["url"].rstrip("/")
    return COLAB_CELL.format(url=url if url.endswith(".git") else url + ".git",
                             branch=repo.get("branch", "main"))


def is_colab_cell(cell) -> bool:
    return COLAB_TAG in cell.get("metadata", {}).get("tags", [])


def write_colab_cell(path: Path) -> bool:
    """Insert or update the notebook's hidden first cell; return True when the file changed.

    An existing cell keeps its outputs and execution count (it prints nothing where the package is
    installed), so only the source changes and the notebook stays validly executed.
    """
    nb = nbformat.read(path, as_version=4)
    source = colab_cell_source()
    cells = [c for c in nb.cells if is_colab_cell(c)]
    if cells and cells[0].source == source and nb.cells[0] is cells[0]:
        return False
    if cells:
        cells[0].source = source
        nb.cells.remove(cells[0])
        nb.cells.insert(0, cells[0])
    else:
        cell = nbformat.v4.new_code_cell(source, metadata={"tags": ["remove-cell", COLAB_TAG]})
        nb.cells.insert(0, cell)
    nbformat.write(nb, path)
    return True


def _peak_rss_mb(pid: int) -> float:
    """Peak resident memory (VmHWM) of a live process in MB; 0 where /proc is not available."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def execute(path: Path, timeout: int | None = 900,
            cwd: Path | None = None) -> tuple[float, float]:
    """Execute a notebook in place in a fresh kernel; return (wall seconds, kernel peak memory MB).

    A cell may run for ``timeout`` seconds, without limit at ``BOOK_SCALE=full``, whose training
    cells run for hours. The kernel starts in ``cwd`` (default: the notebook's folder), so that a
    copy of a chapter runs as the chapter does.
    """
    from nbclient import NotebookClient

    if os.environ.get("BOOK_SCALE", "").strip() == "full":
        timeout = None
    nb = nbformat.read(path, as_version=4)
    peak = [0.0]
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3",
                            resources={"metadata": {"path": str(cwd or path.parent)}})

    def track_memory(**_):  # after every cell, while the kernel is alive
        pid = getattr(getattr(client.km, "provisioner", None), "pid", None)
        if pid:
            peak[0] = max(peak[0], _peak_rss_mb(pid))

    client.on_cell_executed = track_memory
    start = time.perf_counter()
    try:
        client.execute()
    except Exception:
        if cwd is not None:  # a copy: keep the partly executed notebook to read
            nbformat.write(nb, path)
        raise
    seconds = time.perf_counter() - start
    nb.metadata.setdefault("kernelspec", {"name": "python3", "display_name": "Python 3 (ipykernel)",
                                          "language": "python"})
    nbformat.write(nb, path)
    return seconds, peak[0]


TIMES = ROOT / "benchmarks" / "notebook_times.json"


def machine() -> dict:
    """What the timings were measured on."""
    import datetime
    import os
    import platform

    return {"cpus": os.cpu_count(), "platform": platform.platform(), "processor": platform.machine(),
            "python": platform.python_version(),
            "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")}


def record_time(path: Path, seconds: float, peak_mb: float, times_file: Path = TIMES) -> None:
    """Merge one notebook's execution wall time and peak memory into the timings file (JSON),
    stamped with the hash of the code cells that ran (``tools/records.py``)."""
    import json

    from tools import records

    data = json.loads(times_file.read_text()) if times_file.exists() else {}
    notebooks = data.get("notebooks", {})
    rel = str(path.relative_to(ROOT))
    notebooks[rel] = {"seconds": round(seconds, 1), "peak_memory_mb": round(peak_mb),
                      "measured": machine()["date"],
                      **records.stamp({"notebook": rel}, records.notebook_hash(path))}
    order = [str(p.relative_to(ROOT)) for p in toc_notebooks()]
    data = {"machine": machine(), "note": "wall time of `python tools/notebooks.py execute` per "
            "notebook (fresh kernel, top to bottom, including kernel start) and the kernel's peak "
            "resident memory; 'hash' is that of the notebook's code cells (tools/records.py)",
            "notebooks": {k: notebooks[k] for k in sorted(notebooks, key=lambda k: (
                order.index(k) if k in order else len(order), k))}}
    times_file.parent.mkdir(exist_ok=True)
    times_file.write_text(json.dumps(data, indent=2) + "\n")


def hygiene_problems(path: Path) -> list[hygiene.Problem]:
    """What is wrong with a committed notebook or a Markdown page; an empty list when it is clean."""
    if path.suffix == ".md":
        return hygiene.markdown_page_problems(path)
    nb = nbformat.read(path, as_version=4)
    problems = []
    if not nb.cells or not is_colab_cell(nb.cells[0]):
        problems.append("the first cell is not the hidden Colab install cell "
                        "(run: python tools/notebooks.py colab)")
    elif nb.cells[0].source != colab_cell_source():
        problems.append("the Colab install cell does not match repository.url in _config.yml "
                        "(run: python tools/notebooks.py colab)")
    code = [c for c in nb.cells if c.cell_type == "code" and c.source.strip()]
    counts = [c.get("execution_count") for c in code]
    if counts != list(range(1, len(code) + 1)):
        problems.append(f"execution counts are {counts}, not 1..{len(code)} (re-run top to bottom "
                        "in a fresh kernel)")
    if not any(c.get("outputs") for c in code):
        problems.append("no cell has any output (the notebook was not executed)")
    problems = [hygiene.Problem(None, "executed", p) for p in problems]
    return problems + hygiene.notebook_problems(path, is_colab=is_colab_cell)


def nbval(paths: list[Path]) -> list[str]:
    """Re-execute the notebooks with nbval in one pytest run (one kernel per notebook, as before,
    without a pytest start per notebook); print each notebook's time; return the failed ones."""
    import pytest

    class Timer:
        def __init__(self):
            self.seconds: dict[str, float] = {}
            self.failed: set[str] = set()

        def pytest_runtest_logreport(self, report):  # setup, call and teardown of every cell
            name = report.nodeid.split("::")[0]
            self.seconds[name] = self.seconds.get(name, 0.0) + report.duration
            if report.failed:
                self.failed.add(name)

    timer, start = Timer(), time.perf_counter()
    os.chdir(ROOT)
    rels = [str(p.relative_to(ROOT)) for p in paths]
    rc = pytest.main(["-q", "-p", "no:cacheprovider", "--nbval-lax", "--nbval-cell-timeout=900",
                      *rels], plugins=[timer])
    for rel in rels:
        status = "FAIL" if rel in timer.failed or rel not in timer.seconds else "ok  "
        print(f"nbval {status} {timer.seconds.get(rel, 0.0):6.1f} s  {rel}", flush=True)
    print(f"nbval: {len(rels)} notebook(s) in {time.perf_counter() - start:.0f} s", flush=True)
    failed = [rel for rel in rels if rel in timer.failed or rel not in timer.seconds]
    if rc != 0 and not failed:
        failed = [f"pytest exit code {rc}"]
    return failed


def longest_first(paths: list[Path], times_file: Path = TIMES) -> list[Path]:
    """``paths`` in the order of their recorded run time, longest first (unrecorded: 60 s)."""
    import json

    recorded = json.loads(times_file.read_text()).get("notebooks", {}) if times_file.exists() else {}
    cost = {p: recorded.get(str(p.relative_to(ROOT)), {}).get("seconds", 60.0) for p in paths}
    return sorted(paths, key=cost.get, reverse=True)


def nbval_parallel(paths: list[Path], jobs: int) -> list[str]:
    """:func:`nbval` in ``jobs`` processes at once, one notebook each, longest first.

    A process that finishes takes the next notebook, so the jobs end close together whatever
    the machine's load does to each notebook's time. The backends keep their thread counts: a
    different count can change the order of floating-point sums, and a long training run may
    then end elsewhere than the committed one. Two notebooks at once still use both cores
    better, since much of a chapter is single-threaded Python (kernel start, plotting, small
    training steps).
    """
    start, queue, running, failed = time.perf_counter(), longest_first(paths), {}, []
    while queue or running:
        while queue and len(running) < jobs:
            path = queue.pop(0)
            running[path] = subprocess.Popen([sys.executable, __file__, "nbval", str(path)])
        time.sleep(0.5)
        for path, proc in list(running.items()):
            if proc.poll() is not None:
                del running[path]
                if proc.returncode != 0:
                    failed.append(str(path.relative_to(ROOT)))
    print(f"nbval: {len(paths)} notebook(s), {jobs} at a time, in "
          f"{time.perf_counter() - start:.0f} s", flush=True)
    return failed


def _targets(args) -> list[Path]:
    if args.notebooks:
        return [Path(p).resolve() for p in args.notebooks]
    return toc_files() if args.command == "check" else toc_notebooks()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["list", "execute", "nbval", "check", "colab",
                                                         "tidy"])
    parser.add_argument("notebooks", nargs="*")
    parser.add_argument("--jobs", type=int, default=1,
                        help="nbval: how many notebooks are re-executed at once")
    args = parser.parse_intermixed_args()  # `nbval --jobs 2 a.ipynb b.ipynb` works too
    targets = _targets(args)
    if not targets:
        print("no notebooks found", file=sys.stderr)
        return 1
    failed, counts = [], {}
    if args.command == "nbval":
        failed = nbval(targets) if args.jobs <= 1 else nbval_parallel(targets, args.jobs)
        targets = []
    for path in targets:
        rel = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
        if args.command == "list":
            print(rel)
        elif args.command == "execute":
            print(f"executing {rel} ...", flush=True)
            seconds, peak_mb = execute(path)
            if os.environ.get("BOOK_SCALE", "").strip() != "full":  # the table is the ci scale's
                record_time(path, seconds, peak_mb)
            print(f"  {seconds:6.1f} s  {peak_mb:6.0f} MB  {rel}", flush=True)
        elif args.command == "tidy":
            n = hygiene.tidy(path)
            print(f"{rel}: {n} assert-only cell(s) tagged remove-input" if n else f"tidy: {rel}")
        elif args.command == "colab":
            print(f"{'updated' if write_colab_cell(path) else 'up to date'}: {rel}")
        else:
            problems = hygiene_problems(path)
            print(f"{'ok  ' if not problems else 'FAIL'} {rel}"
                  + (f" ({len(problems)} problems)" if problems else ""))
            for p in problems:
                print(f"      {p}")
                counts.setdefault(p.rule, {}).setdefault(path.stem, 0)
                counts[p.rule][path.stem] += 1
            if problems:
                failed.append(str(rel))
    if args.command == "check":
        print(hygiene.budget_table([p for p in targets if p.suffix == ".ipynb"]))
    if counts:
        print("problems per rule: " + "; ".join(
            f"{rule} {sum(c.values())} ({', '.join(f'{k} {v}' for k, v in c.items())})"
            for rule, c in sorted(counts.items())))
    if failed:
        print(f"{len(failed)} notebook(s) failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
