"""Open the built book in headless Chromium and check what a reader would see, on every page.

Every page of _toc.yml (or the pages given on the command line) is opened at a desktop (1366×768)
and a phone (390×844) viewport, in a fresh browser context (empty cache), and fails on:

- page weight above 1.5 MB: the bytes transferred for the HTML and every resource it loads
  (scripts, CSS, fonts, images), served as a web host serves them (text gzip-compressed), from the
  Performance API; images not yet loaded are counted from their files. The uncompressed size is
  printed too;
- any failed request or HTTP status >= 400, any console error or uncaught page error;
- an element wider than the content column (code, display maths, tables, images, outputs,
  figures) unless it sits in a horizontal scroll container that shows a scroll cue (the book's
  CSS draws edge shadows on scroll containers: a background gradient);
- an <img> without meaningful alt text (empty, a file name or a path);
- maths that MathJax did not typeset, TeX errors, a Markdown table left as raw text, an image
  that failed to load; on notebook chapters, the .ipynb download (with a download attribute),
  Binder and Colab buttons, and the hidden Colab cell; on pages with latent-space explorers, that
  they respond (tools/browser_features.py).

What the reader sees of figures and code (issue 31 item 4, issue 34 item 2):

- every numbered figure (a caption with "Fig. N.M") shows an image that loaded (naturalWidth > 0),
  not the text "<Figure size ...>";
- at the desktop size, no code cell's source or output scrolls sideways (every line fits the
  column; tools/hygiene.py counts the same in characters);
- for every figure image, its displayed width against its natural width, and the size at which its
  smallest text is shown: the book's style sets no text below SMALLEST_FONT_PT points at DPI dots
  per inch (lib/deep_unsupervised/book/plotting.py), so that text is shown at
  SMALLEST_FONT_PT * DPI / 72 * density * displayed / natural CSS pixels (density 2 for a 2x PNG,
  whose width attribute is half its pixel width; 1 otherwise). It fails below TEXT_FLOOR_PX (12 px = 9 pt) on
  the desktop; on a phone it is reported (a tap opens the figure at full size).

Each page is loaded once, at the desktop size, then resized to the phone; two pages are checked
at a time, in two browsers (JOBS). Each failure names the
page, the viewport, the element and the measurement; the summary line counts the blocks that
scroll sideways (with a cue) and the images shown below 45 % of their natural width. Screenshots of
a few chapter pages in the light and the dark theme go to _build/screenshots/ (the top of the page
and the first figure).

    python tools/browser_check.py [PAGE.html ...]      # BOOK_HTML=dir: another built book
"""

from __future__ import annotations

import functools
import gzip
import io
import http.server
import json
import os
import re
import shutil
import sys
import threading
import time
from pathlib import Path
from urllib.parse import unquote, urlparse

ROOT = Path(__file__).resolve().parent.parent
HTML = Path(os.environ.get("BOOK_HTML", ROOT / "_build" / "html"))
SHOTS = HTML.parent / "screenshots"
# The smallest text the book's figure style draws, and the figures' dpi (plotting.py).
SMALLEST_FONT_PT, DPI = 9, 110
TEXT_FLOOR_PX = 12  # 9 pt: the smallest figure text allowed on the desktop page
BUDGET_BYTES = 1.5e6
VIEWPORTS = {"desktop": {"width": 1366, "height": 768}, "phone": {"width": 390, "height": 844}}
SCREENSHOT_PAGES = ("chapters/autoencoders.html", "chapters/vae.html", "chapters/dcgan.html")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]

