#!/usr/bin/env bash
# Every test of the book, each step timed. Runs all steps, then exits non-zero if any failed.
# Usage: bash tools/test_all.sh PYTHON
set -u
PY=${1:-.venv/bin/python}
BIN=$(dirname "$PY")
failed=()

step() {  # step NAME COMMAND...
  local name=$1; shift
  local start=$SECONDS
  echo "=== ${name}"
  "$@"
  local rc=$?
  echo "=== ${name}: $([ $rc = 0 ] && echo ok || echo "FAILED (exit $rc)") in $((SECONDS - start)) s"
  [ $rc = 0 ] || failed+=("$name")
}

# pytest exits 5 when it collected no test: that is a failure here, like any non-zero code.
step "unit tests (pytest tests/)"       "$PY" -m pytest -q -p no:cacheprovider tests/
step "notebook hygiene"                  "$PY" tools/notebooks.py check
step "notebooks re-executed (nbval)"     "$PY" tools/notebooks.py nbval
step "nbgrader assignments (release, autograde)" "$PY" tools/assignments.py check
step "book build (warnings are errors)"  "$BIN/jupyter-book" build . --warningiserror --nitpick --keep-going --quiet
step "built book in headless Chromium"   "$PY" tools/browser_check.py

if [ ${#failed[@]} -gt 0 ]; then
  echo "FAILED steps: ${failed[*]}"
  exit 1
fi
echo "all test steps passed"
