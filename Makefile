# The book's two commands (see README.md):
#   make book   set up everything, then build the HTML book into _build/html
#   make test   set up everything, then run every test (unit tests, notebook hygiene, nbval,
#               a warnings-as-errors book build and a headless-browser check of the HTML)
# Other targets: setup, execute (re-run notebooks in place, recording their times), benchmarks
# (train every model, write benchmarks/results.json), assignments (nbgrader release), clean.

VENV    ?= .venv
PY      := $(VENV)/bin/python
MATHJAX := 3.2.2
# CI and these build machines keep MNIST in ../shared/datasets; elsewhere the loader downloads it.
BOOK_DATA_DIR ?= $(if $(wildcard ../shared/datasets/mnist),$(abspath ../shared/datasets),)
export BOOK_DATA_DIR

.PHONY: book test setup mathjax browser execute benchmarks assignments clean

book: setup mathjax
	$(VENV)/bin/jupyter-book build . --warningiserror --nitpick --keep-going

test: setup mathjax browser
	bash tools/test_all.sh $(PY)

setup: $(VENV)/.installed

# requirements.txt is the reader's (Binder's) environment; requirements-dev.txt adds the build and
# test tools; requirements-lock.txt pins every package CI tests, including transitive ones.
# uv (from PyPI, at its locked version) installs them: the same versions as pip, in a quarter of
# the time (12 s against 45 s here).
$(VENV)/.installed: requirements.txt requirements-dev.txt requirements-lock.txt lib/pyproject.toml pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -c requirements-lock.txt uv
	UV_LINK_MODE=copy $(VENV)/bin/uv pip install --quiet --python $(PY) \
	  -r requirements-dev.txt -c requirements-lock.txt
	touch $@

# MathJax 3 from the npm registry, served by the book itself so that maths typesets offline.
# Only the one bundle in use (tex-chtml.js) plus what it loads on demand (fonts, TeX extensions,
# the accessibility menu's components) goes to _mathjax/mathjax/, which _config.yml copies to
# _build/html/mathjax/ (html_extra_path). It must not live under _static/: Jupyter Book adds every
# .js file found there to every page.
MATHJAX_PARTS := tex-chtml.js output/chtml/fonts/woff-v2 input/tex/extensions a11y sre ui
mathjax: _mathjax/mathjax/tex-chtml.js

_mathjax/mathjax/tex-chtml.js:
	npm install --silent --no-save --no-audit --no-fund --prefix .cache/mathjax mathjax@$(MATHJAX)
	rm -rf _mathjax _static/mathjax
	for part in $(MATHJAX_PARTS); do mkdir -p _mathjax/mathjax/$$(dirname $$part) && \
	  cp -R .cache/mathjax/node_modules/mathjax/es5/$$part _mathjax/mathjax/$$part || exit 1; done

# Headless Chromium for the browser check: Debian's package when it is missing and we are root.
browser:
	@command -v chromium >/dev/null || command -v chromium-browser >/dev/null || command -v google-chrome >/dev/null \
	  || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null \
	       && (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null); } \
	  || { echo "Chromium is needed for the browser check: install it (Debian: apt-get install chromium)"; exit 1; }

execute: setup
	$(PY) tools/notebooks.py execute $(NOTEBOOKS)

# Every record in benchmarks/*.json (results, backends, full costs, full runs, notebook times)
# still describes what it measured: its hash matches the recipe's settings or the notebook's code,
# or it is marked stale (tools/records.py; `python tools/records.py status` lists them all).
.PHONY: check-records
check-records: setup
	$(PY) tools/records.py check

# Every model of the book at its chapter's settings (a little over an hour on the two-core build machine); the appendix
# "Results at a glance" renders the file.
benchmarks: setup
	$(PY) benchmarks/run.py --json benchmarks/results.json

# nbgrader: every chapter's Exercises section -> _assignments/release/<chapter>/ (no solutions)
assignments: setup
	$(PY) tools/assignments.py generate

# The printable book: Jupyter Book's single-page HTML printed by the headless Chromium of the
# browser check, then checked (pages, chapter titles, typeset maths, images, outline, the title
# page's author, licence and version, no printed shadows or empty code frames, every numbered
# figure): _build/pdf/book.pdf. `python tools/pdf.py --check` re-checks an existing PDF.
.PHONY: pdf slides
pdf: setup mathjax browser
	$(PY) tools/pdf.py

# One reveal.js deck per chapter, from the notebooks as they are (tools/slides.py sets the cells'
# slide types by rules and tags): _build/slides/<chapter>.slides.html. `python
# tools/browser_features.py slides --all` checks every slide of every deck. reveal.js comes from the
# npm registry, like MathJax, and is copied next to the decks, so they work offline.
REVEAL := 5.2.1
slides: setup mathjax .cache/reveal/node_modules/reveal.js/dist/reveal.js
	$(PY) tools/slides.py

.cache/reveal/node_modules/reveal.js/dist/reveal.js:
	npm install --silent --no-save --no-audit --no-fund --prefix .cache/reveal reveal.js@$(REVEAL)

# The handouts: the PDF and the slide decks, then the HTML book again, which publishes them beside
# itself (_build/html/handouts/book.pdf and handouts/slides/) and links them from the home page
# (tools/front_door.py). The GitHub Pages workflow (.github/workflows/book.yml) runs it.
.PHONY: handouts
handouts: pdf slides
	$(VENV)/bin/jupyter-book build . --warningiserror --nitpick --keep-going

clean:
	rm -rf _build .cache _mathjax _static/mathjax _assignments