# Elements wider than the column, whether they scroll with a cue, and images without real alt text.
LAYOUT_JS = """() => {
  const column = document.querySelector('article.bd-article') || document.querySelector('main');
  const colRect = column.getBoundingClientRect();
  const selectors = 'pre, div.highlight, mjx-container[display="true"], table, img, figure, svg,'
    + ' div.cell_output > div, div.output, .math:not(:has(mjx-container)), iframe, video';
  const scroller = el => {
    for (let a = el; a && a !== column.parentElement; a = a.parentElement) {
      const s = getComputedStyle(a);
      if (['auto', 'scroll'].includes(s.overflowX) && a.scrollWidth > a.clientWidth + 1) return a;
      if (s.overflowX === 'hidden' && a !== el && a.scrollWidth > a.clientWidth + 1) return null;
    }
    return null;
  };
  const describe = el => {
    let d = el.tagName.toLowerCase();
    if (el.id) d += '#' + el.id;
    if (el.classList.length) d += '.' + Array.from(el.classList).slice(0, 2).join('.');
    const section = el.closest('section[id]');
    const text = (el.getAttribute('alt') || el.textContent || '').trim().replace(/\\s+/g, ' ');
    return d + (section ? ' in #' + section.id : '') + (text ? ' "' + text.slice(0, 50) + '"' : '');
  };
  const wide = [], seen = new Set();
  let scrolled = 0;
  for (const el of column.querySelectorAll(selectors)) {
    if (el.closest('.d-none, [hidden], details:not([open]) > :not(summary)')) continue;
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    const width = Math.max(r.width, el.scrollWidth);
    if (width <= colRect.width + 1 && r.right <= colRect.right + 1 && r.left >= colRect.left - 1)
      continue;
    const box = scroller(el);
    const cue = box && /gradient/.test(getComputedStyle(box).backgroundImage);
    const key = box || el;
    if (seen.has(key)) continue;
    seen.add(key);
    if (cue) scrolled += 1;
    else wide.push({what: describe(el), width: Math.round(width),
                         column: Math.round(colRect.width), scrolls: !!box});
  }
  const badAlt = Array.from(document.images).filter(i => {
    const alt = (i.getAttribute('alt') || '').trim();
    return !alt || /^[\\w./-]+\\.(png|svg|jpe?g|gif|webp)$/i.test(alt) || /(^|\\/)_images\\//.test(alt)
      || (/[\\/]/.test(alt) && !/\\s/.test(alt));
  }).map(i => ({src: i.getAttribute('src'), alt: i.getAttribute('alt')}));
  const shrunk = Array.from(column.querySelectorAll('img')).filter(
      i => i.naturalWidth > 0 && i.clientWidth > 0
           && i.clientWidth / (parseFloat(i.style.width) || i.naturalWidth) < 0.45)
    .map(i => ({src: i.getAttribute('src'), natural: i.naturalWidth, shown: i.clientWidth}));
  return {wide, badAlt, shrunk, scrolled, column: Math.round(colRect.width)};
}"""

WEIGHT_JS = """() => {
  const nav = performance.getEntriesByType('navigation')[0];
  const res = performance.getEntriesByType('resource');
  const size = e => e.encodedBodySize || e.transferSize || 0;
  return {html: nav ? size(nav) : 0, htmlRaw: nav ? nav.decodedBodySize : 0,
          raw: res.reduce((a, e) => a + (e.decodedBodySize || 0), 0),
          resources: res.map(e => ({url: e.name, bytes: size(e), type: e.initiatorType})),
          images: Array.from(document.images).map(i => i.currentSrc || i.src)};
}"""

STATS_JS = """() => ({
  mathjax: !!window.MathJax && !!window.MathJax.version,
  typeset: document.querySelectorAll('mjx-container').length,
  maths: document.querySelectorAll('.math').length,
  texErrors: document.querySelectorAll('mjx-merror').length,
  rawMath: document.querySelectorAll('.math:not(:has(mjx-container))').length,
  broken: Array.from(document.images).filter(i => i.complete && i.naturalWidth === 0)
                .map(i => i.getAttribute('src')),
})"""


FIGURES_JS = """async () => {
  const column = document.querySelector('article.bd-article') || document.querySelector('main');
  const imgs = Array.from(column.querySelectorAll('div.cell_output img, figure img'));
  for (const i of imgs) i.loading = 'eager';
  await Promise.all(imgs.map(i => i.complete ? null : new Promise(r => {
    i.addEventListener('load', r); i.addEventListener('error', r); setTimeout(r, 5000); })));
  const missing = Array.from(column.querySelectorAll('figure, div.figure')).filter(
      f => f.querySelector('.caption-number') && !f.closest('.du-explorer'))
    .filter(f => !Array.from(f.querySelectorAll('img')).some(i => i.naturalWidth > 0))
    .map(f => (f.id || '') + ' ' + (f.querySelector('.caption-number').textContent.trim())
              + ' ' + (f.querySelector('figcaption, .caption') || f).textContent.trim().slice(0, 60));
  const shown = imgs.filter(i => i.naturalWidth > 0 && i.clientWidth > 0).map(i => {
    const attr = parseFloat(i.style.width) || parseFloat(i.getAttribute('width')) || i.naturalWidth;
    return {src: i.getAttribute('src').split('/').pop(), natural: i.naturalWidth,
            density: Math.abs(i.naturalWidth / attr - 2) < 0.02 ? 2 : 1, shown: i.clientWidth};
  });
  const wideCode = Array.from(column.querySelectorAll('div.cell pre')).filter(
      p => p.offsetParent !== null && p.scrollWidth > p.clientWidth + 1
           && !p.closest('details:not([open])'))
    .map(p => ({text: p.textContent.split('\\n').reduce((a, b) => a.length >= b.length ? a : b)
                         .slice(0, 60), width: p.scrollWidth, column: p.clientWidth,
                output: !!p.closest('.cell_output')}));
  return {missing, shown, wideCode};
}"""


