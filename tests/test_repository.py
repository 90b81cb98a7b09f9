"""The repository's set-up files: pinned requirements for Binder, and the notebooks' Colab cells."""

import re
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
from notebooks import colab_cell_source, is_colab_cell, toc_notebooks  # noqa: E402


def requirement_lines():
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        line = line.split("#")[0].strip()
        if line:
            yield line


def test_every_requirement_is_pinned_or_the_local_package():
    for line in requirement_lines():
        spec = line.split(";")[0].strip()
        assert spec == "-e ./lib" or re.fullmatch(r"[A-Za-z0-9_.\-\[\]]+==[0-9][0-9A-Za-z.+\-]*", spec), line


def test_binder_runtime_names_a_python_version():
    assert re.fullmatch(r"python-3\.\d+\s*", (ROOT / "runtime.txt").read_text())
    # repo2docker ignores the top-level files when a binder/ folder exists
    assert not (ROOT / "binder").exists() and not (ROOT / ".binder").exists()


def test_imported_third_party_packages_are_pinned():
    pinned = {re.split(r"[=;]", line)[0].strip().lower() for line in requirement_lines()}
    for module, package in [("numpy", "numpy"), ("keras", "keras"), ("matplotlib", "matplotlib"),
                            ("scipy", "scipy"), ("sklearn", "scikit-learn"), ("IPython", "ipython"),
                            ("nbformat", "nbformat"), ("yaml", "pyyaml")]:
        assert package in pinned, f"{module} is imported by the book but {package} is not pinned"


@pytest.mark.parametrize("path", toc_notebooks(), ids=lambda p: p.stem)
def test_notebook_starts_with_the_hidden_colab_cell(path):
    first = nbformat.read(path, as_version=4).cells[0]
    assert is_colab_cell(first) and "remove-cell" in first.metadata["tags"]
    assert first.source == colab_cell_source()


def test_colab_cell_follows_the_repository_setting():
    import yaml

    repo = yaml.safe_load((ROOT / "_config.yml").read_text())["repository"]
    source = colab_cell_source()
    assert f"git+{repo['url'].removesuffix('.git')}.git@{repo['branch']}#subdirectory=lib" in source
    compile(source, "colab-cell", "exec")  # valid Python


# --- hygiene rules (tools/hygiene.py, tools/prose_numbers.py) and the HTML extension ----------

import hygiene  # noqa: E402
import prose_numbers  # noqa: E402


def _flagged(markdown):
    return [token for token, _ in prose_numbers.measured_numbers(markdown)]


def test_measured_numbers_in_prose_are_flagged():
    assert _flagged("The code scores 0.889 against 0.886 for pixels.") == ["0.889", "0.886"]
    assert _flagged("It took 95 nats, 12 min and 3.5 s; 70 % of 22,699 digits; 220K weights; 2× faster.") \
        == ["95 nats", "12 min", "3.5 s", "70 %", "22,699", "220K", "2×"]


def test_constants_references_and_marked_up_numbers_pass():
    text = """We use 10,000 test digits, 32 units and 10 epochs (Kingma and Welling, 2014).
See section 14.2 of the book, eq. (3.1), Keras 3.2.2, arXiv 1312.6114, CC BY-SA 3.0.
Maths $\\sigma = 0.5$ and $$x = 0.25$$, code `lr=0.001`, {glue:text}`acc:.3f`, {cite:p}`x2014`,
a learning rate of 0.001, dropout rate 0.5, thresholded at 0.5, a $4 \\times 4$ map, 4×4 maps,
[link 0.5](https://example.org/0.5), budget ≤ 3 min, under 2 GB, 4s and 9s look alike.
```python
x = 0.889
```
:::{exercise} Exercise 0.5
:label: ex-x
:::
"""
    assert _flagged(text) == []


def test_admonition_titles_are_prose_but_exercise_titles_are_not():
    assert _flagged("```{admonition} Why 0.93\n:class: note\nText.\n```\n") == ["0.93"]
    assert _flagged(":::{exercise} Reach 0.93\n:label: ex\nText.\n:::\n") == []


