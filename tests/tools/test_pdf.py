"""The printed book (tools/pdf.py): the checks of a PDF, and the built book when there is one.

Each check is shown to pass on a good small page and to fail on a page with the problem planted:
no title page, a printed shadow, an empty code frame, a numbered figure without its image.
"""

import base64
import io
import shutil
from pathlib import Path

import numpy as np
import pytest

from tools import front_door
from tools import pdf as P

ROOT = Path(__file__).resolve().parents[2]

chromium = pytest.mark.skipif(
    not any(shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome")),
    reason="needs Chromium")

FACTS = {"title": "A small book", "author": "Ada Author", "licence": "text CC BY-SA 4.0",
         "version": "1.0"}
TITLE_PAGE = ("<h1>A small book</h1><p>Ada Author</p><p>Version 1.0</p>"
              "<p>Licence: text CC BY-SA 4.0</p><div style='break-after: page'></div>")
CODE = ("<div class='cell_input' style='background:#eee;border:1px solid #ccc;padding:8px'>"
        "<pre>x = 1</pre></div>")
EMPTY_CODE = "<div class='cell_input' style='background:#eee;border:1px solid #ccc;height:40px'></div>"
SCROLL_CUE = ("<pre class='du-scroll' style='background-image: radial-gradient(farthest-side at 100% "
              "50%, rgba(0,0,0,.3), transparent)'>a wide line</pre>")


@pytest.fixture(scope="module")
def browser_page():
    """One headless Chromium for the module's tests (starting it is most of their time)."""
    from playwright.sync_api import sync_playwright

    from tools.browser_check import CHROMIUM_ARGS, find_chromium

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=find_chromium(), args=CHROMIUM_ARGS)
        yield browser.new_page()
        browser.close()


def _print(page, tmp_path, *bodies: str) -> list[Path]:
    """Print small HTML pages with headless Chromium, as tools/pdf.py prints the book."""
    outs = []
    for k, body in enumerate(bodies):
        outs.append(tmp_path / f"page{k}.pdf")
        page.set_content(f"<html><body>{body}</body></html>")
        page.pdf(path=str(outs[-1]), format="A4", outline=True, tagged=True,
                 print_background=True)
    return outs


def _png(size: int = 32) -> bytes:
    from PIL import Image

    image = Image.fromarray((np.eye(size) * 255).astype(np.uint8))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def _figure(number: str = "Fig. 1.1", image: bool = True) -> str:
    img = (f"<img style='width:200px' src='data:image/png;base64,"
           f"{base64.b64encode(_png()).decode()}'>") if image else ""
    return (f"<figure>{img}<figcaption><span class='caption-number'>{number} </span>"
            f"<span class='caption-text'>A diagonal line.</span></figcaption></figure>")


@pytest.fixture
def small_book(monkeypatch):
    monkeypatch.setattr(P, "chapter_titles", lambda: ["Variational autoencoders", "The β-VAE"])
    return {"min_pages": 1, "min_images": 1, "facts": FACTS,
            "figures": [("Fig. 1.1", "A diagonal line.")]}


@chromium
def test_a_good_pdf_passes_and_a_bad_one_is_described(browser_page, tmp_path, small_book):
    good, bad = _print(browser_page, tmp_path, TITLE_PAGE + "<h1>Variational autoencoders</h1><h2>The β-VAE</h2>"
                       + _figure() + CODE + "<p>x + y</p>",
                       r"<h1>Variational autoencoders</h1><p>$\frac{1}{2}\sum_j x$</p>")
    assert P.check_pdf(good, **small_book) == []
    problems = " | ".join(P.check_pdf(bad, **{**small_book, "min_pages": 3}))
    for expected in ("1 pages, expected at least 3", "'The β-VAE'", "raw TeX", "0 embedded images",
                     "the title page lacks its title, author, licence, version",
                     "numbered figures missing (no caption or no image): ['Fig. 1.1']"):
        assert expected in problems


