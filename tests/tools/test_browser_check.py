"""tools/browser_check.py's checks of what the reader sees, on a small bad page in Chromium."""

import base64
import io
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(not any(shutil.which(n) for n in (
    "chromium", "chromium-browser", "google-chrome")), reason="needs Chromium")


def _png(width: int, height: int) -> str:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (width, height), "white").save(buffer, format="PNG")
    return base64.b64encode(buffer.getvalue()).decode()


PAGE = """<html><body><main><article class="bd-article" style="width:757px">
<figure id="fig-missing"><div class="cell_output"><pre>&lt;Figure size 704x297 with 1 Axes&gt;</pre></div>
<figcaption><span class="caption-number">Fig. 1.1 </span>A figure that never drew.</figcaption></figure>
<figure id="fig-ok"><div class="cell_output"><img alt="a white box" src="data:image/png;base64,{big}"
 style="width: 700px; height: 100px;"></div>
<figcaption><span class="caption-number">Fig. 1.2 </span>A 2x figure.</figcaption></figure>
<div class="cell"><div class="cell_output"><img alt="a tiny white box"
 src="data:image/png;base64,{big}" style="width: 200px"></div></div>
<div class="cell"><pre style="overflow-x:auto;font:13px monospace">{wide}</pre></div>
</article></main></body></html>"""


def test_missing_figures_wide_code_and_small_figure_text_fail(tmp_path):
    from playwright.sync_api import sync_playwright

    from tools import browser_check

    (tmp_path / "page.html").write_text(PAGE.format(big=_png(1400, 200), wide="x = 1  # " + "y" * 150))
    server, port = browser_check.serve(tmp_path)
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=browser_check.find_chromium(),
                                         args=browser_check.CHROMIUM_ARGS)
            page = browser.new_page(viewport=browser_check.VIEWPORTS["desktop"])
            page.goto(f"http://127.0.0.1:{port}/page.html")
            problems, summary = browser_check.figure_problems(page, "desktop")
            phone, _ = browser_check.figure_problems(page, "phone")
            browser.close()
    finally:
        server.shutdown()
    text = "\n".join(problems)
    assert "numbered figure without a loaded image: fig-missing Fig. 1.1" in text
    assert "fig-ok" not in text
    assert "a code cell line is wider than the column" in text
    # the 2x figure at its 1x width: 9 pt at 110 dpi, 13.75 px; the other at 200 of 1400 px
    assert sum("figure text shown at" in p for p in problems) == 1 and "2.0 px" in text
    assert "smallest text 2.0 px" in summary
    assert not [p for p in phone if "wider than the column" in p or "figure text" in p]