def test_allowlist_entries_have_reasons_and_apply_per_page():
    allow = prose_numbers.load_allowlist()
    for page, entries in allow.items():
        assert all(reason.strip() for reason in entries.values()), page
    text = "The lecture kept 267,021 images."
    assert prose_numbers.unglued(text, "beta_vae", allow) == []
    assert prose_numbers.unglued(text, "vae", allow)


def test_assert_only_cells_are_recognised():
    assert hygiene.is_assert_only("# check\nassert a < b, (a, b)\nglue('x', 1, display=False)")
    assert not hygiene.is_assert_only("assert a < b\nprint(a)")
    assert not hygiene.is_assert_only("glue('x', 1)")
    assert not hygiene.is_assert_only("%timeit f(")  # not Python


def _code_cell(source="x", outputs=(), **metadata):
    import nbformat

    return nbformat.v4.new_code_cell(source, outputs=list(outputs), metadata=metadata)


def test_output_rules_find_paths_repeats_and_missing_alt_text():
    import nbformat

    stream = nbformat.v4.new_output("stream", name="stdout", text="✓ ok: correct.\n")
    result = nbformat.v4.new_output("execute_result", data={"text/plain": "'✓ ok: correct.'"},
                                    execution_count=1)
    path = nbformat.v4.new_output("stream", name="stdout", text="source='/work/shared/datasets'")
    image = nbformat.v4.new_output("display_data", data={"image/png": "iVBOR", "text/plain": "<Figure>"})
    rules = lambda cell: {p.rule for rule in hygiene.CODE_RULES for p in rule(3, cell)}  # noqa: E731
    assert rules(_code_cell(outputs=[stream, result])) == {"printed-twice"}
    assert rules(_code_cell(outputs=[path])) == {"local-path"}
    assert rules(_code_cell(outputs=[image])) == {"alt-text"}
    assert rules(_code_cell(outputs=[image], mystnb={"image": {"alt": "fig.png"}})) == {"alt-text"}
    assert rules(_code_cell(outputs=[image], mystnb={"image": {"alt": "Ten digits in a row"}})) == set()
    assert rules(_code_cell("y = 1  # " + "x" * 90)) == {"line-length"}
    assert rules(_code_cell("assert True")) == {"assert-visible"}
    assert rules(_code_cell("assert True", tags=["remove-input"])) == set()


def test_chapters_print_their_scale_first(tmp_path):
    """tools/hygiene.py rule_scale_banner: a chapter's first visible code cell prints its scale."""
    import nbformat

    colab = _code_cell("pip install", tags=["remove-cell", "colab-install"])
    banner = nbformat.v4.new_output("stream", name="stdout", text="Scale: ci (the chapter's ...)\n")
    good = _code_cell("import deep_unsupervised as du\ndu.setup(seed=0)\n"
                      "print(du.recipes.describe_scale())", outputs=[banner])
    good.execution_count = 1

    def rules(*cells, name="chapters/x.ipynb"):
        path = tmp_path / name
        path.parent.mkdir(exist_ok=True)
        nb = nbformat.v4.new_notebook(cells=list(cells))
        return [(p.cell, p.rule) for p in hygiene.rule_scale_banner(path, nb, is_colab_cell)]

    assert rules(colab, good) == []
    assert rules(colab, _code_cell("import deep_unsupervised as du\ndu.setup(seed=0)"), good) \
        == [(1, "scale-banner")]                                   # printed too late
    assert rules(colab, _code_cell("du.recipes.describe_scale()")) == [(1, "scale-banner")]
    unexecuted = _code_cell(good.source)
    assert rules(colab, unexecuted) == []                          # not executed yet: source only
    silent = _code_cell(good.source)
    silent.execution_count = 1
    assert rules(colab, silent) == [(1, "scale-banner")]           # executed, no banner shown
    assert rules(colab, _code_cell("x = 1"), name="chapters/results.ipynb") == []
    assert rules(colab, _code_cell("x = 1"), name="appendix/x.ipynb") == []
    nb_path = tmp_path / "chapters" / "y.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[colab, _code_cell("x = 1")]), nb_path)
    assert "scale-banner" in {p.rule for p in hygiene.notebook_problems(nb_path, allow={},
                                                                        is_colab=is_colab_cell)}


