"""The whole book as one PDF: Jupyter Book's single-page HTML, printed by headless Chromium.

    python tools/pdf.py                 # build _build/pdf/book.pdf (about a minute), then check it
    python tools/pdf.py --no-build      # print again from the existing single-page build
    python tools/pdf.py --check [PDF]   # only check a PDF (default _build/pdf/book.pdf)

No LaTeX is needed: ``jupyter-book build --builder singlehtml`` renders every page into one HTML
file (notebooks as committed, not re-executed); the Chromium of the browser check opens it,
waits until MathJax has typeset every formula and every image has loaded, and prints it with
a print stylesheet (one chapter per page break, no navigation, code wrapped to the page) and
page numbers. Before printing, a title page (title, author, licence, version) and a table of
contents are added and closed dropdowns are opened; an audit of the laid-out page then fails the
build on a printed shadow, an empty code frame or a numbered figure without its image. (Figures
are printed from the files the HTML book serves: they are palette PNGs at twice their displayed
size, and resampling them to fewer pixels made the PDF larger, not smaller: Chromium re-encodes
every image, and resampled pixel art compresses far worse.)

The check reads the PDF back (pypdf): enough pages, every chapter's title, no raw TeX left, images
embedded, a document outline, the title page's four fields, no gradient or soft shadow drawn
(the sideways-scroll cue and box shadows), no empty code frame (a filled box with no text or image
in it), and every numbered figure of the single-page build printed with its caption and an image.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "_build" / "pdf"
PDF = OUT / "book.pdf"

PRINT_CSS = """
@page { size: A4; margin: 16mm 14mm 18mm 14mm; }
.bd-header, .bd-sidebar-primary, .bd-sidebar-secondary, .header-article, .prev-next-area,
.bd-footer, .bd-footer-content, footer, .headerlink, .copybtn, .toggle-secondary-sidebar,
.article-header-buttons, .sidebar-toggle, #pst-back-to-top, .search-button-field,
.skip-link, .bd-header-announcement { display: none !important; }
.bd-main, .bd-content, .bd-article-container, .bd-article, .bd-container, .bd-page-width {
  max-width: none !important; width: 100% !important; margin: 0 !important;
  padding: 0 !important; display: block !important; }
body { font-size: 10.5pt; }
pre, .highlight pre { white-space: pre-wrap !important; word-break: break-word;
  font-size: 8.5pt; overflow: visible !important; }
.cell_output .output, .cell_output pre { max-height: none !important; overflow: visible !important; }
img, figure, table, .cell_output, mjx-container[display="true"] { break-inside: avoid; }
img { max-width: 100% !important; height: auto !important; }
h1, h2, h3 { break-after: avoid; }
span[id^="document-"] + section { break-before: page; }  /* each chapter on a new page */
details.hide:not([open]) { display: none !important; }  /* "Show code cell source" bars */
mjx-container[display="true"] { overflow: visible !important; }
a { color: inherit; text-decoration: none; }
/* No shadows on paper: neither box shadows nor book.css's sideways-scroll cue (a gradient). */
*, *::before, *::after { box-shadow: none !important; text-shadow: none !important; }
article *, .du-scroll { background-image: none !important; }
/* A code frame moves to the next page whole rather than leave an empty piece of itself at the
   foot of a page (a longer one still breaks); so does a chapter card. */
div.cell_input, div.highlight, .du-card { break-inside: avoid; }
/* An explorer prints its static view only; an opened dropdown prints as plain text under its title. */
.du-explorer .du-x-live { display: none !important; }
details.sd-dropdown, details.sd-dropdown > *, details.sd-dropdown .sd-card-body {
  border: none !important; background: none !important; padding-left: 0 !important;
  padding-right: 0 !important; }
