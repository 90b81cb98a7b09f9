#!/usr/bin/env bash
# Every test of the book, each step timed. Runs all steps, then exits non-zero if any failed.
# Usage: bash tools/test_all.sh PYTHON
set -u
PY=${1:-.venv/bin/python}
BIN=$(dirname "$PY")
failed=()
timings=()

step() {  # step NAME COMMAND...
  local name=$1; shift
  local start=$SECONDS
  echo "=== ${name}"
  "$@"
  local rc=$?
  echo "=== ${name}: $([ $rc = 0 ] && echo ok || echo "FAILED (exit $rc)") in $((SECONDS - start)) s"
  timings+=("$(printf '%5d s  %s' $((SECONDS - start)) "$name")")
  [ $rc = 0 ] || failed+=("$name")
}

step "lint (ruff check)" "$BIN/ruff" check lib tools tests benchmarks
step "GitHub workflow against its schema" "$BIN/check-jsonschema" --builtin-schema vendor.github-workflows .github/workflows/book.yml
# pytest exits 5 when it collected no test: that is a failure here, like any non-zero code.
# nbval's plugin is off here (it re-executes notebooks, a later step), since loading it costs each
# pytest process about a second.
UNIT="-q -p no:cacheprovider -p no:nbval -n 2 --dist worksteal"
step "unit tests (pytest tests/, 2 workers)" "$PY" -m pytest $UNIT tests/
# On Keras's JAX backend, the tests whose outcome the backend can change (marker `backend`, see
# tests/conftest.py): hand-written training steps, gradients, multi-device training, checkpoints.
step "unit tests on the JAX backend (pytest -m backend, 2 workers)" \
  env KERAS_BACKEND=jax "$PY" -m pytest $UNIT -m backend tests/
step "records fresh (make check-records)" "$PY" tools/records.py check
step "notebook hygiene"                  "$PY" tools/notebooks.py check
# Two notebooks at a time: much of a chapter is single-threaded Python (kernel start, plotting,
# small training steps), so two at once keep both cores busy.
step "notebooks re-executed (nbval, 2 at a time)" "$PY" tools/notebooks.py nbval --jobs 2
step "nbgrader assignments (release, autograde)" "$PY" tools/assignments.py check
step "book build (warnings are errors)"  "$BIN/jupyter-book" build . --warningiserror --nitpick --keep-going --quiet
step "built book in headless Chromium (every page, desktop and phone)" "$PY" tools/browser_check.py
step "corrections page up to date"       "$PY" tools/corrections.py --check
# Quick checks of the separate outputs: every chapter's slide deck is built, and one deck advances
# in the browser and passes the per-slide check (no scale banner, training log, self-check line,
# bare title or small figure); the PDF pipeline (Chromium printing and the PDF check) is unit-tested in
# tests/tools/test_pdf.py on a small page, since printing the whole book takes minutes (`make pdf`).
step "slides (make slides, one deck advances and every slide of it passes)" bash -c "make --no-print-directory slides >/dev/null && $PY tools/browser_features.py slides"

echo "=== step times"
printf '%s\n' "${timings[@]}"
if [ ${#failed[@]} -gt 0 ]; then
  echo "FAILED steps: ${failed[*]}"
  exit 1
fi
echo "all test steps passed"
