"""Headless-browser checks of the book's reader features: latent-space explorers and slide decks.

Each check takes a Playwright page and a URL and returns a list of problems (empty when all is
well), so that ``tools/browser_check.py`` can call it on the pages it opens. On its own:

    python tools/browser_features.py explorers [PAGE.html ...]   # default: pages with explorers
    python tools/browser_features.py slides [DECK.slides.html]   # default: the first deck
    python tools/browser_features.py slides --all                # every deck

Pages are served from _build/html, decks from _build/slides (``make slides``).
"""

from __future__ import annotations

import sys

from tools.browser_check import CHROMIUM_ARGS, ROOT, find_chromium, serve
from tools.browser_check import HTML  # (BOOK_HTML=dir: another built book)
SLIDES = ROOT / "_build" / "slides"


def _shot(locator) -> bytes:
    return locator.screenshot(animations="disabled")


def check_explorers(page, url: str, expect: bool = False) -> list[str]:
    """Move the pointer over each code plane and a slider of each traversal: the image changes.

    ``expect``: fail when the page has no explorer (for pages known to hold one).
    """
    page.goto(url, wait_until="load")
    problems = []
    roots = page.locator(".du-explorer")
    if roots.count() == 0:
        return ["no latent-space explorer on the page"] if expect else []
    for k in range(roots.count()):
        root = roots.nth(k)
        root.scroll_into_view_if_needed()
        kind = "plane" if "du-plane" in (root.get_attribute("class") or "") else "traversal"
        if kind == "plane":
            image, canvas = root.locator(".du-x-img"), root.locator("canvas")
            box = canvas.bounding_box()
            if not box or box["width"] < 50:
                problems.append(f"explorer {k}: the code plane is not shown")
                continue
            page.mouse.move(box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.5)
            before, text = _shot(image), root.locator(".du-x-read").inner_text()
            page.mouse.move(box["x"] + box["width"] * 0.1, box["y"] + box["height"] * 0.9,
                            steps=4)
            after, text_after = _shot(image), root.locator(".du-x-read").inner_text()
            what = f"moving the pointer ({text!r} -> {text_after!r})"
        else:
            slider = root.locator("input[type=range]").first
            if slider.count() == 0:
                problems.append(f"explorer {k}: no slider (did its script run?)")
                continue
            image = root.locator(".du-x-img").first
            before = _shot(image)
            slider.focus()
            page.keyboard.press("End")
            after, what = _shot(image), "moving the first slider to its end"
        if before == after:
            problems.append(f"explorer {k} ({kind}): the image did not change on {what}")
        else:
            print(f"  {url}: explorer {k} ({kind}) responds to {what}")
    return problems


# One slide of a deck, as the audience sees it: what on it is machinery or too small.
SLIDE_AUDIT_JS = r"""(minShare) => {
  const slide = Reveal.getCurrentSlide(), cfg = Reveal.getConfig();
  const text = slide.innerText;
  const found = [];
  if (/Scale: \w+ \(/.test(text)) found.push('the scale banner');
  if (/[█━■▇]{3,}|\bepoch \d+\/\d+/i.test(text)) found.push('a training progress bar');
  if (/✓|✗/.test(text)) found.push('a self-check line');
  const rest = slide.cloneNode(true);
  rest.querySelectorAll('h1, h2, h3, h4, h5, h6, aside.notes, style, script').forEach(e => e.remove());
  const media = 'img, svg, canvas, table, pre, mjx-container, iframe, video, .du-explorer';
  if (slide.querySelector('h1, h2, h3, h4, h5, h6') && !rest.textContent.trim() &&
      !rest.querySelector(media)) found.push('only a title');
  for (const img of slide.querySelectorAll('.jp-RenderedImage img')) {
    if (!img.naturalWidth) { found.push('a figure that did not load'); continue; }
    // the drawn picture inside its box (object-fit: contain), in the slide's own pixels
    const k = Math.min(img.offsetWidth / img.naturalWidth, img.offsetHeight / img.naturalHeight);
    const w = img.naturalWidth * k, h = img.naturalHeight * k;
    if (h < minShare * cfg.height && w < 0.9 * cfg.width)
      found.push(`a small figure (${Math.round(w)}×${Math.round(h)} px on a ` +
                 `${cfg.width}×${cfg.height} slide)`);
  }
  return found;
}"""