details.sd-dropdown > summary { font-weight: 600; padding-top: 0 !important; }
details.sd-dropdown summary .sd-summary-state-marker { display: none !important; }
#du-title-page { break-after: page; text-align: center; padding-top: 28%; }
#du-title-page h1 { font-size: 28pt; line-height: 1.25; margin-bottom: 1.2em; }
#du-title-page p { font-size: 12pt; margin: 0.5em 0; }
#du-title-page .du-title-licence { font-size: 10pt; margin-top: 3em; color: #333; }
#du-print-toc { break-after: page; font-size: 12pt; }
#du-print-toc ul { list-style: none; padding-left: 0; }
#du-print-toc li { margin: 0.25em 0; }
"""

# Before printing: a title page and a table of contents (one linked entry per chapter; the PDF's
# outline, its bookmarks, has every section too) in place of the home page's title, every closed
# dropdown opened (the hidden code of "Show code cell source" bars stays hidden), and no shadows.
PREPARE_JS = r"""(facts) => {
  const article = document.querySelector('.bd-article');
  const title = article.querySelector('section h1');
  const page = document.createElement('section');
  page.id = 'du-title-page';
  const line = (cls, text) => { const p = document.createElement('p');
    p.className = cls; p.textContent = text; page.appendChild(p); };
  const h1 = document.createElement('h1');
  h1.textContent = facts.title;
  page.appendChild(h1);
  line('du-title-author', facts.author);
  line('du-title-version', 'Version ' + facts.version);
  line('du-title-licence', 'Licence: ' + facts.licence);
  const items = Array.from(document.querySelectorAll('span[id^="document-"] + section'))
    .map(s => { const h = s.querySelector('h1, h2').cloneNode(true);
                h.querySelectorAll('.headerlink').forEach(a => a.remove());
                return `<li><a href="#${s.id}">${h.innerHTML}</a></li>`; });
  const nav = document.createElement('nav');
  nav.id = 'du-print-toc';
  nav.innerHTML = `<h2>Contents</h2><ul>${items.join('')}</ul>`;
  article.prepend(page, nav);
  title.style.display = 'none';
  document.querySelectorAll('details:not(.hide)').forEach(d => { d.open = true; });
  // No shadow on paper: the theme's box shadows and book.css's scroll cue (a gradient) both carry
  // !important, so they are overridden in each element's own style.
  for (const el of document.querySelectorAll('body *')) {
    const s = getComputedStyle(el);
    if (s.boxShadow !== 'none') el.style.setProperty('box-shadow', 'none', 'important');
    if (/gradient/.test(s.backgroundImage))
      el.style.setProperty('background-image', 'none', 'important');
  }
}"""

# After the print stylesheet: what a reader of the printed page would see that is wrong. Each list
# names the elements (tag.class and the section they sit in).
AUDIT_JS = r"""() => {
  const shown = el => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden';
  const where = el => { const s = el.closest('section[id]'); return s ? s.id : '?'; };
  const name = el => el.tagName.toLowerCase() + (el.classList.length ? '.' +
    Array.from(el.classList).join('.') : '') + ' in #' + where(el);
  const framed = el => { const s = getComputedStyle(el);
    const paint = s.backgroundColor !== 'rgba(0, 0, 0, 0)' && s.backgroundColor !== 'rgb(255, 255, 255)';
    return paint || (parseFloat(s.borderTopWidth) > 0 && s.borderTopStyle !== 'none'); };
  const out = {shadows: [], empty: [], figures: []};
  for (const el of document.querySelectorAll('body *')) {
    if (!shown(el)) continue;
    const s = getComputedStyle(el);
    if (s.boxShadow !== 'none' || /gradient/.test(s.backgroundImage)) out.shadows.push(name(el));
  }
  const frames = 'div.cell, div.cell_input, div.cell_output, div.output, div.highlight, pre, ' +
                 'div.admonition, details, .sd-card';
  for (const el of document.querySelectorAll(frames)) {
    const r = el.getBoundingClientRect();
    if (shown(el) && r.height > 4 && framed(el) && !el.innerText.trim() &&
        !el.querySelector('img, svg, canvas, mjx-container, iframe, video')) out.empty.push(name(el));
  }
  for (const n of document.querySelectorAll('.caption-number')) {
    if (!/^Fig/.test(n.textContent.trim())) continue;
    const fig = n.closest('figure, div.figure');
    const ok = fig && Array.from(fig.querySelectorAll('img')).some(i =>
      shown(i) && i.naturalWidth > 0 && i.getBoundingClientRect().height > 20);
    if (!ok) out.figures.push(n.textContent.trim() + ' in #' + where(n));
  }
  return out;
}"""
TAGGED = True  # a tagged (accessible) PDF
FOOTER = ('<div style="font-size:8px;width:100%;text-align:center;color:#555;">'
          '<span class="title"></span> · <span class="pageNumber"></span> / '
          '<span class="totalPages"></span></div>')


def build_singlehtml() -> Path:
    """Run ``jupyter-book build --builder singlehtml`` into _build/pdf; return the HTML folder."""
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    sphinx = config.setdefault("sphinx", {})
    sphinx.setdefault("local_extensions", {})["singlehtml_fix"] = str(ROOT / "tools")
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "_config.yml").write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False))
    command = [str(Path(sys.executable).parent / "jupyter-book"), "build", str(ROOT),
               "--builder", "singlehtml", "--config", str(OUT / "_config.yml"),
               "--path-output", str(OUT), "--keep-going", "--quiet"]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    html = OUT / "_build" / "singlehtml"
    if not (html / "index.html").exists():
        raise SystemExit(f"the single-page build failed:\n{result.stdout[-3000:]}"
                         f"\n{result.stderr[-3000:]}")
    return html


def print_pdf(html: Path, pdf: Path = PDF) -> dict:
    """Open the single page in headless Chromium, wait for maths and images, print it."""
    from playwright.sync_api import sync_playwright

    from tools.browser_check import CHROMIUM_ARGS, find_chromium, serve

    server, port = serve(html)
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=find_chromium(), args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1000, "height": 1400})
            page.goto(f"http://127.0.0.1:{port}/index.html", wait_until="load", timeout=120000)
            stats = _wait_until_rendered(page)
            page.emulate_media(media="print")
            page.add_style_tag(content=PRINT_CSS)
            page.evaluate(PREPARE_JS, book_facts())
            page.evaluate("() => document.fonts.ready")
            stats["audit"] = page.evaluate(AUDIT_JS)
            pdf.parent.mkdir(parents=True, exist_ok=True)
            page.pdf(path=str(pdf), format="A4", print_background=True,
                     display_header_footer=True, header_template="<span></span>",
                     footer_template=FOOTER, outline=True, tagged=TAGGED,
                     margin={"top": "16mm", "bottom": "18mm", "left": "14mm", "right": "14mm"})
            browser.close()
    finally:
        server.shutdown()
    return stats


def book_facts() -> dict[str, str]:
    """What the title page states: title and author (_config.yml), licence (LICENSE), version."""
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    text = (ROOT / "LICENSE").read_text()
    parts = []
    if cc := re.search(r"\((CC BY[\w -]*\d\.\d)\)", text):
        parts.append(f"text and figures {cc.group(1)}")
    if "MIT licence" in text or "MIT License" in text:
        parts.append("code MIT")
    if not parts:
        raise SystemExit("LICENSE names neither a Creative Commons nor the MIT licence: "
                         "the title page cannot state the book's licence")
    package = re.search(r'^version\s*=\s*"([^"]+)"', (ROOT / "lib" / "pyproject.toml").read_text(),
                        re.M)
    version = package.group(1) if package else "unknown"
    described = subprocess.run(["git", "describe", "--always", "--dirty"], cwd=ROOT,
                               capture_output=True, text=True)
    if described.returncode == 0 and described.stdout.strip():
        version += f" (commit {described.stdout.strip()})"
    return {"title": config["title"], "author": config["author"],
            "licence": "; ".join(parts) + " (see LICENSE)", "version": version}


def _wait_until_rendered(page) -> dict:
    """MathJax 3 typesets after load: wait for its promise, the fonts and every image."""
    page.wait_for_function("() => window.MathJax && MathJax.startup && MathJax.startup.promise",
                           timeout=60000)
    page.evaluate("() => MathJax.startup.promise")
    page.evaluate("() => document.fonts.ready")
    page.evaluate("""() => Promise.all(Array.from(document.images).map(i => i.complete ?
        null : new Promise(r => { i.onload = i.onerror = r; })))""")
    return page.evaluate(r"""() => ({
        formulas: document.querySelectorAll('mjx-container').length,
        errors: document.querySelectorAll('mjx-merror').length,
        images: document.images.length,
        broken: Array.from(document.images).filter(i => !i.naturalWidth).length,
        rawTeX: (() => {  // "$...\\command" left in the text outside code: maths not parsed
            const skip = 'PRE,CODE,SCRIPT,STYLE,MJX-CONTAINER,TEXTAREA';
            const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
            const found = [];
            while (walker.nextNode()) {
                const node = walker.currentNode;
                if (node.parentElement.closest(skip)) continue;
                const m = node.textContent.match(/\$[^$]{0,80}\\[a-zA-Z]+/);
                if (m) found.push(m[0].slice(0, 60));
            }
            return found; })()})""")


def chapter_titles() -> list[str]:
    """Every page's title, from its first heading, in the book's order."""
    from tools.corrections import chapter_title, toc_files

    return [chapter_title(p) for p in toc_files()]


def _plain(text: str) -> str:
    """Text as compared: no maths markup, one space between words, case-insensitive."""
    text = re.sub(r"\$[^$]*\$", "", text).replace("`", "")
    return re.sub(r"\s+", " ", text).strip().lower()


def pdf_text(pdf: Path, reader) -> str:
    """The PDF's text: poppler's pdftotext when installed (seconds), else pypdf (slower)."""
    if shutil.which("pdftotext"):
        result = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"],
                                capture_output=True, text=True, check=True)
        return result.stdout
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def _image_count(page) -> int:
    """Images placed on a page (its image XObjects), without decoding them."""
    objects = (page.get("/Resources") or {}).get("/XObject") or {}
    objects = objects.get_object() if hasattr(objects, "get_object") else objects
    return sum(1 for ref in objects.values() if ref.get_object().get("/Subtype") == "/Image")


def raw_tex(text: str) -> list[str]:
    """TeX commands left in printed text, except in code (Matplotlib labels such as r"$z$")."""
    return [m.group() for m in re.finditer(r"\$\$|\\(?:frac|mathbf|vec|mathcal|begin\{|sum_)", text)
            if not re.search(r"[\"']", text[text.rfind("\n", 0, m.start()) + 1:m.start()])]


def _pages_text(pdf: Path, reader) -> list[str]:
    """Each page's text (pdftotext separates pages with form feeds)."""
    text = pdf_text(pdf, reader) if shutil.which("pdftotext") else "\f".join(
        page.extract_text() or "" for page in reader.pages)
    return text.split("\f")


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().lower()