def test_tidy_tags_assert_only_cells(tmp_path):
    import nbformat

    nb = nbformat.v4.new_notebook(cells=[_code_cell("assert 1", tags=["hide-input"]), _code_cell("x = 1")])
    path = tmp_path / "nb.ipynb"
    nbformat.write(nb, path)
    assert hygiene.tidy(path) == 1 and hygiene.tidy(path) == 0
    cells = nbformat.read(path, as_version=4).cells
    assert cells[0].metadata.tags == ["remove-input"] and "tags" not in cells[1].metadata


def test_nbgrader_markers_are_stripped_from_rendered_solutions():
    import book_html

    source = ("def f(x):\n    ### BEGIN SOLUTION\n    return 2 * x\n    ### END SOLUTION\n"
              "# YOUR CODE HERE\nraise NotImplementedError()\n### BEGIN HIDDEN TESTS\nassert f(1) == 2\n"
              "### END HIDDEN TESTS\n")
    assert book_html.NBGRADER_MARKER.sub("", source) == "def f(x):\n    return 2 * x\nassert f(1) == 2\n"


def test_bibliography_labels_are_author_year():
    from pybtex.database import Entry, Person

    import book_html

    book_html.register_author_year_labels()
    from pybtex.plugin import find_plugin

    style = find_plugin("pybtex.style.labels", "authoryear")()
    entries = [Entry("article", persons={"author": [Person(n) for n in names]}, fields={"year": y})
               for names, y in ((["Kingma, D.", "Welling, M."], "2014"), (["Smith, A."], "2020"),
                                (["Smith, B."], "2020"), (["A, X.", "B, Y.", "C, Z."], "2016"))]
    assert list(style.format_labels(entries)) == ["Kingma and Welling, 2014", "Smith, 2020a",
                                                  "Smith, 2020b", "A et al., 2016"]


def test_mathjax_is_served_from_outside_static():
    """Jupyter Book adds every .js under _static/ to every page: MathJax must not be there."""
    import yaml

    config = yaml.safe_load((ROOT / "_config.yml").read_text())["sphinx"]["config"]
    assert config["html_extra_path"] == ["_mathjax"]
    assert config["mathjax_path"] == "../mathjax/tex-chtml.js"
    assert not list((ROOT / "_static").rglob("mathjax"))
    assert "html_static_path" not in config  # Jupyter Book adds _static itself


def test_shared_kernel_gives_each_notebook_a_clean_namespace(tmp_path):
    """tools/assignments.py autogrades in one kernel: nothing of one notebook reaches the next."""
    import nbformat

    from shared_kernel import SharedKernelExecute, shutdown_shared_kernel

    first = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "import os\nsecret = 42\nprint(os.getpid())")])
    second = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "import os\nprint('secret' in dir(), os.getcwd(), os.getpid())")])
    (tmp_path / "a").mkdir()
    try:
        SharedKernelExecute(timeout=60).preprocess(first, {"metadata": {"path": str(tmp_path)}})
        SharedKernelExecute(timeout=60).preprocess(second, {"metadata": {"path": str(tmp_path / "a")}})
    finally:
        shutdown_shared_kernel()
    pid = first.cells[0].outputs[0].text.strip()
    assert second.cells[0].outputs[0].text.split() == ["False", str(tmp_path / "a"), pid]


def test_glued_numpy_scalars_are_flagged():
    import nbformat

    def glued(text):
        return nbformat.v4.new_output("display_data", data={"application/papermill.record/text/plain": text},
                                      metadata={"scrapbook": {"name": "acc", "mime_prefix": "application/papermill.record/"}})

    assert [p.rule for p in hygiene.rule_glue_values(1, _code_cell(outputs=[glued("np.float64(0.5)")]))] \
        == ["glue-numpy"]
    assert list(hygiene.rule_glue_values(1, _code_cell(outputs=[glued("0.5")]))) == []