def text_px(image: dict) -> float:
    """CSS pixels at which the smallest text of a figure image is shown."""
    return SMALLEST_FONT_PT * DPI / 72 * image["density"] * image["shown"] / image["natural"]


def figure_problems(page, name: str) -> tuple[list[str], str]:
    """Numbered figures without a loaded image, code or output lines wider than the column (on the
    desktop), and figure text below the floor (on the desktop); a summary of the figures' sizes."""
    data = page.evaluate(FIGURES_JS)
    problems = [f"[{name}] numbered figure without a loaded image: {m}" for m in data["missing"]]
    if name == "desktop":
        for w in data["wideCode"]:
            problems.append(f"[{name}] a code {'output' if w['output'] else 'cell'} line is wider "
                            f"than the column ({w['width']} px > {w['column']} px): {w['text']!r}")
    if not data["shown"]:
        return problems, ""
    smallest = min(data["shown"], key=text_px)
    if name == "desktop":
        problems += [f"[{name}] figure text shown at {text_px(i):.1f} px < {TEXT_FLOOR_PX} px "
                     f"({i['shown']} of {i['natural']} px, density {i['density']:.1f}): {i['src']}"
                     for i in data["shown"] if text_px(i) < TEXT_FLOOR_PX - 0.05]
    ratio = min(i["shown"] * i["density"] / i["natural"] for i in data["shown"])
    return problems, (f"{len(data['shown'])} figure(s), smallest text {text_px(smallest):.1f} px, "
                      f"narrowest at {ratio:.0%} of its size")


def find_chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        path = shutil.which(name)
        if path:
            return path
    raise SystemExit("Chromium not found: install it (Debian: apt-get install chromium)")


def default_pages() -> list[str]:
    """Every page of _toc.yml, as built HTML paths."""
    from tools.notebooks import toc_files

    return [str(p.relative_to(ROOT).with_suffix(".html")) for p in toc_files()]


