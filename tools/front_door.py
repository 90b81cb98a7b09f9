"""The home page's chapter cards, made at build time from the executed chapters (issue 34 item 1).

Each numbered chapter of _toc.yml gets a card: its number and title (the notebook's first
heading), how long it runs (from benchmarks/notebook_times.json, the record that
``tools/notebooks.py execute`` writes), and a thumbnail cut from the chapter's own first numbered
figure (the first figure output when none is numbered), with that figure's alt text.

tools/book_html.py calls :func:`cards_html` when Sphinx reads index.md (it replaces the line
``<!-- chapter-cards -->``) and :func:`write_thumbnails` when the HTML build finishes, so the
cards can never be stale: they are made from the notebooks the book is built from.

    python tools/front_door.py            # print the cards' HTML (to look at them)
"""

from __future__ import annotations

import base64
import html
import io
import json
import math
import re
import sys
from pathlib import Path

import nbformat
import yaml

ROOT = Path(__file__).resolve().parent.parent
MARKER = "<!-- chapter-cards -->"
THUMBS = "_static/front"  # relative to the built site
THUMB_WIDTH = 480        # pixels: twice the card's width on the desktop page
TIMES = ROOT / "benchmarks" / "notebook_times.json"
# The handouts (`make handouts`: tools/pdf.py and tools/slides.py) are published beside the HTML,
# under handouts/, when they exist at build time; the home page links to them only then.
HANDOUTS = "handouts"
PDF = Path("_build") / "pdf" / "book.pdf"
SLIDES = Path("_build") / "slides"


def numbered_chapters(root: Path = ROOT) -> list[str]:
    """Files (without suffix) of the chapters in numbered parts of _toc.yml, in book order."""
    toc = yaml.safe_load((root / "_toc.yml").read_text())
    return [c["file"] for part in toc.get("parts", []) if part.get("numbered")
            for c in part.get("chapters", [])]


def chapter_title(nb) -> str:
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            match = re.search(r"^# (.+)$", cell.source, re.M)
            if match:
                return match.group(1).strip()
    raise ValueError("the chapter has no level-1 heading (# Title) in a Markdown cell")


def chapter_figure(nb) -> tuple[bytes, str] | None:
    """The PNG of the chapter's first numbered figure (else its first figure) and its alt text."""
    found = []
    for cell in nb.cells:
        if cell.cell_type != "code" or {"remove-cell", "remove-output"} & set(
                cell.metadata.get("tags", [])):
            continue
        mystnb = cell.metadata.get("mystnb", {}) or {}
        for out in cell.get("outputs", []):
            png = out.get("data", {}).get("image/png")
            if png:
                alt = str((mystnb.get("image") or {}).get("alt", "")).strip()
                found.append((bool(mystnb.get("figure")), base64.b64decode(png), alt))
                break
    numbered = [f for f in found if f[0]]
    first = (numbered or found or [None])[0]
    return (first[1], first[2]) if first else None


