"""Open the built book in headless Chromium and check what a reader would see.

For the start page, the first notebook chapter of _toc.yml and the appendix "Results at a glance"
(or the pages given on the command line) it checks that MathJax typeset the maths (MathJax output elements present, no
raw TeX errors), that no Markdown table was left unrendered, that every image on the page loaded (complete, with a natural width), and saves a
full-page screenshot under _build/screenshots/. On a notebook chapter it also checks the buttons a
student uses: the .ipynb download link works, the Binder and Colab launch links name this notebook,
and the hidden Colab install cell is not shown.

    python tools/browser_check.py [PAGE.html ...]
"""

from __future__ import annotations

import functools
import http.server
import shutil
import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HTML = ROOT / "_build" / "html"
SHOTS = ROOT / "_build" / "screenshots"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def find_chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        path = shutil.which(name)
        if path:
            return path
    raise SystemExit("Chromium not found: install it (Debian: apt-get install chromium)")


def default_pages() -> list[str]:
    sys.path.insert(0, str(ROOT / "tools"))
    from notebooks import toc_notebooks

    chapter = toc_notebooks()[0].relative_to(ROOT).with_suffix(".html")
    return ["index.html", str(chapter), "chapters/results.html"]


def serve(directory: Path) -> tuple[http.server.ThreadingHTTPServer, int]:
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, server.server_address[1]


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def check_page(page, url: str) -> list[str]:
    problems = []
    page.goto(url, wait_until="load")
    # MathJax 3 typesets asynchronously; wait until its startup promise has resolved.
    page.wait_for_function("() => !window.MathJax || (window.MathJax.startup && "
                           "window.MathJax.startup.promise && true)", timeout=20000)
    page.evaluate("() => window.MathJax && MathJax.startup.promise")
    stats = page.evaluate("""() => ({
        mathjax: !!window.MathJax && !!window.MathJax.version,
        typeset: document.querySelectorAll('mjx-container').length,
        maths: document.querySelectorAll('.math').length,
        texErrors: document.querySelectorAll('mjx-merror').length,
        rawMath: document.querySelectorAll('.math:not(:has(mjx-container))').length,
        images: Array.from(document.images).map(i => ({src: i.currentSrc || i.src,
                                                      ok: i.complete && i.naturalWidth > 0})),
    })""")
    if not stats["mathjax"]:
        problems.append("MathJax did not load")
    if stats["maths"] and stats["typeset"] == 0:
        problems.append("no typeset maths (no mjx-container elements)")
    if stats["texErrors"]:
        problems.append(f"{stats['texErrors']} TeX error(s) in typeset maths")
    if stats["rawMath"]:
        problems.append(f"{stats['rawMath']} maths element(s) left untypeset")
    broken = [i["src"] for i in stats["images"] if not i["ok"]]
    if broken:
        problems.append(f"{len(broken)} image(s) failed to load: {broken[:5]}")
    if "| --- |" in page.inner_text("body"):
        problems.append("a Markdown table was left as raw text (not rendered)")
    if url.endswith(".html") and "/chapters/" in url:
        problems += check_notebook_buttons(page, url)
    print(f"  {url}: MathJax {stats['typeset']} formulas, {len(stats['images'])} images, "
          f"{len(broken)} broken")
    return problems


def check_notebook_buttons(page, url: str) -> list[str]:
    """Download and launch buttons of a notebook chapter, and the hidden Colab cell."""
    problems = []
    stem = url.rsplit("/", 1)[-1][:-len(".html")]
    links = page.evaluate("() => Array.from(document.querySelectorAll('a')).map(a => a.href)")
    download = [h for h in links if h.endswith(f"_sources/chapters/{stem}.ipynb")]
    if not download:
        problems.append("no download button for the notebook (.ipynb)")
    elif page.request.get(download[0]).status != 200:
        problems.append(f"the notebook download link {download[0]} does not work")
    for name, host in (("Binder", "mybinder.org"), ("Colab", "colab.research.google.com")):
        if not any(host in h and f"chapters/{stem}.ipynb" in h for h in links):
            problems.append(f"no {name} launch button for chapters/{stem}.ipynb")
    if "find_spec(\"deep_unsupervised\")" in page.inner_text("body"):
        problems.append("the Colab install cell is visible (it should be tagged remove-cell)")
    return problems


def main(pages: list[str]) -> int:
    from playwright.sync_api import sync_playwright

    if not (HTML / "index.html").exists():
        raise SystemExit(f"{HTML / 'index.html'} not found: build the book first (make book)")
    SHOTS.mkdir(parents=True, exist_ok=True)
    server, port = serve(HTML)
    failures = 0
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=find_chromium(), args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            for rel in pages:
                problems = check_page(page, f"http://127.0.0.1:{port}/{rel}")
                shot = SHOTS / (rel.replace("/", "_").replace(".html", "") + ".png")
                page.screenshot(path=str(shot), full_page=True)
                print(f"  screenshot: {shot.relative_to(ROOT)}")
                for p in problems:
                    print(f"  FAIL {rel}: {p}")
                failures += bool(problems)
            browser.close()
    finally:
        server.shutdown()
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:] or default_pages()))