def title_page_problems(first_page: str, facts: dict) -> list[str]:
    """The first page names the book's title, author, licence and version."""
    flat = _flat(first_page)
    wanted = {"title": facts["title"], "author": facts["author"],
              "licence": "Licence: " + facts["licence"], "version": "Version "}
    missing = [k for k, v in wanted.items() if _flat(v) not in flat]
    return [f"the title page lacks its {', '.join(missing)}"] if missing else []


def _resolve(obj):
    return obj.get_object() if hasattr(obj, "get_object") else obj


def _shadowed(resources, depth: int = 0) -> bool:
    """Whether resources paint a gradient (a shading, also inside a tiling pattern or a form) or a
    soft mask (an ExtGState /SMask)."""
    resources = _resolve(resources or {})
    if depth > 4 or not hasattr(resources, "get"):
        return False
    if "/Shading" in resources:
        return True
    for ref in _resolve(resources.get("/ExtGState") or {}).values():
        if _resolve(ref).get("/SMask", "/None") != "/None":
            return True
    for kind in ("/Pattern", "/XObject"):
        for ref in _resolve(resources.get(kind) or {}).values():
            obj = _resolve(ref)
            if "/Shading" in obj or _shadowed(obj.get("/Resources"), depth + 1):
                return True
    return False


