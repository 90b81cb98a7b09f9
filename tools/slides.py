"""One reveal.js slide deck per chapter, made from the chapter notebooks without editing them.

    python tools/slides.py                 # every chapter -> _build/slides/<chapter>.slides.html
    python tools/slides.py chapters/vae.ipynb

Each deck comes from a temporary copy of the notebook whose cells get reveal.js slide types by
rules, then ``jupyter nbconvert --to slides`` (nbconvert's SlidesExporter) renders it with code
input hidden:

- a Markdown heading starts a slide (``#``/``##``) or a sub-slide (``###`` and deeper); display
  equations, lists (the key takeaways), exercise statements and the titles of correction boxes
  stay on the slide; prose paragraphs become the slide's speaker notes (press ``s``);
- a code cell that shows a figure, a table or an explorer gets its own sub-slide; a short printed
  result joins the current slide; plumbing (the Colab cell, imports, asserts, glue, cells without
  output, long logs) is skipped, as are solutions;
- a cell tag overrides the rules: ``slide``, ``subslide``, ``fragment``, ``skip`` or ``notes``;
- printed machinery never reaches a slide: the scale banner, training progress bars and the
  self-check lines ("✓ ... correct") are cut from the outputs (a cell left with nothing is skipped);
- a slide that would hold only a title takes the next slide's content, so no slide is a bare
  heading; figures are drawn as large as the slide allows (the full width, or 540 of its 760
  pixels of height).

``python tools/browser_features.py slides`` checks a built deck for each of these.

MyST markup is turned into plain Markdown on the way: glued numbers are filled in, citations
become "Author (year)", cross-references become their text. The decks load reveal.js and MathJax
from folders next to them (from the npm packages, as ``make slides`` installs them), so they work
offline.
"""

from __future__ import annotations

import argparse
import ast
import copy
import re
import shutil
import sys
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "_build" / "slides"
TEMPLATES = ROOT / "tools" / "slides_template"
REVEAL = ROOT / ".cache" / "reveal" / "node_modules" / "reveal.js"
MATHJAX = [ROOT / "_mathjax" / "mathjax", ROOT / ".cache" / "mathjax" / "node_modules" / "mathjax"
           / "es5", ROOT / "_static" / "mathjax"]
TAGS = {"slide", "subslide", "fragment", "skip", "notes"}
PLUMBING_TAGS = {"remove-cell", "remove-input", "colab-install"}
_FENCE = re.compile(r"^(?P<fence>`{3,}|:{3,})\{(?P<name>[\w:-]+)\}\s*(?P<arg>.*)$")
_ROLE = re.compile(r"\{(?P<role>[\w:+-]*)\}`(?P<text>[^`]*)`")

# Printed machinery, not results: the scale banner of du.setup() (a paragraph from "Scale: ci ("
# to "Keras backend: ...."), training logs (a progress bar and the metrics under it), and
# self-check verdicts ("✓ ... correct").
_BANNER = re.compile(r"Scale: \w+ \(.*?Keras backend: \w+\.[ \t]*\n?", re.S)
_PROGRESS = re.compile(r"[█━■▇]{3,}|\bepoch \d+/\d+|\d+/\d+ \[=*>?\.*\]")
_VERDICT = re.compile(r"[✓✗]")
_PRE = re.compile(r"(?s)\s*<pre[^>]*>(?P<text>.*)</pre>\s*")


def clean_output_text(text: str) -> str:
    """A printed output as a slide shows it: "" for a training log, else the text without the
    banner and the self-check lines."""
    if _PROGRESS.search(text):
        return ""
    lines = [line for line in _BANNER.sub("", text).split("\n") if not _VERDICT.search(line)]
    return "\n".join(lines) if any(line.strip() for line in lines) else ""

# ---- MyST -> plain Markdown ------------------------------------------------------------------

def glue_values(nb) -> dict[str, str]:
    """Every glued value of an executed notebook: name -> its text/plain representation."""
    values = {}
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            meta = out.get("metadata", {}).get("scrapbook")
            if meta:
                data = out.get("data", {})
                plain = data.get(meta.get("mime_prefix", "") + "text/plain", data.get("text/plain"))
                if plain is not None:
                    values[meta["name"]] = plain
    return values


