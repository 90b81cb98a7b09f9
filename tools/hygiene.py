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

from tools.prose_numbers import load_allowlist, unglued

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


# --- what the reader sees (issue 31 item 4) -------------------------------------------------
# Code a page shows: cells not tagged remove-input / remove-cell, and not folded behind a toggle
# (hide-input: the reference solutions of graded exercises).
FOLDED_TAGS = HIDDEN_INPUT_TAGS | {"hide-input"}
# Budgets of visible code, in non-blank lines: a chapter teaches with at most CHAPTER_CODE_BUDGET
# lines in view, and no visible cell is longer than CELL_CODE_BUDGET (the aim is <= 15 lines; a
# screen of the desktop page holds about 25). ``tools/notebooks.py check`` prints each chapter's
# count.
CHAPTER_CODE_BUDGET = 250
CELL_CODE_BUDGET = 25
# Width of the desktop column in characters of code: at 1366 px the code box is 757 px wide with
# 16 px padding each side, and _static/book.css sets code and outputs in 13 px monospace (7.8 px a
# character): 92 characters fit (tools/browser_check.py measures the same in pixels). A visible
# output line wider than OUTPUT_COLUMN scrolls sideways; Python source keeps MAX_LINE.
OUTPUT_COLUMN = 90
FIGURE_REPR = re.compile(r"^<Figure size \d+(?:\.\d+)?x\d+(?:\.\d+)? with \d+ Axes>$")
GLUE_CALL = re.compile(r"(?<![\w.])(?:\w+\.)*glue\(")
ASSERT_LINE = re.compile(r"^\s*assert\b")


def visible_code_lines(cell) -> int:
    """Non-blank source lines a reader sees on the page (0 for hidden and folded cells)."""
    if cell.cell_type != "code" or tags(cell) & FOLDED_TAGS:
        return 0
    return sum(1 for line in cell.source.split("\n") if line.strip())


def _makes_figure(cell) -> bool:
    """True for a cell that draws a numbered figure (mystnb.figure metadata) or whose outputs
    include a Matplotlib figure's repr."""
    if (cell.get("metadata", {}).get("mystnb", {}) or {}).get("figure"):
        return True
    return any(FIGURE_REPR.match(_str(out.get("data", {}).get("text/plain", "")).strip())
               for out in cell.get("outputs", []))


def rule_figure_image(i, cell):
    """A cell that makes a figure shows it as an image, never as the text '<Figure size ...>'."""
    if tags(cell) & {"remove-cell", "remove-output"} or not cell.get("execution_count"):
        return
    outputs = cell.get("outputs", [])
    for out in outputs:
        data = out.get("data", {})
        plain = _str(data.get("text/plain", "")).strip()
        if FIGURE_REPR.match(plain) and not any(m in data for m in IMAGE_MIMES):
            yield Problem(i, "figure-repr", f"an output is only the text {plain!r}: the figure was "
                          "not drawn as an image (call du.setup() before the first figure; return "
                          "the Figure as the cell's last value)")
            return
    if _makes_figure(cell) and not any(m in out.get("data", {}) for out in outputs
                                       for m in IMAGE_MIMES):
        yield Problem(i, "figure-image", "the cell makes a figure but has no image output")


def rule_visible_machinery(i, cell):
    """No glue(...) call or assert statement in code the page shows (a cell of only asserts is
    rule_assert_hidden's)."""
    if tags(cell) & FOLDED_TAGS or is_assert_only(cell.source):
        return
    for n, line in enumerate(cell.source.split("\n"), 1):
        code = line.split("#", 1)[0]
        if GLUE_CALL.search(code):
            yield Problem(i, "visible-glue", f"line {n} calls glue(...) in a visible cell (tag the "
                          f"cell remove-input or move the call into a hidden cell): {line.strip()[:60]!r}")
        elif ASSERT_LINE.match(code):
            yield Problem(i, "visible-assert", f"line {n} is an assert in a visible cell (move it "
                          f"into a cell tagged remove-input): {line.strip()[:60]!r}")


def rule_cell_budget(i, cell):
    n = visible_code_lines(cell)
    if n > CELL_CODE_BUDGET:
        yield Problem(i, "cell-budget", f"a visible cell of {n} code lines > {CELL_CODE_BUDGET} "
                      "(split it, or hide its plumbing in a remove-input cell)")