def shadow_pages(reader) -> list[int]:
    """Pages (1-based) that paint a gradient (a shading: the sideways-scroll cue) or a soft-masked
    shape (how Chromium draws a blurred box shadow)."""
    return [number for number, page in enumerate(reader.pages, 1)
            if _shadowed(page.get("/Resources"))]


def _multiply(a, b):
    """PDF matrices [a b c d e f]: a then b."""
    return [a[0] * b[0] + a[1] * b[2], a[0] * b[1] + a[1] * b[3],
            a[2] * b[0] + a[3] * b[2], a[2] * b[1] + a[3] * b[3],
            a[4] * b[0] + a[5] * b[2] + b[4], a[4] * b[1] + a[5] * b[3] + b[5]]


def _box(m, x0, y0, x1, y1):
    xs, ys = [], []
    for x, y in ((x0, y0), (x1, y0), (x0, y1), (x1, y1)):
        xs.append(m[0] * x + m[2] * y + m[4])
        ys.append(m[1] * x + m[3] * y + m[5])
    return min(xs), min(ys), max(xs), max(ys)


def empty_frames(page, reader, min_size=(20.0, 14.0)) -> list[tuple]:
    """Filled, non-white boxes of a page with no text and no image inside (in points).

    A code cell's frame is a filled rectangle (``re`` ... ``f``) that text or an image is drawn
    on; one with nothing on it is an empty frame. Boxes smaller than ``min_size`` (rules, the
    tail of a box split by a page break) are ignored.
    """
    from pypdf.generic import ContentStream

    contents = page.get_contents()
    if contents is None:
        return []
    ctm, stack, fill, path = [1, 0, 0, 1, 0, 0], [], (0.0,), []
    tm, frames, marks = [1, 0, 0, 1, 0, 0], [], []
    for operands, op in ContentStream(contents, reader).operations:
        if op == b"q":
            stack.append(ctm)
        elif op == b"Q":
            ctm = stack.pop() if stack else ctm
        elif op == b"cm":
            ctm = _multiply([float(v) for v in operands], ctm)
        elif op in (b"rg", b"g", b"k", b"sc", b"scn"):
            fill = tuple(float(v) for v in operands if not hasattr(v, "startswith")) or (0.0,)
            if op == b"k":
                fill = tuple(1 - min(1, c + fill[3]) for c in fill[:3])
        elif op == b"re":
            x, y, w, h = (float(v) for v in operands)
            path.append(_box(ctm, x, y, x + w, y + h))
        elif op in (b"f", b"F", b"f*", b"B", b"B*"):
            if min(fill) < 0.99:  # not white
                frames += path
            path = []
        elif op in (b"n", b"S", b"s", b"b", b"b*"):
            path = []
        elif op == b"BT":
            tm = [1, 0, 0, 1, 0, 0]
        elif op == b"Tm":
            tm = [float(v) for v in operands]
        elif op in (b"Td", b"TD"):
            tm = _multiply([1, 0, 0, 1, float(operands[0]), float(operands[1])], tm)
        elif op in (b"Tj", b"TJ", b"'", b'"'):
            x0, y0, *_ = _box(_multiply(tm, ctm), 0, 0, 0, 0)
            marks.append((x0 - 1, y0 - 1, x0 + 1, y0 + 1))
        elif op == b"Do":
            marks.append(_box(ctm, 0, 0, 1, 1))
    width, height = float(page.mediabox.width), float(page.mediabox.height)
    rows = {}  # the cells of a table row share their top and bottom: a row is one box
    for x0, y0, x1, y1 in frames:
        key = (round(y0), round(y1))
        a, b, c, d = rows.get(key, (x0, y0, x1, y1))
        rows[key] = (min(a, x0), y0, max(c, x1), y1)
    empty = []
    for x0, y0, x1, y1 in rows.values():
        if x1 - x0 < min_size[0] or y1 - y0 < min_size[1] or \
                (x1 - x0 > 0.9 * width and y1 - y0 > 0.9 * height):
            continue
        if not any(a < x1 and c > x0 and b < y1 and d > y0 for a, b, c, d in marks):
            empty.append((round(x0), round(y0), round(x1), round(y1)))
    return empty