def _format_glue(text: str, glued: dict) -> str:
    key, _, spec = text.partition(":")
    key = key.split("::")[-1]
    if key not in glued:
        return text
    raw = glued[key]
    try:
        value = ast.literal_eval(raw)
    except (ValueError, SyntaxError):
        value = raw
    try:
        return format(value, spec) if spec else str(value)
    except (TypeError, ValueError):
        return str(value)


def bib_labels(path: Path = ROOT / "references.bib") -> dict[str, tuple[str, str]]:
    """BibTeX key -> (authors as cited, year): "Kingma & Welling", "2014"."""
    from pybtex.database import parse_file

    labels = {}
    for key, entry in parse_file(str(path)).entries.items():
        people = [p.last_names[0] if p.last_names else str(p)
                  for p in entry.persons.get("author", [])]
        people = [re.sub(r"[{}]", "", p) for p in people]
        who = (people[0] if len(people) == 1 else " & ".join(people) if len(people) == 2
               else f"{people[0]} et al." if people else key)
        labels[key] = (who, entry.fields.get("year", ""))
    return labels


def _cite(role: str, keys: str, bib: dict) -> str:
    found = [bib.get(k.strip(), (k.strip(), "")) for k in keys.split(",")]
    if role.endswith(":t"):
        return "; ".join(f"{who} ({year})" for who, year in found)
    return "(" + "; ".join(f"{who}, {year}" for who, year in found) + ")"


def plain_markdown(text: str, glued: dict, bib: dict, titles: dict) -> str:
    """MyST roles as plain Markdown: glue filled in, citations and references as text."""
    def replace(m):
        role, inner = m.group("role"), m.group("text")
        label = re.fullmatch(r"(?s)(.*?)\s*<([^<>]+)>", inner)
        if role.startswith("glue"):
            return _format_glue(inner, glued)
        if role.startswith("cite"):
            return _cite(role, inner, bib)
        if role == "math":
            return f"${inner}$"
        if label:
            return label.group(1)
        if role == "doc":
            return titles.get(Path(inner).stem, inner)
        if role in ("numref", "ref", "eq"):
            return {"numref": "the figure", "eq": "the equation"}.get(role, "that section")
        return inner

    return _ROLE.sub(replace, text)


# ---- slide types ---------------------------------------------------------------------------

def _blocks(text: str) -> list[tuple[str, str]]:
    """Split Markdown into (kind, text) blocks: heading, math, list, directive, code, prose."""
    lines, blocks, i = text.splitlines(), [], 0
    while i < len(lines):
        line = lines[i]
        if not line.strip() or re.fullmatch(r"\s*\([\w:.-]+\)=\s*", line):
            i += 1
            continue
        m, start = _FENCE.match(line.strip()), i
        if m or line.lstrip().startswith("```"):
            fence = m.group("fence") if m else re.match(r"`+", line.lstrip()).group()
            i += 1
            while i < len(lines) and not re.fullmatch(re.escape(fence[0]) + "{%d,}" % len(fence),
                                                      lines[i].strip()):
                i += 1
            block = "\n".join(lines[start:i + 1])
            blocks.append(("directive" if m else "code", block))
        elif line.startswith("#"):
            blocks.append(("heading", line))
        elif line.strip().startswith("$$"):
            i += 1 if line.strip().count("$$") >= 2 else 0
            while i < len(lines) and not (i > start and "$$" in lines[i]) and \
                    lines[i].strip().count("$$") < 2:
                i += 1
            blocks.append(("math", "\n".join(lines[start:i + 1])))
        else:
            while i + 1 < len(lines) and lines[i + 1].strip() and not lines[i + 1].startswith("#") \
                    and not _FENCE.match(lines[i + 1].strip()):
                i += 1
            block = "\n".join(lines[start:i + 1])
            kind = "list" if re.match(r"\s*([-*+]|\d+\.)\s", block) else \
                "math" if block.lstrip().startswith("\\begin") else "prose"
            blocks.append((kind, block))
        i += 1
    return blocks