@chromium
def test_shadows_empty_frames_and_figures_without_an_image_fail(browser_page, tmp_path,
                                                              small_book):
    body = TITLE_PAGE + "<h1>Variational autoencoders</h1><h2>The β-VAE</h2>" + CODE
    shadow, empty, imageless = _print(
        browser_page, tmp_path, body + _figure() + SCROLL_CUE,
        body + _figure() + EMPTY_CODE + "<p>after the frame</p>",
        body + _figure(image=False) + "<p>no image anywhere</p>")
    book = {**small_book, "min_images": 0}
    assert [p for p in P.check_pdf(shadow, **book) if "shadows" in p] == [
        "shadows (a gradient or a soft mask) printed on pages [2]"]
    assert any(p.startswith("empty frames") and "2:" in p for p in P.check_pdf(empty, **book))
    assert P.check_pdf(imageless, **book) == [
        "numbered figures missing (no caption or no image): ['Fig. 1.1']"]


@chromium
def test_the_audit_of_the_laid_out_page(browser_page):
    """Before printing: shadows, empty code frames and image-less figures, each named."""
    body = ("<section id='ok'>" + CODE + _figure() + "</section><section id='bad'>" + SCROLL_CUE
            + "<div class='admonition' style='box-shadow: 0 2px 4px #888'>boxed</div>"
            + EMPTY_CODE + _figure("Fig. 2.1", image=False) + "</section>")
    browser_page.set_content(f"<html><body>{body}</body></html>")
    audit = browser_page.evaluate(P.AUDIT_JS)
    assert audit == {"shadows": ["pre.du-scroll in #bad", "div.admonition in #bad"],
                     "empty": ["div.cell_input in #bad"], "figures": ["Fig. 2.1 in #bad"]}


def test_title_page_fields():
    page = "A small book\nAda Author\nVersion 1.0\nLicence: text CC BY-SA 4.0"
    assert P.title_page_problems(page, FACTS) == []
    assert P.title_page_problems("A small book\nVersion 1.0", FACTS) == [
        "the title page lacks its author, licence"]
    facts = P.book_facts()
    assert facts["author"] and "CC BY-SA" in facts["licence"] and "MIT" in facts["licence"]


def test_raw_tex_in_code_is_not_flagged():
    text = 'ax.set_title(r"prior $z \\sim \\mathcal{N}(0, 1)$")\nThe free energy $F = \\sum_j x$'
    assert P.raw_tex(text) == ["\\sum_"]


def test_the_header_pdf_button_points_at_the_book_or_goes(tmp_path):
    """tools/front_door.py: the theme's ".pdf" button prints one page; it becomes the book's PDF."""
    button = ('<ul><li><a href="x.ipynb">.ipynb</a></li>\n<li>\n<button onclick="window.print()"\n'
              '  class="btn btn-sm btn-download-pdf-button dropdown-item"\n  title="Print to PDF">'
              '<span class="btn__text-container">.pdf</span>\n</button>\n</li></ul>')
    (tmp_path / "chapters").mkdir()
    for name in ("index.html", "chapters/vae.html"):
        (tmp_path / name).write_text(button)
    assert front_door.header_pdf_links(tmp_path, published=True) == 2
    assert 'href="../handouts/book.pdf"' in (tmp_path / "chapters/vae.html").read_text()
    assert 'href="handouts/book.pdf"' in (tmp_path / "index.html").read_text()
    (tmp_path / "index.html").write_text(button)
    front_door.header_pdf_links(tmp_path, published=False)
    page = (tmp_path / "index.html").read_text()
    assert "window.print" not in page and "book.pdf" not in page and "x.ipynb" in page


def test_the_built_book_pdf():
    """`make pdf` output: every check above, on the whole book."""
    if not P.PDF.exists():
        pytest.skip("no PDF built (make pdf)")
    from tools.corrections import toc_files

    if max(p.stat().st_mtime for p in toc_files()) > P.PDF.stat().st_mtime:
        pytest.skip("the PDF is older than the chapters: rebuild it with make pdf")
    assert P.check_pdf(P.PDF) == []
