"""Hygiene rules for committed notebooks and the book's Markdown pages (see /work/coord/CHECKS.md).

Every rule returns ``Problem``s: the cell index (position in the notebook, 0-based, counting
Markdown cells and the hidden Colab cell; ``None`` for the whole notebook), a rule id and a message
with the offending text. ``tools/notebooks.py check`` prints them; ``tidy`` fixes what it can.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import NamedTuple

import nbformat

from prose_numbers import load_allowlist, unglued

MAX_LINE = 88
HIDDEN_INPUT_TAGS = {"remove-input", "remove-cell"}
# Lines that only TensorFlow/absl/XLA log machinery prints; none may reach a committed output.
TF_LOG_PATTERNS = re.compile(
    r"(^[IWEF]\d{4} \d\d:\d\d|tensorflow/core|tensorflow/compiler|oneDNN custom operations|"
    r"cuda_(?:dnn|blas|fft|driver)|Unable to register cu|absl::InitializeLog|"
    r"This TensorFlow binary is optimized|computation_placer|WARNING:absl|XLA service)", re.M)
LOCAL_PATH = re.compile(r"(/work/|/home/|/Users/|/root/|shared/datasets|[A-Z]:\\\\Users)")
IMAGE_MIMES = ("image/png", "image/svg+xml", "image/jpeg", "image/gif")
TEXT_MIMES = ("text/plain", "text/html", "text/markdown", "text/latex")


class Problem(NamedTuple):
    cell: int | None
    rule: str
    message: str

    def __str__(self) -> str:
        where = f"cell {self.cell}" if self.cell is not None else "file"
        return f"{where} [{self.rule}] {self.message}"


def tags(cell) -> set[str]:
    return set(cell.get("metadata", {}).get("tags", []))


def _python(source: str) -> ast.Module | None:
    """The cell's source parsed as Python (IPython magics and shell lines blanked), or None."""
    lines = ["" if line.lstrip().startswith(("%", "!")) else line for line in source.split("\n")]
    try:
        return ast.parse("\n".join(lines))
    except SyntaxError:
        return None


def is_assert_only(source: str) -> bool:
    """True for a cell of `assert` statements, with at most comments and glue(...) calls besides."""
    tree = _python(source)
    if tree is None or not tree.body:
        return False

    def quiet(node) -> bool:
        if isinstance(node, ast.Assert):
            return True
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
            func = node.value.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            return name == "glue"
        return False

    return all(quiet(n) for n in tree.body) and any(isinstance(n, ast.Assert) for n in tree.body)


def output_texts(out) -> list[str]:
    """The human-visible texts of one output (stream text, text mime types, error traceback)."""
    if out.get("output_type") == "stream":
        return [out.get("text", "")]
    if out.get("output_type") == "error":
        return [f"{out.get('ename')}: {out.get('evalue')}"]
    data = out.get("data", {})
    return [_str(data[m]) for m in TEXT_MIMES if m in data]


def _str(value) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


def _snippet(text: str, match: re.Match, width: int = 70) -> str:
    return text[max(0, match.start() - 25): match.end() + width - 25].replace("\n", "⏎").strip()


def rule_line_length(i, cell):
    for n, line in enumerate(cell.source.split("\n"), 1):
        if len(line) > MAX_LINE:
            yield Problem(i, "line-length", f"line {n} has {len(line)} > {MAX_LINE} characters: "
                                            f"{line.strip()[:60]!r}…")


def rule_assert_hidden(i, cell):
    if is_assert_only(cell.source) and not tags(cell) & HIDDEN_INPUT_TAGS:
        first = cell.source.strip().split("\n")[0]
        yield Problem(i, "assert-visible", "a cell of only assert statements is not tagged "
                      f"remove-input (run: tools/notebooks.py tidy): {first[:60]!r}")


def rule_outputs(i, cell):
    """Errors, TensorFlow log noise, local paths and a self-check string printed twice."""
    outputs = cell.get("outputs", [])
    for out in outputs:
        if out.get("output_type") == "error":
            yield Problem(i, "error-output", f"{out.get('ename')}: {out.get('evalue')}")
        for text in output_texts(out):
            match = TF_LOG_PATTERNS.search(text)
            if match:
                yield Problem(i, "tf-noise", f"prints TensorFlow log noise: {_snippet(text, match)!r}")
            match = LOCAL_PATH.search(text)
            if match:
                yield Problem(i, "local-path", f"an output shows a local path: {_snippet(text, match)!r}")
    streamed = [line.strip() for out in outputs if out.get("output_type") == "stream"
                for line in out.get("text", "").split("\n") if line.strip()]
    for out in outputs:
        if out.get("output_type") != "execute_result":
            continue
        plain = _str(out.get("data", {}).get("text/plain", "")).strip()
        if len(plain) > 1 and plain[0] in "'\"" and plain[-1] == plain[0]:
            try:
                value = ast.literal_eval(plain)
            except (ValueError, SyntaxError):
                continue
            if isinstance(value, str) and value.strip() and \
                    value.strip().split("\n")[-1].strip() in streamed:
                yield Problem(i, "printed-twice", "the cell prints a line and also returns it as a "
                              f"quoted string (end the cell with ';' or return None): {plain[:60]}")


NUMPY_REPR = re.compile(r"^np\.(?:float|int|uint|bool|complex)\w*\(|^array\(")