def rule_output_width(i, cell):
    """No visible output line wider than the desktop column (OUTPUT_COLUMN characters)."""
    if tags(cell) & {"remove-cell", "remove-output"}:
        return
    for out in cell.get("outputs", []):
        if out.get("output_type") == "stream":
            texts = [out.get("text", "")]
        elif out.get("output_type") in ("display_data", "execute_result"):
            data = out.get("data", {})
            if any(m in data for m in IMAGE_MIMES + ("text/html", "text/markdown", "text/latex")):
                continue  # rendered, not shown as text (HTML/Markdown wrap; the browser check)
            texts = [_str(data.get("text/plain", ""))]
        else:
            continue
        for text in texts:
            for line in text.split("\n"):
                line = line.rsplit("\r", 1)[-1]  # a progress bar shows only its last state
                if len(line) > OUTPUT_COLUMN:
                    yield Problem(i, "output-width", f"an output line of {len(line)} > "
                                  f"{OUTPUT_COLUMN} characters scrolls sideways: {line.strip()[:60]!r}")
                    return


# lib/deep_unsupervised/book/plotting.py SMALLEST_FONT_PT: no figure text below it (tests check they agree).
SMALLEST_FONT_PT = 9
SMALL_FONT = re.compile(r"\bfontsize\s*=\s*(?:(\d+(?:\.\d*)?)\b|[\"'](xx-small|x-small)[\"'])")


def rule_small_font(i, cell):
    """No figure text below SMALLEST_FONT_PT points: it could not be read on the page."""
    for n, line in enumerate(cell.source.split("\n"), 1):
        for match in SMALL_FONT.finditer(line.split("#", 1)[0]):
            if match.group(2) or float(match.group(1)) < SMALLEST_FONT_PT:
                yield Problem(i, "small-font", f"line {n} sets {match.group(0)!r}, below "
                              f"{SMALLEST_FONT_PT} pt (the book's smallest figure text)")


CODE_RULES = CODE_RULES + (rule_small_font, rule_figure_image, rule_visible_machinery, rule_cell_budget,
                           rule_output_width)


# MyST fences of the Markdown cells: parsed as myst-parser parses them (markdown-it-py with the
# colon_fence plugin). myst-nb parses each Markdown cell on its own, so a fence must close in its cell.
PAIRED = ("exercise", "solution")
DIRECTIVE = re.compile(r"^\{([\w:-]+)\}\s*(.*)$")


def _markdown_it():
    from markdown_it import MarkdownIt
    from mdit_py_plugins.colon_fence import colon_fence_plugin

    return MarkdownIt("commonmark").use(colon_fence_plugin)


def _closed(lines: list[str], token) -> bool:
    """True when the fence of ``token`` ends with its own closing line before the text ends."""
    begin, end = token.map
    if end - begin < 2 or end > len(lines):
        return False
    last = lines[end - 1].strip()
    char = token.markup[0]
    return last.startswith(token.markup) and set(last) == {char}


def directives(text: str, parents: tuple[str, ...] = (), md=None):
    """Every directive fence in ``text`` (nested ones too): (name, argument, options, parents,
    closed, first line) with 1-based first lines relative to ``text``."""
    md = md or _markdown_it()
    lines = text.split("\n")
    for token in md.parse(text):
        if token.type not in ("colon_fence", "fence") or not token.map:
            continue
        match = DIRECTIVE.match(token.info.strip())
        if not match:
            continue
        name, argument = match.groups()
        body = token.content.split("\n")
        options = {}
        for line in body:
            option = re.match(r"^:([\w-]+):\s*(.*)$", line)
            if not option:
                break
            options[option.group(1)] = option.group(2).strip()
        yield (name, argument.strip(), options, parents, _closed(lines, token), token.map[0] + 1)
        for inner in directives(token.content, parents + (name,), md):
            yield inner[:5] + (inner[5] + token.map[0] + 1,)


def fence_problems(markdown_cells) -> list[Problem]:
    """Unclosed fences and ill-formed exercise/solution pairs in ``(index, source)`` cells."""
    problems, labels = [], set()
    md = _markdown_it()
    for i, source in markdown_cells:
        for name, argument, options, parents, closed, line in directives(source, md=md):
            where = f"line {line}: {{{name}}} {argument}".strip()
            if not closed:
                problems.append(Problem(i, "fence", f"{where} is never closed (a line of as many "
                                        "colons or backticks as its opening)"))
            if name not in PAIRED:
                continue
            inside = [p for p in parents if p in PAIRED]
            if inside:
                problems.append(Problem(i, "exercise-pair", f"{where} sits inside a "
                                        f"{{{inside[-1]}}} (close the {inside[-1]} first)"))
            if name == "exercise":
                if not options.get("label"):
                    problems.append(Problem(i, "exercise-pair", f"{where} has no :label:"))
                labels.add(options.get("label"))
            elif not argument:
                problems.append(Problem(i, "exercise-pair", f"{where} names no exercise label"))
            elif argument not in labels:
                problems.append(Problem(i, "exercise-pair", f"{where} refers to no exercise "
                                        "defined above it in this page"))
    return problems


