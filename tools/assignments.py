"""nbgrader assignments from the book's chapters, and the checks CI runs on them.

    python tools/assignments.py generate   # source/ -> release/ (nbgrader generate_assignment)
    python tools/assignments.py check      # generate, then verify release and autograding
    python tools/assignments.py check vae pca   # the same for some chapters only
    python tools/assignments.py guide      # the course guide's table of autograded exercises

A chapter's coding exercises are nbgrader cells (metadata ``nbgrader``: solution cells with
``### BEGIN SOLUTION`` / ``### END SOLUTION``, locked test cells with points) in its final
"Exercises" section. The assignment for a chapter is that chapter's hidden Colab install cell and
its first code cell (the set-up), followed by everything from its ``## Exercises`` heading on, so exercises must be self-contained:
an assignment runs in seconds instead of re-training the chapter's models. Everything is written
under ``_assignments/`` (course directory for nbgrader: source/, release/, submitted/, autograded/).

`check` verifies that (1) no solution code reaches the release, (2) autograding the source
notebooks gives full marks, (3) autograding the unmodified release gives zero marks, without crashing.

nbgrader runs in this process through its Python API (``NbGraderAPI``), not as one command per
step, and autograding executes every submission in one shared Jupyter kernel: before each notebook
the kernel's namespace is reset (``%reset -f``, figures closed, Keras session cleared) and its
working directory set to the submission's, so each notebook still runs from a clean namespace,
while TensorFlow is imported once instead of once per notebook. Everything else (sanitising the
submission, locked cells restored from the gradebook, grading, the gradebook) is nbgrader's own.
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import nbformat
from tools.notebooks import ROOT, is_colab_cell, toc_notebooks

# BOOK_ASSIGNMENTS_DIR lets two checks run side by side (each needs its own course directory).
COURSE = Path(os.environ.get("BOOK_ASSIGNMENTS_DIR", ROOT / "_assignments")).resolve()
CONFIG = """c = get_config()
c.CourseDirectory.root = {root!r}
c.CourseDirectory.course_id = "deep-unsupervised"
c.Execute.timeout = 300
"""


def has_graded_cells(nb) -> bool:
    return any(c.metadata.get("nbgrader", {}).get("grade") for c in nb.cells)


def assignment_from_chapter(nb) -> nbformat.NotebookNode:
    """The chapter's set-up cell plus its Exercises section, as a new notebook."""
    start = next((i for i, c in enumerate(nb.cells) if c.cell_type == "markdown"
                  and c.source.lstrip().startswith("## Exercises")), None)
    if start is None:
        raise ValueError("chapter has nbgrader cells but no '## Exercises' heading")
    colab = [c for c in nb.cells[:1] if is_colab_cell(c)]  # keeps the assignment runnable on Colab
    setup = next(c for c in nb.cells if c.cell_type == "code" and not is_colab_cell(c))
    cells = [nbformat.from_dict(dict(c)) for c in colab + [setup] + nb.cells[start:]]
    for c in cells:
        if c.cell_type == "code":
            c.outputs, c.execution_count = [], None
    out = nbformat.v4.new_notebook(cells=cells, metadata=nb.metadata)
    return out


AUTOGRADED = re.compile(r":::\{exercise\}\s*(?P<title>.*?)\s*\(autograded, (?P<points>\d+) points?\)\s*\n"
                        r":label:\s*(?P<label>\S+)")
GUIDE = ROOT / "chapters" / "course_guide.md"


def autograded_exercises() -> list[tuple[str, str, str, int]]:
    """(chapter, label, title, points) of every autograded exercise, in book order."""
    found = []
    for path in toc_notebooks():
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            for m in AUTOGRADED.finditer(cell.source):
                found.append((path.stem, m["label"], m["title"], int(m["points"])))
    return found


def guide_table() -> str:
    """The Markdown table of autograded exercises that the course guide must contain."""
    rows = ["| chapter | autograded exercise | points |", "| --- | --- | ---: |"]
    for chapter, label, title, points in autograded_exercises():
        rows.append(f"| {{doc}}`{chapter}` | {{ref}}`{title} <{label}>` | {points} |")
    return "\n".join(rows)


def nbgrader(*args: str) -> subprocess.CompletedProcess:
    """The nbgrader command line in the course directory (for manual use; check uses the API)."""
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    return subprocess.run([str(Path(sys.executable).parent / "nbgrader"), *args], cwd=COURSE,
                          env=env, capture_output=True, text=True)


_API = {}


def api():
    """nbgrader's Python API for the course directory, autograding in one shared kernel."""
    if "api" not in _API:
        from nbconvert.preprocessors import ClearMetadataPreprocessor
        from nbgrader.apps import NbGraderAPI
        from nbgrader.coursedir import CourseDirectory
        from nbgrader.preprocessors import (AssignLatePenalties, CheckCellMetadata, IgnorePattern,
                                            LimitOutput, SaveAutoGrades)
        from traitlets.config import Config

        from tools.shared_kernel import SharedKernelExecute

        # nbgrader runs `alembic heads` (a subprocess, from PATH) every time it opens the gradebook,
        # dozens of times per chapter; the answer is fixed by the installed nbgrader: ask it once.
        bin_dir = str(Path(sys.executable).parent)
        os.environ["PATH"] = bin_dir + os.pathsep + os.environ.get("PATH", "")
        import nbgrader.api

        nbgrader.api.get_alembic_version = functools.lru_cache(maxsize=None)(
            nbgrader.api.get_alembic_version)

        config = Config()
        config.CourseDirectory.root = str(COURSE)
        config.CourseDirectory.course_id = "deep-unsupervised"
        config.Execute.timeout = 300
        # nbgrader's own list with Execute replaced by the shared-kernel version
        config.Autograde.autograde_preprocessors = [
            SharedKernelExecute, IgnorePattern, ClearMetadataPreprocessor, LimitOutput,
            SaveAutoGrades, AssignLatePenalties, CheckCellMetadata]
        _API["api"] = NbGraderAPI(coursedir=CourseDirectory(config=config), config=config)
    return _API["api"]