def check_slides(page, url: str, min_slides: int = 3, min_share: float = 0.5) -> list[str]:
    """Open a reveal.js deck, confirm that the right arrow advances it, then visit every slide.

    Each slide fails on: the scale banner, a training progress bar (or reveal.js's own), a
    self-check line ("✓ ... correct"), a title with nothing under it, and a figure drawn smaller
    than ``min_share`` of the slide's height unless it spans the slide's width (a wide figure
    cannot be taller without being cut).
    """
    page.goto(url, wait_until="load")
    try:
        page.wait_for_function("() => window.Reveal && Reveal.isReady && Reveal.isReady()",
                               timeout=20000)
    except Exception:  # noqa: BLE001  (Playwright's TimeoutError: the deck never started)
        return ["reveal.js did not start (are its assets reachable?)"]
    total = page.evaluate("() => Reveal.getTotalSlides()")
    if total < min_slides:
        return [f"the deck has {total} slides, expected at least {min_slides}"]
    seen = [page.evaluate("() => Reveal.getIndices()")]
    page.locator(".reveal").click()
    for _ in range(min(total, 6)):
        page.keyboard.press("ArrowRight")
        page.wait_for_timeout(150)
        seen.append(page.evaluate("() => Reveal.getIndices()"))
    distinct = {(s["h"], s.get("v", 0), s.get("f", -1)) for s in seen}
    if len(distinct) < 2:
        return [f"the deck did not advance on the right arrow (stayed at {seen[0]})"]
    problems = []
    if page.evaluate("() => { const bar = document.querySelector('.reveal .progress');"
                     " return !!bar && bar.offsetHeight > 0; }"):
        problems.append("reveal.js's progress bar is shown")
    for k in range(total):
        page.evaluate("(k) => { const i = Reveal.getIndices(Reveal.getSlides()[k]);"
                      " Reveal.slide(i.h, i.v); }", k)
        page.wait_for_timeout(30)
        for found in page.evaluate(SLIDE_AUDIT_JS, min_share):
            problems.append(f"slide {k + 1}: {found}")
    maths = page.evaluate("() => document.querySelectorAll('mjx-container, .MathJax').length")
    print(f"  {url}: {total} slides, advanced through {len(distinct)} positions, "
          f"{maths} typeset formulas, {len(problems)} slide problems")
    return problems


def _default_explorer_pages() -> list[str]:
    pages = sorted(p for p in HTML.rglob("*.html") if "du-explorer" in p.read_text(errors="ignore"))
    return [str(p.relative_to(HTML)) for p in pages]


def main(argv: list[str]) -> int:
    from playwright.sync_api import sync_playwright

    mode, pages = (argv[0] if argv else "explorers"), argv[1:]
    if mode not in ("explorers", "slides"):
        raise SystemExit(__doc__)
    base = HTML if mode == "explorers" else SLIDES
    if mode == "explorers" and not pages:
        pages = _default_explorer_pages()
        if not pages:
            print(f"no page under {base} contains an explorer: nothing to check")
            return 0
    elif mode == "slides":
        decks = sorted(p.name for p in SLIDES.glob("*.slides.html"))
        pages = decks if pages == ["--all"] else pages or decks[:1]
    if not pages:
        raise SystemExit(f"nothing to check under {base}: build it first")
    server, port = serve(base)
    failures = 0
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=find_chromium(), args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            check = check_explorers if mode == "explorers" else check_slides
            for rel in pages:
                kwargs = {"expect": True} if mode == "explorers" else {}
                for p in check(page, f"http://127.0.0.1:{port}/{rel}", **kwargs):
                    print(f"  FAIL {rel}: {p}")
                    failures += 1
            browser.close()
    finally:
        server.shutdown()
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