def rule_glue_values(i, cell):
    """A glued NumPy scalar renders as text "np.float64(0.26)" and cannot take a format spec."""
    for out in cell.get("outputs", []):
        scrapbook = out.get("metadata", {}).get("scrapbook")
        if not scrapbook:
            continue
        plain = _str(out.get("data", {}).get(scrapbook.get("mime_prefix", "") + "text/plain", ""))
        if NUMPY_REPR.match(plain):
            yield Problem(i, "glue-numpy", f"glue({scrapbook.get('name')!r}) stores {plain[:40]!r}: "
                          "glue a Python number instead (float(x), int(x), x.item())")


def rule_alt_text(i, cell):
    if tags(cell) & {"remove-cell", "remove-output"}:
        return
    images = [m for out in cell.get("outputs", []) if out.get("output_type") in
              ("display_data", "execute_result") for m in out.get("data", {}) if m in IMAGE_MIMES]
    if not images:
        return
    mystnb = cell.get("metadata", {}).get("mystnb", {}) or {}
    alt = str((mystnb.get("image") or {}).get("alt", "")).strip()
    if not alt:
        yield Problem(i, "alt-text", f"the cell outputs {len(images)} image(s) but has no alt text "
                      "(cell.metadata.mystnb.image.alt)")
    elif len(alt.split()) < 3 or re.search(r"\.(png|svg|jpe?g)\b|^[\w/.-]+$", alt):
        yield Problem(i, "alt-text", f"alt text is not a description: {alt!r}")


def rule_markdown_numbers(i, cell, page, allow):
    for message in unglued(cell.source, page, allow):
        yield Problem(i, "unglued-number", message)


CODE_RULES = (rule_line_length, rule_assert_hidden, rule_outputs, rule_glue_values, rule_alt_text)


# Chapters that need not print their scale (results.ipynb reads recorded benchmarks, trains nothing).
SCALE_EXEMPT = {"results"}
SCALE_LINE = re.compile(r"^Scale: (ci|full)\b", re.M)


def _prints_scale(source: str) -> bool:
    """True when the source calls ``print(<...>describe_scale())``."""
    tree = _python(source)
    for node in ast.walk(tree) if tree is not None else ():
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "print" and node.args \
                and isinstance(node.args[0], ast.Call):
            func = node.args[0].func
            if (func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")) \
                    == "describe_scale":
                return True
    return False


def rule_scale_banner(path: Path, nb, is_colab=None):
    """A chapter says at its top which scale (``BOOK_SCALE``: ci or full) it runs at (issue 21).

    Its first code cell that is not hidden (not the Colab cell, not tagged remove-cell) must call
    ``print(du.recipes.describe_scale())``, and once executed show the "Scale: ..." line.
    """
    if Path(path).parent.name != "chapters" or Path(path).stem in SCALE_EXEMPT:
        return
    first = next(((i, c) for i, c in enumerate(nb.cells) if c.cell_type == "code"
                  and not (is_colab and is_colab(c)) and "remove-cell" not in tags(c)
                  and c.source.strip()), None)
    if first is None or not _prints_scale(first[1].source):
        yield Problem(first[0] if first else None, "scale-banner", "the first visible code cell "
                      "does not print(du.recipes.describe_scale()) after du.setup(...)")
    elif first[1].get("execution_count") and not any(
            SCALE_LINE.search(text) for out in first[1].get("outputs", [])
            for text in output_texts(out)):
        yield Problem(first[0], "scale-banner", "the first visible code cell does not show the "
                      "'Scale: ...' line of describe_scale() (re-execute the notebook)")


def notebook_problems(path: Path, allow=None, colab_cell=None, is_colab=None) -> list[Problem]:
    """Problems of the per-cell rules and the scale banner (the caller adds the other
    whole-notebook ones)."""
    allow = load_allowlist() if allow is None else allow
    nb = nbformat.read(path, as_version=4)
    problems: list[Problem] = []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "markdown":
            problems += rule_markdown_numbers(i, cell, path.stem, allow)
        elif cell.cell_type == "code" and not (is_colab and is_colab(cell)):
            for rule in CODE_RULES:
                problems += rule(i, cell)
    problems += rule_scale_banner(path, nb, is_colab)
    return problems


def markdown_page_problems(path: Path, allow=None) -> list[Problem]:
    """A Markdown page (about.md, index.md ...) must not quote measured figures: it links instead."""
    allow = load_allowlist() if allow is None else allow
    text = path.read_text()
    text = re.sub(r"\A---\n.*?\n---\n", lambda m: "\n" * m.group(0).count("\n"), text, flags=re.S)
    return [Problem(None, "unglued-number", message) for message in unglued(text, path.stem, allow)]


def tidy(path: Path) -> int:
    """Tag assert-only cells remove-input (replacing hide-input); return how many cells changed (the file is rewritten
    only when something changed)."""
    nb = nbformat.read(path, as_version=4)
    changed = 0
    for cell in nb.cells:
        if cell.cell_type == "code" and is_assert_only(cell.source) and \
                not tags(cell) & HIDDEN_INPUT_TAGS:
            cell_tags = [t for t in cell.metadata.get("tags", []) if t != "hide-input"]
            cell.metadata["tags"] = cell_tags + ["remove-input"]
            changed += 1
    if changed:
        nbformat.write(nb, path)
    return changed
