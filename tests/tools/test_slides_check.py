"""tools/browser_features.py slides: the per-slide check fails on each problem planted in a deck.

A small reveal.js deck (from the npm package that `make slides` installs) holds one slide per
problem: a bare title, the scale banner, a training progress bar, a self-check line and a small
figure, then a good slide with a figure as wide as the slide.
"""

import base64
import io
import shutil

import numpy as np
import pytest

from tools import browser_features as F
from tools import slides as S

pytestmark = pytest.mark.skipif(
    not (S.REVEAL / "dist" / "reveal.js").exists()
    or not any(shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome")),
    reason="needs Chromium and reveal.js (make slides installs it)")


def _img(width: int, height: int, style: str = "") -> str:
    from PIL import Image

    buffer = io.BytesIO()
    Image.fromarray(np.full((height, width), 128, np.uint8)).save(buffer, format="PNG")
    return (f"<div class='jp-RenderedImage'><img style='{style}' "
            f"src='data:image/png;base64,{base64.b64encode(buffer.getvalue()).decode()}'></div>")


SLIDES = [
    "<h2>Only a title</h2>",
    "<h2>Banner</h2><pre>Scale: ci (the chapter's settings). Keras backend: tensorflow.</pre>",
    "<h2>Log</h2><pre>m = 2: ██████████ epoch 20/20 [39.6s]</pre>",
    "<h2>Check</h2><pre>✓ one layer: correct.</pre>",
    "<h2>Small figure</h2>" + _img(120, 90, "width: 120px"),
    "<h2>Good</h2><p>A wide figure.</p>" + _img(1200, 200, "width: 100%"),
]


def test_each_planted_problem_fails(tmp_path):
    from playwright.sync_api import sync_playwright

    from tools.browser_check import CHROMIUM_ARGS, find_chromium, serve

    shutil.copytree(S.REVEAL / "dist", tmp_path / "reveal.js" / "dist",
                    ignore=shutil.ignore_patterns("*.map", "*.esm.js"))
    sections = "".join(f"<section>{s}</section>" for s in SLIDES)
    (tmp_path / "deck.html").write_text(
        "<!DOCTYPE html><html><head><meta charset='utf-8'>"
        "<link rel='stylesheet' href='reveal.js/dist/reveal.css'></head><body>"
        f"<div class='reveal'><div class='slides'>{sections}</div></div>"
        "<script src='reveal.js/dist/reveal.js'></script>"
        "<script>Reveal.initialize({progress: true, width: 1100, height: 760, hash: true});"
        "</script></body></html>")
    server, port = serve(tmp_path)
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=find_chromium(), args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            problems = F.check_slides(page, f"http://127.0.0.1:{port}/deck.html")
            browser.close()
    finally:
        server.shutdown()
    text = "\n".join(problems)
    for expected in ("slide 1: only a title", "slide 2: the scale banner",
                     "slide 3: a training progress bar", "slide 4: a self-check line",
                     "slide 5: a small figure (120×90 px on a 1100×760 slide)",
                     "reveal.js's progress bar is shown"):
        assert expected in text, text
    assert "slide 6" not in text