def run_api(step: str, *args) -> None:
    """One nbgrader API call (generate_assignment, autograde); SystemExit with its log on failure."""
    import warnings

    with warnings.catch_warnings():  # SQLAlchemy's notes about nbgrader's session use
        warnings.simplefilter("ignore")
        result = getattr(api(), step)(*args, force=True, create=True)
    if not result.get("success"):
        raise RuntimeError(f"nbgrader {step} {' '.join(args)} failed:\n"
                           f"{result.get('log', '')}{result.get('error', '')}")


def generate(only: list[str] | None = None) -> list[str]:
    """Write source/ from the chapters and run nbgrader generate_assignment; return the names."""
    shutil.rmtree(COURSE, ignore_errors=True)
    COURSE.mkdir()
    (COURSE / "nbgrader_config.py").write_text(CONFIG.format(root=str(COURSE)))
    names = []
    for path in toc_notebooks():
        nb = nbformat.read(path, as_version=4)
        if not has_graded_cells(nb) or (only and path.stem not in only):
            continue
        name = path.stem
        (COURSE / "source" / name).mkdir(parents=True)
        nbformat.write(assignment_from_chapter(nb), COURSE / "source" / name / f"{name}.ipynb")
        try:
            run_api("generate_assignment", name)
        except RuntimeError as error:
            raise SystemExit(str(error))
        if not (COURSE / "release" / name / f"{name}.ipynb").exists():
            raise SystemExit(f"nbgrader generate_assignment {name} wrote no release notebook")
        print(f"released {name}: {COURSE / 'release' / name / (name + '.ipynb')}")
        names.append(name)
    if not names:
        raise SystemExit("no chapter has nbgrader exercises")
    return names


def solution_lines(nb) -> list[str]:
    """The code lines between BEGIN/END SOLUTION markers in a notebook's solution cells."""
    lines, inside = [], False
    for cell in nb.cells:
        for line in cell.source.splitlines():
            if "### END SOLUTION" in line:
                inside = False
            elif inside and line.strip() and not line.strip().startswith("#"):
                lines.append(line.strip())
            if "### BEGIN SOLUTION" in line:
                inside = True
    return lines


def grades(name: str, student: str) -> tuple[float, float, list[str]]:
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{COURSE / 'gradebook.db'}") as gb:
        sub = gb.find_submission(name, student)
        failed = [g.name for nb in sub.notebooks for g in nb.grades
                  if g.max_score and (g.score or 0) < g.max_score]
        return sub.score, sub.max_score, failed


def check(only: list[str] | None = None) -> int:
    from tools.shared_kernel import shutdown_shared_kernel

    try:
        return _check(only)
    finally:
        shutdown_shared_kernel()


def _check(only: list[str] | None = None) -> int:
    problems = []
    if guide_table() not in GUIDE.read_text():
        problems.append(f"{GUIDE.relative_to(ROOT)} does not list the autograded exercises as they are "
                        "now: paste in the table that `python tools/assignments.py guide` prints")
    for name in generate(only):
        source = nbformat.read(COURSE / "source" / name / f"{name}.ipynb", as_version=4)
        released_text = (COURSE / "release" / name / f"{name}.ipynb").read_text()
        leaked = [ln for ln in solution_lines(source) if ln in released_text]
        if "BEGIN SOLUTION" in released_text or leaked:
            problems.append(f"{name}: solution code in the release: {leaked[:3]}")
        for student, origin in (("instructor-solutions", "source"), ("unmodified-release", "release")):
            target = COURSE / "submitted" / student / name
            target.mkdir(parents=True)
            shutil.copy(COURSE / origin / name / f"{name}.ipynb", target)
            start = time.perf_counter()
            try:
                run_api("autograde", name, student)
            except RuntimeError as error:
                problems.append(f"{name}: autograde of {origin} crashed:\n{str(error)[-2000:]}")
                continue
            score, max_score, failed = grades(name, student)
            print(f"{name}: {origin:7s} scores {score:g} / {max_score:g} "
                  f"({time.perf_counter() - start:.1f} s)", flush=True)
            if origin == "source" and score != max_score:
                problems.append(f"{name}: source notebook scores {score}/{max_score}; failing: {failed}")
            if origin == "release" and score != 0:
                problems.append(f"{name}: unmodified release scores {score}/{max_score}, not 0")
            if max_score == 0:
                problems.append(f"{name}: no points to grade")
    for p in problems:
        print("FAIL", p)
    return 1 if problems else 0


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else "check"
    if command == "generate":
        generate(sys.argv[2:])
    elif command == "guide":
        print(guide_table())
    elif command == "check":
        start = time.perf_counter()
        code = check(sys.argv[2:])
        print(f"assignments check: {time.perf_counter() - start:.0f} s")
        sys.exit(code)
    else:
        raise SystemExit(__doc__)