def book_figures(html: Path = OUT / "_build" / "singlehtml" / "index.html") -> list[tuple]:
    """The numbered figures of the single-page build: ("Fig. 7.1", first words of the caption)."""
    if not html.is_file():
        return []
    found = re.findall(r'<span class="caption-number">(Fig\.[^<]*)</span>'
                       r'\s*<span class="caption-text">(.*?)</span>\s*<a class="headerlink"',
                       html.read_text(), re.S)
    figures = []
    for number, caption in found:
        words = re.sub(r"<[^>]+>", " ", caption)
        kept = []  # the caption's first plain words (maths and symbols print differently)
        for word in words.split()[:4]:
            if not re.fullmatch(r"[\w,;:'’().-]+", word):
                break
            kept.append(word)
        figures.append((number.strip(), " ".join(kept)))
    return figures


def figure_problems(pages: list[str], reader, figures: list[tuple]) -> list[str]:
    """Each numbered figure's caption is printed, with an image on its page or the one before."""
    flat = [_flat(t) for t in pages]
    missing = []
    for number, words in figures:
        caption = _flat(f"{number} {words}")
        where = [k for k, t in enumerate(flat) if caption in t]
        if not where or not any(_image_count(reader.pages[k]) or
                                (k and _image_count(reader.pages[k - 1])) for k in where):
            missing.append(number)
    return [f"numbered figures missing (no caption or no image): {missing}"] if missing else []


