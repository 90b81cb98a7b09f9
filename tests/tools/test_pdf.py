"""The printed book (tools/pdf.py): the checks of a PDF, and the built book when there is one."""

import base64
import io
import shutil
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))
import pdf as P  # noqa: E402

chromium = pytest.mark.skipif(
    not any(shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome")),
    reason="needs Chromium")


def _print(tmp_path, *bodies: str) -> list[Path]:
    """Print small HTML pages with headless Chromium, as tools/pdf.py prints the book."""
    from playwright.sync_api import sync_playwright

    from browser_check import CHROMIUM_ARGS, find_chromium

    outs = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=find_chromium(), args=CHROMIUM_ARGS)
        page = browser.new_page()
        for k, body in enumerate(bodies):
            outs.append(tmp_path / f"page{k}.pdf")
            page.set_content(f"<html><body>{body}</body></html>")
            page.pdf(path=str(outs[-1]), format="A4", outline=True, tagged=True)
        browser.close()
    return outs


def _png() -> str:
    from PIL import Image

    buffer = io.BytesIO()
    Image.fromarray((np.eye(32) * 255).astype(np.uint8)).save(buffer, format="PNG")
    return base64.b64encode(buffer.getvalue()).decode()


@chromium
def test_a_good_pdf_passes_and_a_bad_one_is_described(tmp_path, monkeypatch):
    monkeypatch.setattr(P, "chapter_titles", lambda: ["Variational autoencoders", "The β-VAE"])
    good, bad = _print(tmp_path, f"<h1>Variational autoencoders</h1><h2>The β-VAE</h2>"
                                 f"<img src='data:image/png;base64,{_png()}'><p>x + y</p>",
                       r"<h1>Variational autoencoders</h1><p>$\frac{1}{2}\sum_j x$</p>")
    assert P.check_pdf(good, min_pages=1, min_images=1) == []
    problems = " | ".join(P.check_pdf(bad, min_pages=2, min_images=1))
    for expected in ("1 pages, expected at least 2", "'The β-VAE'", "raw TeX", "0 embedded images"):
        assert expected in problems


def test_raw_tex_in_code_is_not_flagged():
    text = 'ax.set_title(r"prior $z \\sim \\mathcal{N}(0, 1)$")\nThe free energy $F = \\sum_j x$'
    assert P.raw_tex(text) == ["\\sum_"]


def test_the_built_book_pdf():
    """`make pdf` output: pages, every chapter's title, typeset maths, images, an outline."""
    if not P.PDF.exists():
        pytest.skip("no PDF built (make pdf)")
    from corrections import toc_files

    if max(p.stat().st_mtime for p in toc_files()) > P.PDF.stat().st_mtime:
        pytest.skip("the PDF is older than the chapters: rebuild it with make pdf")
    assert P.check_pdf(P.PDF) == []