def _directive(block: str) -> tuple[str, str]:
    """A MyST directive as (where, Markdown): where is "slide", "notes" or "skip"."""
    lines = block.splitlines()
    m = _FENCE.match(lines[0].strip())
    name, arg = m.group("name"), m.group("arg").strip()
    body = "\n".join(line for line in lines[1:-1] if not re.match(r"^\s*:[\w-]+:", line)).strip()
    if name in ("solution", "glue:figure", "glue", "figure", "image", "code-cell"):
        return "skip", ""
    if name == "exercise":
        return "slide", f"**Exercise.** {body}"
    if name in ("math", "equation"):
        return "slide", f"$$\n{body}\n$$"
    if name == "admonition" and arg.startswith("Correction to the lecture"):
        return "slide", f"> **{arg}**"
    title = arg or name.capitalize()
    return "notes", f"**{title}.** {body}"


def markdown_cells(source: str, convert) -> list:
    """One Markdown cell as slide cells: headings, maths and lists on slides, prose in notes."""
    cells, slide, notes, kind = [], [], [], "-"

    def flush():
        if slide:
            cells.append(_cell("\n\n".join(slide), kind))
        if notes:
            cells.append(_cell("\n\n".join(notes), "notes"))
        slide.clear()
        notes.clear()

    for what, block in _blocks(source):
        if what == "heading":
            flush()
            level = len(block) - len(block.lstrip("#"))
            kind = "slide" if level <= 2 else "subslide"
            slide.append(convert(block))
        elif what in ("math", "list"):
            slide.append(convert(block))
        elif what == "directive":
            where, text = _directive(block)
            if text.startswith("**Exercise.**"):  # each exercise on its own sub-slide
                flush()
                cells.append(_cell(convert(text), "subslide"))
                continue
            {"slide": slide, "notes": notes}.get(where, []).append(convert(text))
        else:
            notes.append(convert(block))
    flush()
    return cells


def _cell(source: str, slide_type: str):
    cell = nbformat.v4.new_markdown_cell(source)
    cell.metadata["slideshow"] = {"slide_type": slide_type}
    return cell


def clean_outputs(outputs: list) -> list:
    """A cell's outputs as a slide shows them: no glue records and no machinery lines."""
    kept = []
    for out in outputs:
        if out.get("metadata", {}).get("scrapbook"):
            continue
        if out.get("output_type") == "stream":
            out = copy.deepcopy(out)
            out["text"] = clean_output_text(out.get("text", ""))
            if not out["text"].strip():
                continue
        pre = _PRE.fullmatch(str(out.get("data", {}).get("text/html", "")))
        if pre and not clean_output_text(pre.group("text")).strip():
            continue  # a log shown as HTML (<pre>...</pre>): the training callback's
        kept.append(out)
    return kept


def code_slide_type(cell) -> str:
    """Where a code cell's output goes: a sub-slide (figures, tables), the slide, or nowhere."""
    if set(cell.metadata.get("tags", [])) & PLUMBING_TAGS:
        return "skip"
    shown = clean_outputs(cell.get("outputs", []))
    data = {k for o in shown for k in o.get("data", {})}
    if data & {"image/png", "image/svg+xml", "image/jpeg", "text/html", "text/markdown"}:
        return "subslide"
    text = "".join(o.get("text", "") for o in shown if o.get("output_type") == "stream")
    text += "".join(o.get("data", {}).get("text/plain", "") for o in shown
                    if o.get("output_type") == "execute_result")
    if text.strip() and text.count("\n") <= 8 and len(text) <= 700 and "\r" not in text:
        return "-"
    return "skip"


def slide_notebook(nb, titles: dict, bib: dict):
    """A copy of ``nb`` with reveal.js slide metadata set by the rules and cell tags."""
    nb = copy.deepcopy(nb)
    glued = glue_values(nb)
    convert = lambda text: plain_markdown(text, glued, bib, titles)  # noqa: E731
    cells = []
    for cell in nb.cells:
        override = TAGS & set(cell.metadata.get("tags", []))
        if override and not set(cell.metadata.get("tags", [])) & {"colab-install"}:
            if cell.cell_type == "markdown":
                cell.source = convert(cell.source)
            cell.metadata["slideshow"] = {"slide_type": sorted(override)[0]}
            cells.append(cell)
        elif cell.cell_type == "markdown":
            cells += markdown_cells(cell.source, convert)
        elif cell.cell_type == "code":
            kind = code_slide_type(cell)
            if kind != "skip":
                cell.outputs = clean_outputs(cell.outputs)
                cell.metadata["slideshow"] = {"slide_type": kind}
                cells.append(cell)
    nb.cells = merge_title_slides(cells)
    return nb