def serve(directory: Path) -> tuple[http.server.ThreadingHTTPServer, int]:
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, server.server_address[1]


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the book as a web host does: text files gzip-compressed when the browser asks."""

    COMPRESS = (".html", ".js", ".css", ".json", ".svg", ".txt", ".xml", ".map", ".ipynb")
    _cache: dict[str, bytes] = {}

    def log_message(self, *args):
        pass

    def send_head(self):
        path = self.translate_path(self.path)
        if (not path.endswith(self.COMPRESS) or not Path(path).is_file()
                or "gzip" not in self.headers.get("Accept-Encoding", "")):
            return super().send_head()
        if path not in self._cache:
            self._cache[path] = gzip.compress(Path(path).read_bytes(), compresslevel=6)
        body = self._cache[path]
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(path))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)


def local_file(url: str) -> Path | None:
    path = HTML / unquote(urlparse(url).path).lstrip("/")
    return path if path.is_file() else None


def page_weight(page) -> tuple[int, int, list[tuple[str, int]]]:
    """Bytes transferred for the HTML and everything it loaded (compressed as served), the same
    uncompressed, and the five largest resources."""
    data = page.evaluate(WEIGHT_JS)
    sizes = {r["url"]: r["bytes"] for r in data["resources"]}
    for src in data["images"]:  # images the browser has not fetched yet (lazy, below the fold)
        if src and src not in sizes and not src.startswith("data:") and local_file(src):
            sizes[src] = local_file(src).stat().st_size
            data["raw"] += sizes[src]
    total = data["html"] + sum(sizes.values())
    largest = sorted(sizes.items(), key=lambda kv: -kv[1])[:5]
    return total, data["htmlRaw"] + data["raw"], [(urlparse(u).path.rsplit("/", 1)[-1], b) for u, b in largest]


def open_page(browser, url: str, viewport: dict):
    """A fresh context (empty cache) with listeners for failed requests and console errors."""
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: m.type == "error" and errors.append(f"console error: {m.text}"))
    page.on("pageerror", lambda e: errors.append(f"page error: {e}"))
    page.on("requestfailed", lambda r: errors.append(f"request failed: {r.url} ({r.failure})"))
    page.on("response", lambda r: r.status >= 400 and errors.append(f"HTTP {r.status}: {r.url}"))
    page.goto(url, wait_until="load", timeout=120000)  # a busy 2-core machine can be slow
    page.wait_for_function("() => !window.MathJax || (window.MathJax.startup && "
                           "window.MathJax.startup.promise && true)", timeout=20000)
    page.evaluate("() => Promise.all([window.MathJax && MathJax.startup.promise, "
                  "document.fonts.ready])")
    return context, page, errors


def layout_problems(page, name: str) -> tuple[list[str], str]:
    """Elements wider than the column and images without alt text, at the current viewport."""
    layout = page.evaluate(LAYOUT_JS)
    problems = []
    for w in layout["wide"]:
        problems.append(f"[{name}] wider than the column ({w['width']} px > {w['column']} px)"
                        f"{', scrolls without a cue' if w['scrolls'] else ''}: {w['what']}")
    for b in layout["badAlt"]:
        problems.append(f"[{name}] <img> without meaningful alt text: src={b['src']} alt={b['alt']!r}")
    notes = []
    if layout["scrolled"]:
        notes.append(f"{layout['scrolled']} block(s) scroll sideways")
    if layout["shrunk"]:
        notes.append(f"{len(layout['shrunk'])} image(s) shown below 45 % of their width")
    return problems, f"{name}: " + (", ".join(notes) if notes else "fits")


def check_page(browser, base: str, rel: str) -> tuple[list[str], str]:
    """Problems of one page (desktop, then the same page resized to the phone), and a summary."""
    context, page, errors = open_page(browser, f"{base}/{rel}", VIEWPORTS["desktop"])
    try:
        weight, raw, largest = page_weight(page)
        problems = []
        if weight > BUDGET_BYTES:
            problems.append(f"page weight {weight / 1e6:.2f} MB transferred "
                            f"({raw / 1e6:.2f} MB uncompressed) > {BUDGET_BYTES / 1e6:.1f} MB;"
                            f" largest: " + ", ".join(f"{n} {b / 1e3:.0f} kB" for n, b in largest))
        problems += content_problems(page, f"{base}/{rel}")
        summary = [f"{weight / 1e6:.2f} MB ({raw / 1e6:.2f} MB uncompressed)"]
        for name, viewport in VIEWPORTS.items():
            if name != "desktop":
                page.set_viewport_size(viewport)
                page.wait_for_timeout(400)  # book.js re-marks scroll containers after a resize
            p, s = layout_problems(page, name)
            f, fs = figure_problems(page, name)
            problems += p + f
            summary.append(s + (f" ({fs})" if fs else ""))
        page.set_viewport_size(VIEWPORTS["desktop"])
        if rel in SCREENSHOT_PAGES:
            page.wait_for_timeout(400)
            problems += screenshots(page, rel)
        if page.query_selector(".du-explorer"):  # latent-space explorers (T2's browser_features)
            from tools.browser_features import check_explorers

            problems += check_explorers(page, f"{base}/{rel}")  # reloads the page
        problems = [e for e in errors] + problems
        return problems, "; ".join(summary)
    finally:
        context.close()


def content_problems(page, url: str) -> list[str]:
    stats = page.evaluate(STATS_JS)
    problems = []
    if stats["maths"] and not stats["mathjax"]:
        problems.append("MathJax did not load")
    if stats["maths"] and stats["typeset"] == 0:
        problems.append("no typeset maths (no mjx-container elements)")
    if stats["texErrors"]:
        problems.append(f"{stats['texErrors']} TeX error(s) in typeset maths")
    if stats["rawMath"]:
        problems.append(f"{stats['rawMath']} maths element(s) left untypeset")
    if stats["broken"]:
        problems.append(f"{len(stats['broken'])} image(s) failed to load: {stats['broken'][:5]}")
    if page.evaluate("""() => {  // outside code cells' source and inline code
        const body = document.body.cloneNode(true);
        body.querySelectorAll('div.cell_input, p code, li code').forEach(e => e.remove());
        return body.textContent.includes('| --- |'); }"""):
        problems.append("a Markdown table was left as raw text (not rendered)")
    if "/chapters/" in url and page.query_selector("div.cell"):
        problems += check_notebook_buttons(page, url)
    return problems


def check_notebook_buttons(page, url: str) -> list[str]:
    """Download and launch buttons of a notebook chapter, and the hidden Colab cell."""
    problems = []
    stem = url.rsplit("/", 1)[-1][:-len(".html")]
    links = page.evaluate("() => Array.from(document.querySelectorAll('a')).map("
                          "a => ({href: a.href, download: a.hasAttribute('download')}))")
    download = [a for a in links if a["href"].endswith(f"_sources/chapters/{stem}.ipynb")]
    if not download:
        problems.append("no download button for the notebook (.ipynb)")
    else:
        if page.request.get(download[0]["href"]).status != 200:
            problems.append(f"the notebook download link {download[0]['href']} does not work")
        if not all(a["download"] for a in download):
            problems.append("the .ipynb download link has no download attribute")
    for name, host in (("Binder", "mybinder.org"), ("Colab", "colab.research.google.com")):
        if not any(host in a["href"] and f"chapters/{stem}.ipynb" in a["href"] for a in links):
            problems.append(f"no {name} launch button for chapters/{stem}.ipynb")
    if "find_spec(\"deep_unsupervised\")" in page.inner_text("body"):
        problems.append("the Colab install cell is visible (it should be tagged remove-cell)")
    return problems


def screenshots(page, rel: str) -> list[str]:
    """Top of the page and its first figure, light and dark theme, at the desktop viewport."""
    problems, stem = [], rel.replace("/", "_").replace(".html", "")
    for theme in ("light", "dark"):
        page.evaluate(f"() => {{ document.documentElement.dataset.mode = '{theme}'; "
                      f"document.documentElement.dataset.theme = '{theme}'; }}")
        page.wait_for_timeout(200)
        background = page.evaluate("() => getComputedStyle(document.body).backgroundColor")
        dark = sum(int(c) for c in re.findall(r"\d+", background)[:3]) < 300
        if dark != (theme == "dark"):
            problems.append(f"[{theme}] the page did not switch to the {theme} theme "
                            f"(background {background})")
        page.evaluate("() => window.scrollTo(0, 0)")
        page.screenshot(path=str(SHOTS / f"{stem}-{theme}.png"))
        figure = page.query_selector("article.bd-article div.cell_output img")
        if figure:
            figure.scroll_into_view_if_needed()
            page.screenshot(path=str(SHOTS / f"{stem}-{theme}-figure.png"))
    return problems


JOBS = 2  # pages checked at once, each thread with its own Playwright and browser


def check_pages(base: str, pages: list[str], results: dict) -> None:
    """Check ``pages`` in order in one browser (one thread's share); fill ``results[rel]``."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:  # Playwright is not thread-safe: one instance per thread
        browser = pw.chromium.launch(executable_path=find_chromium(), args=CHROMIUM_ARGS)
        try:
            for rel in pages:
                results[rel] = check_page(browser, base, rel)
                problems, summary = results[rel]
                lines = [f"{'ok  ' if not problems else 'FAIL'} {rel}: {summary}"]
                print("\n".join(lines + [f"      {p}" for p in problems]), flush=True)
        finally:
            browser.close()


def main(pages: list[str], jobs: int = JOBS) -> int:
    if not (HTML / "index.html").exists():
        raise SystemExit(f"{HTML / 'index.html'} not found: build the book first (make book)")
    from deep_unsupervised.book import plotting

    if (plotting.SMALLEST_FONT_PT, plotting.DPI) != (SMALLEST_FONT_PT, DPI):
        raise SystemExit("browser_check.py: SMALLEST_FONT_PT and DPI differ from plotting.py's")
    SHOTS.mkdir(parents=True, exist_ok=True)
    server, port = serve(HTML)
    base, start, results = f"http://127.0.0.1:{port}", time.perf_counter(), {}
    # Much of a page's check is waiting (loading, typesetting, the pause after a resize), so two
    # browsers side by side take little more than half the time of one. Pages are dealt out in
    # turn; a thread that raises fails the check.
    shares = [pages[i::jobs] for i in range(jobs)]
    errors: list[BaseException] = []

    def run(share):
        try:
            check_pages(base, share, results)
        except BaseException as error:  # re-raised below, in the main thread
            errors.append(error)

    threads = [threading.Thread(target=run, args=(share,)) for share in shares if share]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        server.shutdown()
    if errors:
        raise errors[0]
    failed = [rel for rel in pages if results[rel][0]]
    weights = {rel: results[rel][1] for rel in pages}
    (SHOTS / "summary.json").write_text(json.dumps(weights, indent=1) + "\n")
    print(f"browser check: {len(pages)} pages x {len(VIEWPORTS)} viewports, {len(threads)} at a "
          f"time, in {time.perf_counter() - start:.0f} s; screenshots in {SHOTS}/")
    if failed:
        print(f"{len(failed)} page(s) failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:] or default_pages()))
