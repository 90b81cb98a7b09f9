"""The whole book as one PDF: Jupyter Book's single-page HTML, printed by headless Chromium.

    python tools/pdf.py                 # build _build/pdf/book.pdf (about a minute), then check it
    python tools/pdf.py --no-build      # print again from the existing single-page build
    python tools/pdf.py --check [PDF]   # only check a PDF (default _build/pdf/book.pdf)

No LaTeX is needed: ``jupyter-book build --builder singlehtml`` renders every page into one HTML
file (notebooks as committed, not re-executed); the Chromium of the browser check opens it,
waits until MathJax has typeset every formula and every image has loaded, and prints it with
a print stylesheet (one chapter per page break, no navigation, code wrapped to the page) and
page numbers. The check reads the PDF back (pypdf): enough pages, every chapter's title, no raw
TeX left, images embedded, and a document outline.
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
sys.path.insert(0, str(ROOT / "tools"))

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
#du-print-toc { break-after: page; font-size: 12pt; }
#du-print-toc ul { list-style: none; padding-left: 0; }
#du-print-toc li { margin: 0.25em 0; }
"""

# A table of contents after the book's title: one linked entry per chapter (the PDF's outline, its
# bookmarks, has every section too).
CONTENTS_JS = r"""() => {
  const title = document.querySelector('.bd-article section h1');
  const items = Array.from(document.querySelectorAll('span[id^="document-"] + section'))
    .map(s => { const h = s.querySelector('h1, h2').cloneNode(true);
                h.querySelectorAll('.headerlink').forEach(a => a.remove());
                return `<li><a href="#${s.id}">${h.innerHTML}</a></li>`; });
  const nav = document.createElement('nav');
  nav.id = 'du-print-toc';
  nav.innerHTML = `<h2>Contents</h2><ul>${items.join('')}</ul>`;
  title.after(nav);
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

    from browser_check import CHROMIUM_ARGS, find_chromium, serve

    server, port = serve(html)
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=find_chromium(), args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1000, "height": 1400})
            page.goto(f"http://127.0.0.1:{port}/index.html", wait_until="load", timeout=120000)
            stats = _wait_until_rendered(page)
            page.emulate_media(media="print")
            page.add_style_tag(content=PRINT_CSS)
            page.evaluate(CONTENTS_JS)
            page.evaluate("() => document.fonts.ready")
            pdf.parent.mkdir(parents=True, exist_ok=True)
            page.pdf(path=str(pdf), format="A4", print_background=True,
                     display_header_footer=True, header_template="<span></span>",
                     footer_template=FOOTER, outline=True, tagged=TAGGED,
                     margin={"top": "16mm", "bottom": "18mm", "left": "14mm", "right": "14mm"})
            browser.close()
    finally:
        server.shutdown()
    return stats


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
    from corrections import chapter_title, toc_files

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


def check_pdf(pdf: Path = PDF, min_pages: int = 40, min_images: int = 30) -> list[str]:
    """Problems with a printed book (an empty list when it is fine)."""
    from pypdf import PdfReader

    if not pdf.is_file():
        return [f"{pdf} not found: run `make pdf`"]
    reader = PdfReader(str(pdf))
    problems = []
    if len(reader.pages) < min_pages:
        problems.append(f"{len(reader.pages)} pages, expected at least {min_pages}")
    text = pdf_text(pdf, reader)
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
    print(f"{pdf.relative_to(ROOT) if pdf.is_relative_to(ROOT) else pdf}: "
          f"{len(reader.pages)} pages, {images} images, {pdf.stat().st_size / 1e6:.1f} MB, "
          f"{len(chapter_titles()) - len(missing)} of {len(chapter_titles())} titles found")
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
        for text in stats["rawTeX"]:
            print(f"FAIL: raw TeX in the text (the Markdown around it broke the maths): {text!r}")
    problems = check_pdf(Path(args.check) if args.check else PDF)
    if args.check is None and (stats["errors"] or stats["broken"] or stats["rawTeX"]):
        problems.append("TeX errors, raw TeX or broken images in the single-page build")
    for p in problems:
        print(f"FAIL: {p}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