def check_pdf(pdf: Path = PDF, min_pages: int = 40, min_images: int = 30, facts: dict | None = None,
              figures: list[tuple] | None = None) -> list[str]:
    """Problems with a printed book (an empty list when it is fine).

    ``facts``: what the title page must state (default: :func:`book_facts`); ``figures``: the
    numbered figures to find (default: those of the single-page build, when there is one).
    """
    from pypdf import PdfReader

    if not pdf.is_file():
        return [f"{pdf} not found: run `make pdf`"]
    reader = PdfReader(str(pdf))
    problems = []
    if len(reader.pages) < min_pages:
        problems.append(f"{len(reader.pages)} pages, expected at least {min_pages}")
    pages = _pages_text(pdf, reader)
    text = "\n".join(pages)
    flat = re.sub(r"\s+", " ", text).lower()
    missing = [t for t in chapter_titles() if _plain(t) and _plain(t) not in flat]
    if missing:
        problems.append(f"chapter titles missing from the text: {missing}")
    raw = raw_tex(text)
    if raw:
        problems.append(f"raw TeX in the text ({len(raw)}, e.g. {raw[:5]}): maths not typeset")
    images = sum(_image_count(page) for page in reader.pages)
    if images < min_images:
        problems.append(f"{images} embedded images, expected at least {min_images}")
    if not reader.outline:
        problems.append("the PDF has no outline (bookmarks)")
    problems += title_page_problems(pages[0], facts or book_facts())
    shadows = shadow_pages(reader)
    if shadows:
        problems.append(f"shadows (a gradient or a soft mask) printed on pages {shadows[:10]}")
    frames = {k: f for k, page in enumerate(reader.pages, 1) if (f := empty_frames(page, reader))}
    if frames:
        problems.append(f"empty frames (filled boxes with nothing in them) on pages "
                        f"{dict(list(frames.items())[:8])}")
    figures = book_figures() if figures is None else figures
    problems += figure_problems(pages, reader, figures)
    print(f"{pdf.relative_to(ROOT) if pdf.is_relative_to(ROOT) else pdf}: "
          f"{len(reader.pages)} pages, {images} images, {pdf.stat().st_size / 1e6:.1f} MB, "
          f"{len(chapter_titles()) - len(missing)} of {len(chapter_titles())} titles found, "
          f"{len(figures)} numbered figures looked for")
    return problems


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", nargs="?", const=str(PDF), metavar="PDF",
                        help="only check a PDF (default: _build/pdf/book.pdf)")
    parser.add_argument("--no-build", action="store_true",
                        help="print from the existing single-page build")
    args = parser.parse_args(argv)
    if args.check is None:
        start = time.perf_counter()
        html = OUT / "_build" / "singlehtml" if args.no_build else build_singlehtml()
        built = time.perf_counter()
        stats = print_pdf(html)
        print(f"single-page build {built - start:.0f} s, printing {time.perf_counter() - built:.0f} s"
              f"; {stats['formulas']} formulas ({stats['errors']} TeX errors), "
              f"{stats['images']} images ({stats['broken']} broken)")
        audit = stats["audit"]
        print(f"audit of the printed page: "
              f"{len(audit['shadows'])} shadows, {len(audit['empty'])} empty frames, "
              f"{len(audit['figures'])} figures without an image")
        for kind, label in (("shadows", "shadow printed on"), ("empty", "empty frame:"),
                            ("figures", "figure without its image:")):
            for item in audit[kind][:10]:
                print(f"FAIL: {label} {item}")
        for text in stats["rawTeX"]:
            print(f"FAIL: raw TeX in the text (the Markdown around it broke the maths): {text!r}")
    problems = check_pdf(Path(args.check) if args.check else PDF)
    if args.check is None and (stats["errors"] or stats["broken"] or stats["rawTeX"]):
        problems.append("TeX errors, raw TeX or broken images in the single-page build")
    if args.check is None and any(stats["audit"].values()):
        problems.append("the audit of the printed page found shadows, empty frames or figures "
                        "without an image (listed above)")
    for p in problems:
        print(f"FAIL: {p}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