# --- the setup cell ------------------------------------------------------------------------------
# Chapters without the setup cell rule (results.ipynb reads recorded benchmarks, trains nothing).
SCALE_EXEMPT = {"results"}


def _calls_setup(source: str) -> bool:
    """True when the source calls ``<...>.setup(...)`` of deep_unsupervised (``du.setup``)."""
    tree = _python(source)
    for node in ast.walk(tree) if tree is not None else ():
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                and node.func.attr == "setup" and getattr(node.func.value, "id", "") in (
                    "du", "deep_unsupervised"):
            return True
    return False


def rule_setup_cell(path: Path, nb, is_colab=None):
    """A chapter's first code cell after the Colab cell calls ``du.setup(...)`` (which prints the
    scale banner when the scale is not ci) and is tagged ``remove-input``: imports and setup are
    machinery, not the lesson."""
    if Path(path).parent.name != "chapters" or Path(path).stem in SCALE_EXEMPT:
        return
    first = next(((i, c) for i, c in enumerate(nb.cells) if c.cell_type == "code"
                  and not (is_colab and is_colab(c)) and c.source.strip()), None)
    if first is None or not _calls_setup(first[1].source):
        yield Problem(first[0] if first else None, "setup-cell", "the first code cell after the "
                      "Colab cell does not call du.setup(...)")
    elif "remove-input" not in tags(first[1]):
        yield Problem(first[0], "setup-cell", "the setup cell is not tagged remove-input")


def code_budget(nb, is_colab=None) -> int:
    """Visible code lines of a notebook (see CHAPTER_CODE_BUDGET)."""
    return sum(visible_code_lines(c) for c in nb.cells if not (is_colab and is_colab(c)))


def notebook_problems(path: Path, allow=None, colab_cell=None, is_colab=None) -> list[Problem]:
    """Problems of the per-cell rules, the setup cell, the MyST fences and the visible-code
    budget (the caller adds the other whole-notebook ones)."""
    allow = load_allowlist() if allow is None else allow
    nb = nbformat.read(path, as_version=4)
    problems: list[Problem] = []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "markdown":
            problems += rule_markdown_numbers(i, cell, path.stem, allow)
        elif cell.cell_type == "code" and not (is_colab and is_colab(cell)):
            for rule in CODE_RULES:
                problems += rule(i, cell)
    problems += rule_setup_cell(path, nb, is_colab)
    problems += fence_problems([(i, c.source) for i, c in enumerate(nb.cells)
                                if c.cell_type == "markdown"])
    budget = code_budget(nb, is_colab)
    if Path(path).parent.name == "chapters" and budget > CHAPTER_CODE_BUDGET:
        problems.append(Problem(None, "code-budget", f"{budget} visible code lines > "
                                f"{CHAPTER_CODE_BUDGET} (hide plumbing: remove-input)"))
    return problems


def markdown_page_problems(path: Path, allow=None) -> list[Problem]:
    """A Markdown page (about.md, index.md ...) must not quote measured figures: it links instead."""
    allow = load_allowlist() if allow is None else allow
    text = path.read_text()
    text = re.sub(r"\A---\n.*?\n---\n", lambda m: "\n" * m.group(0).count("\n"), text, flags=re.S)
    return [Problem(None, "unglued-number", message) for message in unglued(text, path.stem, allow)] \
        + fence_problems([(None, text)])


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


def budget_table(paths) -> str:
    """A table of visible code per notebook: lines, cells, the longest cell, and the budget."""
    rows = [f"{'notebook':32} {'visible lines':>13} {'cells':>5} {'longest':>7}  budget"]
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        counts = [visible_code_lines(c) for c in nb.cells[1:]]  # the first is the Colab cell
        counts = [n for n in counts if n]
        total = sum(counts)
        verdict = "ok" if total <= CHAPTER_CODE_BUDGET else f"over {CHAPTER_CODE_BUDGET}"
        rows.append(f"{Path(path).stem:32} {total:13d} {len(counts):5d} {max(counts, default=0):7d}"
                    f"  {verdict}")
    return "\n".join(rows)


if __name__ == "__main__":  # python tools/hygiene.py [NB ...]: the visible-code table
    import sys

    from tools.notebooks import toc_notebooks

    print(budget_table([Path(p) for p in sys.argv[1:]] or toc_notebooks()))
