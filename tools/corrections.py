"""Collect the chapters' "Correction to the lecture" boxes into one back-matter page.

    python tools/corrections.py            # (re)write chapters/corrections.md
    python tools/corrections.py --check    # exit 1 if chapters/corrections.md is stale (for CI)

Every chapter in _toc.yml marks a lecture error with a MyST admonition whose title starts with
"Correction to the lecture", labelled ``(corr-<chapter>-<slug>)=`` on the line above (the convention
is in the page's introduction below). Each entry of the page gives the slide's claim (the box's
first paragraph), the correction (the rest) and a link to the box, so an instructor who teaches from
the slides sees every correction in one place. The page depends only on the chapters' Markdown, so
running the tool twice writes the same file.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import re
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT / "chapters" / "corrections.md"
TITLE = "Correction to the lecture"
_OPEN = re.compile(r"^(?P<fence>`{3,}|:{3,})\{admonition\}\s*" + TITLE + r"\b\s*:?\s*(?P<claim>.*)$")
_LABEL = re.compile(r"^\((?P<label>[^()\s]+)\)=\s*$")
_GLUE = re.compile(r"\{glue(?P<kind>:\w*)?\}`(?![^`]*::)(?P<key>[^`]+)`")
_UNMOVABLE = re.compile(r"\{glue:(md|math)\}|^\s*(`{3,}|:{3,})\{glue", re.M)
_SENTENCE = re.compile(r"(?<=[.!?])[\"”)]?\s+(?=[A-Z(])")


@dataclasses.dataclass(frozen=True)
class Box:
    """One correction box: where it is, its label, its short title and its body."""

    path: str  # relative to the book's root, e.g. chapters/vae.ipynb
    label: str | None
    title: str
    body: str

    @property
    def key(self) -> str:
        """What identifies the box on the page: its label, else its chapter and title."""
        return self.label or f"{self.path}: {self.title or self.body[:60]}"


def toc_files(root: Path = ROOT) -> list[Path]:
    """Chapter files (.ipynb and .md) listed in _toc.yml, in reading order."""
    toc = yaml.safe_load((root / "_toc.yml").read_text())
    files: list[str] = [toc["root"]]

    def walk(node):
        if isinstance(node, dict):
            if "file" in node:
                files.append(node["file"])
            for key in ("parts", "chapters", "sections"):
                for child in node.get(key) or []:
                    walk(child)

    walk(toc)
    paths = []
    for f in files:
        for suffix in (".ipynb", ".md"):
            p = root / (f if f.endswith(suffix) else f + suffix)
            if p.exists():
                paths.append(p)
                break
    return paths


def markdown_of(path: Path) -> list[str]:
    """The Markdown of a chapter: each Markdown cell of a notebook, or the whole .md file."""
    if path.suffix == ".md":
        return [path.read_text()]
    cells = json.loads(path.read_text())["cells"]
    return ["".join(c["source"]) if isinstance(c["source"], list) else c["source"]
            for c in cells if c["cell_type"] == "markdown"]


def chapter_title(path: Path) -> str:
    for text in markdown_of(path):
        m = re.search(r"^#\s+(.+?)\s*$", text, re.M)
        if m:
            return m.group(1)
    return path.stem.replace("_", " ")


def find_boxes(text: str, path: str) -> list[Box]:
    """Every correction box in one piece of Markdown."""
    lines, boxes, i = text.splitlines(), [], 0
    while i < len(lines):
        m = _OPEN.match(lines[i].strip())
        if not m:
            i += 1
            continue
        fence = m.group("fence")
        prev = next((lines[k].strip() for k in range(i - 1, -1, -1) if lines[k].strip()), "")
        label = _LABEL.match(prev)
        j = i + 1
        while j < len(lines) and re.match(r"^:[\w-]+:", lines[j].strip()):
            j += 1  # directive options such as :class: warning
        body = []
        while j < len(lines) and not re.fullmatch(re.escape(fence[0]) + "{%d,}" % len(fence),
                                                  lines[j].strip()):
            body.append(lines[j])
            j += 1
        if j == len(lines):
            raise ValueError(f"{path}: the correction box at line {i + 1} is never closed "
                             f"(expected a closing {fence})")
        boxes.append(Box(path, label.group("label") if label else None,
                         m.group("claim").strip(), "\n".join(body).strip()))
        i = j + 1
    return boxes


def collect(root: Path = ROOT) -> list[tuple[Path, list[Box]]]:
    """Chapters in book order, each with its boxes (chapters without boxes left out)."""
    found, seen = [], {}
    for path in toc_files(root):
        if path.resolve() == (root / PAGE.relative_to(ROOT)).resolve():
            continue
        rel = path.relative_to(root).as_posix()
        boxes = [b for text in markdown_of(path) for b in find_boxes(text, rel)]
        for b in boxes:
            if b.label and b.label in seen:
                raise ValueError(f"{rel}: the label {b.label!r} is also used in {seen[b.label]}")
            seen[b.label] = rel
        if boxes:
            found.append((path, boxes))
    return found


def split_claim(box: Box) -> tuple[str, str]:
    """(the slide's claim, the correction): the first paragraph and the rest of the body."""
    paragraphs = re.split(r"\n\s*\n", box.body, maxsplit=1)
    if len(paragraphs) == 2:
        return paragraphs[0].strip(), paragraphs[1].strip()
    parts = _SENTENCE.split(box.body, maxsplit=1)
    return (parts[0].strip(), parts[1].strip()) if len(parts) == 2 else ("", box.body)


def repoint_glue(text: str, notebook: str) -> str:
    """Point inline glue roles at the box's notebook: `key:.3f` -> `vae.ipynb::key:.3f`.

    (myst-nb reads ``{glue:text}`doc::key:fmt``` from another page; without a format it would
    take the key for one, so the default ``s`` is written out.)
    """
    def repoint(m):
        kind, key = m.group("kind") or "", m.group("key")
        if kind == ":text" and ":" not in key:
            key += ":s"
        return f"{{glue{kind}}}`{notebook}::{key}`"

    return _GLUE.sub(repoint, text)


def entry(box: Box, chapter: Path, number: int = 1) -> str:
    """One box as Markdown: heading, the slide's claim, the correction, a link to the box."""
    if _UNMOVABLE.search(box.body):
        raise ValueError(f"{box.path}: the correction box {box.key!r} uses a glue directive or "
                         "{glue:md}/{glue:math}, which cannot be shown on another page: use "
                         "{glue:text} or {glue:} inside correction boxes")
    # The page sits in chapters/, next to the chapters.
    claim, correction = (repoint_glue(s, chapter.name) for s in split_claim(box))
    heading = box.title or f"Correction {number}"  # the convention asks for a title
    link = (f"{{ref}}`Read it in the chapter <{box.label}>`" if box.label
            else f"{{doc}}`Read it in the chapter <{chapter.stem}>`")
    out = [f"### {heading}", ""]
    if claim:
        out += [f"**On the slide.** {claim}", ""]
    out += [f"**Correction.** {correction}", "", f"→ {link}", ""]
    return "\n".join(out)


def render(root: Path = ROOT) -> str:
    found = collect(root)
    n = sum(len(b) for _, b in found)
    out = ["<!-- Generated by tools/corrections.py from the chapters' correction boxes: do not",
           "     edit; run `python tools/corrections.py` after changing a box. -->", "",
           "(corrections)=", "# Corrections to the lecture", "",
           "The lecture's slides contain a few errors. Each chapter corrects them where they arise, "
           "in a box titled \"Correction to the lecture\" that states what the slide claims, what "
           "is right instead, and the evidence. This page collects every such box, chapter by "
           "chapter, so that an instructor who teaches from the slides finds them in one place. "
           f"There are {n} in {len(found)} chapters; each entry links to its box, where the "
           "evidence is computed.", ""]
    for path, boxes in found:
        out += [f"## {chapter_title(path)}", ""]
        out += [entry(b, path, k) for k, b in enumerate(boxes, 1)]
    return "\n".join(out).rstrip() + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if the page is stale")
    args = parser.parse_args(argv)
    text = render()
    if args.check:
        if not PAGE.exists() or PAGE.read_text() != text:
            print(f"{PAGE.relative_to(ROOT)} is stale: run `python tools/corrections.py`")
            return 1
        print(f"{PAGE.relative_to(ROOT)} is up to date")
        return 0
    if not PAGE.exists() or PAGE.read_text() != text:
        PAGE.write_text(text)
    print(f"wrote {PAGE.relative_to(ROOT)}: {text.count(chr(10) + '### ')} corrections")
    return 0


if __name__ == "__main__":
    sys.exit(main())
