"""Turn a percent-format script into a notebook (unexecuted), for authors who prefer a text editor.

    python tools/py2nb.py draft.py chapters/my_chapter.ipynb

Cells start at lines `# %%` (code) or `# %% [markdown]` (markdown; each line's leading `# ` is
removed). Tags go in brackets: `# %% tags=["hide-input"]`. nbgrader cells add
`nbgrader="solution GRADE_ID"` or `nbgrader="test GRADE_ID POINTS"` after the tags.
"""

import json
import re
import sys

import nbformat

HEADER = re.compile(r"^# %%(?P<md> \[markdown\])?(?:\s+tags=(?P<tags>\[.*?\]))?"
                    r"(?:\s+nbgrader=\"(?P<nbgrader>[^\"]+)\")?\s*$")


def nbgrader_metadata(spec: str) -> dict:
    """'solution ID' or 'test ID POINTS' -> nbgrader cell metadata (schema 3)."""
    kind, grade_id, *points = spec.split()
    meta = {"grade_id": grade_id, "schema_version": 3, "locked": kind == "test",
            "solution": kind == "solution", "grade": kind == "test"}
    if kind == "test":
        meta["points"] = int(points[0])
    return meta


def convert(text: str) -> nbformat.NotebookNode:
    cells, kind, tags, grader, lines = [], None, [], None, []

    def flush():
        if kind is None:
            return
        body = "\n".join(lines).strip("\n")
        if kind == "markdown":
            body = "\n".join(re.sub(r"^# ?", "", ln) for ln in body.split("\n"))
            cell = nbformat.v4.new_markdown_cell(body)
        else:
            cell = nbformat.v4.new_code_cell(body)
        if tags:
            cell.metadata["tags"] = tags
        if grader:
            cell.metadata["nbgrader"] = nbgrader_metadata(grader)
        cells.append(cell)

    for line in text.split("\n"):
        m = HEADER.match(line)
        if m:
            flush()
            kind = "markdown" if m.group("md") else "code"
            tags = json.loads(m.group("tags")) if m.group("tags") else []
            grader = m.group("nbgrader")
            lines = []
        elif kind is not None:
            lines.append(line)
    flush()
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    return nb


if __name__ == "__main__":
    src, dst = sys.argv[1:3]
    nbformat.write(convert(open(src).read()), dst)
    print(f"wrote {dst}")
