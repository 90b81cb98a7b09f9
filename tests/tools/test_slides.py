"""tools/slides.py: the rules that put a chapter's cells on slides, and MyST turned into Markdown."""

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_output

from tools import slides as S

ROOT = Path(__file__).resolve().parents[2]

BIB = {"kingma2014auto": ("Kingma & Welling", "2014")}
TITLES = {"vae": "Variational autoencoders"}


def _types(nb):
    return [(c.cell_type, c.metadata.get("slideshow", {}).get("slide_type")) for c in nb.cells]


def _figure_cell(tags=None):
    cell = new_code_cell("plt.plot(x)", outputs=[new_output("display_data", data={
        "image/png": "iVBORw0KGgo=", "text/plain": "<Figure>"})])
    if tags:
        cell.metadata["tags"] = tags
    return cell


def test_headings_start_slides_and_prose_goes_to_the_notes():
    cells = S.markdown_cells("## The ELBO\n\nSome prose that explains.\n\n$$\nx = 1\n$$\n\n"
                             "- a takeaway\n- another\n\n### A detail\n\nMore prose.", str)
    assert [(c.source.splitlines()[0], c.metadata["slideshow"]["slide_type"]) for c in cells] == [
        ("## The ELBO", "slide"), ("Some prose that explains.", "notes"),
        ("### A detail", "subslide"), ("More prose.", "notes")]
    assert "$$\nx = 1\n$$" in cells[0].source and "- a takeaway" in cells[0].source


def test_directives_exercises_corrections_and_solutions():
    text = (":::{admonition} Correction to the lecture: a missing ½\n:class: warning\nBody.\n:::\n\n"
            ":::{exercise}\n:label: ex-1\nShow that $x = 1$.\n:::\n\n"
            ":::{solution} ex-1\n:class: dropdown\nSecret.\n:::")
    cells = S.markdown_cells("## Exercises\n\n" + text, str)
    sources = " | ".join(c.source for c in cells)
    assert "> **Correction to the lecture: a missing ½**" in sources
    assert "**Exercise.** Show that $x = 1$." in sources and "Secret" not in sources
    assert cells[-1].metadata["slideshow"]["slide_type"] == "subslide"  # one slide per exercise


def test_code_cells_figures_results_and_plumbing():
    assert S.code_slide_type(_figure_cell()) == "subslide"
    printed = new_code_cell("print(acc)", outputs=[new_output("stream", text="accuracy 0.97\n")])
    assert S.code_slide_type(printed) == "-"
    log = new_code_cell("fit()", outputs=[new_output("stream", text="epoch\n" * 50)])
    assert S.code_slide_type(log) == "skip"
    assert S.code_slide_type(new_code_cell("import numpy as np")) == "skip"
    assert S.code_slide_type(_figure_cell(["remove-input"])) == "skip"  # assertion cells


def test_tags_override_the_rules_and_the_colab_cell_is_dropped():
    colab = new_code_cell("pip install", outputs=[new_output("stream", text="ok\n")])
    colab.metadata["tags"] = ["remove-cell", "colab-install"]
    forced = new_code_cell("import numpy as np")
    forced.metadata["tags"] = ["slide"]
    quiet = _figure_cell(["skip"])
    note = new_markdown_cell("Just say it.")
    note.metadata["tags"] = ["notes"]
    nb = nbformat.v4.new_notebook(cells=[colab, forced, quiet, note, _figure_cell()])
    assert _types(S.slide_notebook(nb, TITLES, BIB)) == [
        ("code", "slide"), ("code", "skip"), ("markdown", "notes"), ("code", "subslide")]


def test_myst_roles_become_plain_markdown():
    glued = {"kl": "0.123456", "name": "'β-VAE'"}
    text = ("KL {glue:text}`kl:.3f` of the {glue:}`name`, see {cite:t}`kingma2014auto` and "
            "{cite:p}`kingma2014auto`; {doc}`vae`, {ref}`the box <corr-vae-kl>`, {numref}`fig-x`.")
    assert S.plain_markdown(text, glued, BIB, TITLES) == (
        "KL 0.123 of the β-VAE, see Kingma & Welling (2014) and (Kingma & Welling, 2014); "
        "Variational autoencoders, the box, the figure.")


def test_glue_values_are_read_from_the_notebook():
    out = new_output("display_data", data={"application/papermill.record/text/plain": "0.5"},
                     metadata={"scrapbook": {"name": "x",
                                             "mime_prefix": "application/papermill.record/"}})
    nb = nbformat.v4.new_notebook(cells=[new_code_cell("glue('x', 0.5)", outputs=[out])])
    assert S.glue_values(nb) == {"x": "0.5"}


def test_machinery_is_cut_from_printed_outputs():
    banner = ("Scale: ci (the chapter's settings, a few minutes on a laptop CPU). Set BOOK_SCALE=full\n"
              "before starting the kernel for the paper's settings. Keras backend: tensorflow.\n")
    assert S.clean_output_text(banner + "accuracy 0.97\n") == "accuracy 0.97\n"
    assert S.clean_output_text("✓ one layer: correct.\nMSE 0.1\n") == "MSE 0.1\n"
    assert S.clean_output_text("m = 2: ██████████ epoch 20/20 [39.6s]\n  kl 6.1  loss 144\n") == ""
    log = new_output("display_data", data={"text/html": "<pre style='margin:0'>m = 2: ███████ "
                                                         "epoch 2/2 [1s]\n kl 6</pre>"})
    check = new_code_cell("check()", outputs=[new_output("stream", text="✓ shapes: correct.\n")])
    assert S.code_slide_type(check) == "skip"
    figure = _figure_cell()
    figure.outputs.insert(0, log)
    assert S.clean_outputs(figure.outputs) == figure.outputs[1:]


def test_a_slide_that_is_only_a_title_takes_the_next_slides_content():
    nb = nbformat.v4.new_notebook(cells=[
        new_markdown_cell("# Variational autoencoders\n\nProse for the notes."),
        new_markdown_cell("## The ELBO\n\n$$\nx = 1\n$$"), _figure_cell(),
        new_markdown_cell("## Only a heading"), _figure_cell()])
    kinds = [c.metadata["slideshow"]["slide_type"] for c in S.slide_notebook(nb, TITLES, BIB).cells]
    # title (+ notes), then the ELBO joins the title's slide; its figure is a sub-slide; the
    # bare heading takes the figure after it.
    assert kinds == ["slide", "notes", "-", "subslide", "slide", "-"]