def thumbnail(png: bytes, width: int = THUMB_WIDTH) -> bytes:
    """A figure scaled to ``width`` pixels, in a 64-colour palette (a few tens of kB)."""
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("RGB")
    height = max(1, round(image.height * width / image.width))
    image = image.resize((width, height), Image.Resampling.LANCZOS)
    image = image.quantize(colors=64, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def run_minutes(rel: str, times_file: Path = TIMES) -> int | None:
    """Recorded run time of a notebook, rounded up to whole minutes (None when not recorded)."""
    if not times_file.exists():
        return None
    seconds = json.loads(times_file.read_text()).get("notebooks", {}).get(rel, {}).get("seconds")
    return max(1, math.ceil(seconds / 60)) if seconds else None


def chapters(root: Path = ROOT) -> list[dict]:
    """Number, file, title, run time, thumbnail and alt text of every numbered chapter."""
    result = []
    for n, file in enumerate(numbered_chapters(root), 1):
        path = root / f"{file}.ipynb"
        nb = nbformat.read(path, as_version=4)
        figure = chapter_figure(nb)
        result.append({"number": n, "file": file, "title": chapter_title(nb),
                       "minutes": run_minutes(f"{file}.ipynb", root / "benchmarks" /
                                              "notebook_times.json"),
                       "png": figure[0] if figure else None, "alt": figure[1] if figure else ""})
    return result


def handouts(root: Path = ROOT) -> dict:
    """What `make handouts` made: {"pdf": path or None, "slides": {chapter stem: path}}."""
    pdf = root / PDF
    decks = {p.name[:-len(".slides.html")]: p for p in sorted((root / SLIDES).glob("*.slides.html"))}
    return {"pdf": pdf if pdf.is_file() else None, "slides": decks}


def publish_handouts(root: Path, outdir: Path) -> list[str]:
    """Copy the PDF and the slide decks (with the reveal.js and MathJax folders beside them)
    into ``outdir``/handouts/, and point the header's ".pdf" button at the PDF (or remove it when
    there is none); return what was copied."""
    import shutil

    made, target, copied = handouts(root), Path(outdir) / HANDOUTS, []
    if made["pdf"]:
        target.mkdir(parents=True, exist_ok=True)
        shutil.copy2(made["pdf"], target / "book.pdf")
        copied.append("book.pdf")
    if made["slides"]:
        shutil.copytree(root / SLIDES, target / "slides", dirs_exist_ok=True)
        copied.append("slides/")
    header_pdf_links(outdir, published=(target / "book.pdf").is_file())
    return copied


# The theme's ".pdf" download button prints only the page it is on (window.print()).
_PRINT_BUTTON = re.compile(r'<li>\s*<button onclick="window\.print\(\)"\s*'
                           r'class="btn btn-sm btn-download-pdf-button dropdown-item".*?</button>\s*</li>',
                           re.S)


def header_pdf_links(outdir: Path, published: bool) -> int:
    """Point every page's header ".pdf" button at the whole book's PDF, or remove it.

    The sphinx-book-theme's button prints the current page only; a reader who asks for the PDF
    wants the book. When ``make handouts`` has published ``handouts/book.pdf`` the button becomes
    a link to it; otherwise it goes (the .ipynb download stays). Returns the pages changed.
    """
    changed = 0
    for page in Path(outdir).rglob("*.html"):
        if page.is_relative_to(Path(outdir) / HANDOUTS):
            continue
        text = page.read_text(encoding="utf-8")
        if "btn-download-pdf-button" not in text:
            continue
        root = "../" * (len(page.relative_to(outdir).parts) - 1)
        link = (f'<li><a href="{root}{HANDOUTS}/book.pdf" class="btn btn-sm '
                f'btn-download-pdf-button dropdown-item" title="The whole book as one PDF" '
                f'data-bs-placement="left" data-bs-toggle="tooltip"><span class="btn__icon-container">'
                f'<i class="fas fa-file-pdf"></i></span><span class="btn__text-container">book .pdf'
                f'</span></a></li>') if published else ""
        new = _PRINT_BUTTON.sub(lambda _: link, text)
        if new != text:
            page.write_text(new, encoding="utf-8")
            changed += 1
    return changed


def handouts_html(made: dict) -> str:
    """A paragraph of links to the PDF and the slide decks, or "" when none was made."""
    links = []
    if made["pdf"]:
        links.append(f'<a href="{HANDOUTS}/book.pdf">the whole book as a PDF</a>')
    if made["slides"]:
        links.append('slides for each chapter (on each card below)')
    return (f'<p class="du-handouts">To print or present: {" and ".join(links)}.</p>'
            if links else "")


def cards_html(items: list[dict], made: dict | None = None) -> str:
    """One raw-HTML block (no blank line inside, so MyST passes it through) of chapter cards."""
    made = made or {"pdf": None, "slides": {}}
    cards = []
    for c in items:
        stem = Path(c["file"]).name
        slides = (f'<a class="du-card-slides" href="{HANDOUTS}/slides/{stem}.slides.html">slides</a>'
                  if stem in made["slides"] else "")
        image = (f'<img src="{THUMBS}/{Path(c["file"]).name}.png" alt="{html.escape(c["alt"])}" '
                 f'loading="lazy">' if c["png"] else "")
        time = f'<span class="du-card-time">runs in under {c["minutes"]} min</span>' \
            if c["minutes"] else ""
        cards.append(f'<div class="du-card"><a href="{c["file"]}.html">{image}'
                     f'<span class="du-card-title">{c["number"]}. {html.escape(c["title"])}</span>'
                     f'</a><span class="du-card-meta">{time}{slides}</span></div>')
    return (handouts_html(made) + '\n<nav class="du-cards" aria-label="Chapters">\n'
            + "\n".join(cards) + "\n</nav>")


def write_thumbnails(items: list[dict], outdir: Path) -> int:
    """Write each card's thumbnail under ``outdir``/_static/front/; return how many."""
    folder = Path(outdir) / THUMBS
    folder.mkdir(parents=True, exist_ok=True)
    n = 0
    for c in items:
        if c["png"]:
            (folder / f"{Path(c['file']).name}.png").write_bytes(thumbnail(c["png"]))
            n += 1
    return n


if __name__ == "__main__":
    print(cards_html(chapters(), handouts()))
    sys.exit(0)