def _only_headings(cell) -> bool:
    lines = [line for line in cell.source.splitlines() if line.strip()]
    return cell.cell_type == "markdown" and bool(lines) and all(
        line.startswith("#") for line in lines)


def merge_title_slides(cells: list) -> list:
    """No slide holds only a title: a (sub-)slide that is nothing but headings so far absorbs the
    next cell that would start a slide of its own."""
    bare = False  # the current slide shows headings only
    for cell in cells:
        kind = cell.metadata.get("slideshow", {}).get("slide_type", "-")
        if kind in ("notes", "skip"):
            continue
        if kind in ("slide", "subslide") and bare:
            cell.metadata["slideshow"] = {"slide_type": "-"}
            kind = "-"
        bare = _only_headings(cell) if kind in ("slide", "subslide") else (
            bare and _only_headings(cell))
    return cells


# ---- rendering -------------------------------------------------------------------------------

def copy_assets(out: Path = OUT) -> None:
    """reveal.js and MathJax next to the decks, so that they work offline."""
    if not (REVEAL / "dist" / "reveal.js").exists():
        raise SystemExit(f"reveal.js not found in {REVEAL}: run `make slides` (it installs it "
                         "from npm)")
    mathjax = next((m for m in MATHJAX if (m / "tex-chtml.js").exists()), None)
    if mathjax is None:
        raise SystemExit("MathJax not found: run `make mathjax`")
    for src, dst in ((REVEAL / "dist", out / "reveal.js" / "dist"),
                     (REVEAL / "plugin" / "notes", out / "reveal.js" / "plugin" / "notes"),
                     (mathjax / "output" / "chtml" / "fonts" / "woff-v2",
                      out / "mathjax" / "output" / "chtml" / "fonts" / "woff-v2")):
        if not dst.exists():
            shutil.copytree(src, dst, ignore=shutil.ignore_patterns("*.map", "*.esm.js"))
    shutil.copy2(mathjax / "tex-chtml.js", out / "mathjax" / "tex-chtml.js")


def exporter():
    from nbconvert import SlidesExporter

    return SlidesExporter(extra_template_basedirs=[str(TEMPLATES)], template_name="book_slides",
                          exclude_input=True, exclude_input_prompt=True,
                          exclude_output_prompt=True, reveal_url_prefix="reveal.js",
                          mathjax_url="mathjax/tex-chtml.js", reveal_theme="white",
                          reveal_transition="none", reveal_number="c/t")


def build(notebooks: list[Path], out: Path = OUT) -> list[Path]:
    from tools.corrections import chapter_title, toc_files

    titles = {p.stem: chapter_title(p) for p in toc_files()}
    bib, export = bib_labels(), exporter()
    out.mkdir(parents=True, exist_ok=True)
    copy_assets(out)
    decks = []
    for path in notebooks:
        nb = slide_notebook(nbformat.read(path, as_version=4), titles, bib)
        html, _ = export.from_notebook_node(nb, resources={"metadata": {"name": titles.get(
            path.stem, path.stem)}})
        deck = out / f"{path.stem}.slides.html"
        deck.write_text(html)
        decks.append(deck)
        n = sum(c.metadata["slideshow"]["slide_type"] in ("slide", "subslide") for c in nb.cells)
        print(f"  {deck.relative_to(ROOT)}: {n} slides, {len(html) / 1e6:.1f} MB")
    links = "\n".join(f'<li><a href="{d.name}">{titles.get(d.name.split(".")[0], d.name)}</a></li>'
                      for d in decks)
    (out / "index.html").write_text(f"<!DOCTYPE html><meta charset='utf-8'><title>Slides</title>"
                                    f"<h1>Slides, one deck per chapter</h1><ul>{links}</ul>")
    return decks


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path)
    args = parser.parse_args(argv)
    from tools.corrections import toc_files

    notebooks = args.notebooks or [p for p in toc_files() if p.suffix == ".ipynb"
                                   and p.stem != "results"]
    start = time.perf_counter()
    decks = build([p.resolve() for p in notebooks])
    print(f"{len(decks)} decks in {time.perf_counter() - start:.0f} s: {OUT.relative_to(ROOT)}/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
