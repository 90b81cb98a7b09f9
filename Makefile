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

$(VENV)/.installed: requirements.txt lib/pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

# MathJax 3 from the npm registry, served by the book itself so that maths typesets offline.
mathjax: _static/mathjax/tex-chtml.js

_static/mathjax/tex-chtml.js:
	npm install --silent --no-save --no-audit --no-fund --prefix .cache/mathjax mathjax@$(MATHJAX)
	mkdir -p _static/mathjax
	cp -R .cache/mathjax/node_modules/mathjax/es5/. _static/mathjax/

# Headless Chromium for the browser check: Debian's package when it is missing and we are root.
browser:
	@command -v chromium >/dev/null || command -v chromium-browser >/dev/null || command -v google-chrome >/dev/null \
	  || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null \
	       && (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null); } \
	  || { echo "Chromium is needed for the browser check: install it (Debian: apt-get install chromium)"; exit 1; }

execute: setup
	$(PY) tools/notebooks.py execute $(NOTEBOOKS)

# Every model of the book at its chapter's settings (17 minutes on the two-core build machine); the appendix
# "Results at a glance" renders the file.
benchmarks: setup
	$(PY) benchmarks/run.py --json benchmarks/results.json

# nbgrader: every chapter's Exercises section -> _assignments/release/<chapter>/ (no solutions)
assignments: setup
	$(PY) tools/assignments.py generate

clean:
	rm -rf _build .cache _static/mathjax _assignments
