// The book's own scripts (Jupyter Book adds every .js file in _static/ to every page).
(function () {
  "use strict";

  // The notebook download link saves the .ipynb instead of opening its JSON (issue 18.11).
  function downloadLinks() {
    document.querySelectorAll('a[href$=".ipynb"]').forEach(function (a) {
      if (a.getAttribute("href").indexOf("_sources/") !== -1 && !a.hasAttribute("download")) {
        a.setAttribute("download", a.getAttribute("href").split("/").pop());
      }
    });
  }

  // Blocks that scroll sideways get .du-scroll (book.css draws a shadow on the edge that has
  // more content); .du-scrolled / .du-at-end follow the scroll position.
  var SCROLLERS = "article pre, article .pst-scrollable-table-container, " +
    "article div.cell_output > div, article mjx-container[display=\"true\"], " +
    "article mjx-container.du-inline-wide";

  function update(el) {
    var scrolls = el.scrollWidth > el.clientWidth + 1;
    el.classList.toggle("du-scroll", scrolls);
    el.classList.toggle("du-scrolled", scrolls && el.scrollLeft > 1);
    el.classList.toggle("du-at-end", scrolls && el.scrollLeft + el.clientWidth >= el.scrollWidth - 1);
  }

  function markScrollers() {
    var article = document.querySelector("article");
    if (!article) return;
    var width = article.clientWidth;
    article.querySelectorAll("mjx-container:not([display])").forEach(function (m) {
      var maths = m.querySelector("mjx-math") || m;  // the formula's own width, even when capped
      m.classList.toggle("du-inline-wide", maths.getBoundingClientRect().width > width);
    });
    document.querySelectorAll(SCROLLERS).forEach(function (el) {
      update(el);
      if (!el.dataset.duScroll) {
        el.dataset.duScroll = "1";
        el.addEventListener("scroll", function () { update(el); }, {passive: true});
      }
    });
  }

  // A click (a tap on a phone) on a figure opens it at its full size; a second one closes it.
  function zoomFigures() {
    document.querySelectorAll("article div.cell_output img, article figure img").forEach(function (img) {
      // Sphinx links a scaled image to its file: open it here instead, on top of the page.
      var link = img.closest("a");
      if (img.closest(".du-explorer") || (link && !link.classList.contains("image-reference"))) return;
      img.addEventListener("click", function (event) {
        event.preventDefault();
        var box = document.createElement("div");
        box.className = "du-zoom";
        box.setAttribute("role", "dialog");
        box.setAttribute("aria-label", "Figure at full size (click or press Escape to close)");
        var big = document.createElement("img");
        big.src = img.currentSrc || img.src;
        big.alt = img.alt;
        big.width = img.naturalWidth / 2 >= img.clientWidth ? img.naturalWidth / 2 : img.naturalWidth;
        var close = document.createElement("button");
        close.textContent = "Close";
        box.appendChild(big);
        box.appendChild(close);
        function done() { box.remove(); document.removeEventListener("keydown", key); }
        function key(e) { if (e.key === "Escape") done(); }
        box.addEventListener("click", done);
        document.addEventListener("keydown", key);
        document.body.appendChild(box);
        close.focus();
      });
    });
  }

  function ready() {
    downloadLinks();
    zoomFigures();
    markScrollers();
    if (window.MathJax && MathJax.startup && MathJax.startup.promise) {
      MathJax.startup.promise.then(markScrollers);
    }
    var timer;
    window.addEventListener("resize", function () {
      clearTimeout(timer);
      timer = setTimeout(markScrollers, 150);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
})();
