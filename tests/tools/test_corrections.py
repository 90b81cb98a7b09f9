"""The "Corrections to the lecture" page: the box parser, and that the committed page is current."""

import json
from pathlib import Path

import pytest

from tools import corrections as C

ROOT = Path(__file__).resolve().parents[2]

COLON_BOX = """Text before.

(corr-vae-kl-half)=
:::{admonition} Correction to the lecture: the KL term lacks its factor ½
:class: warning
The slide gives $-D_{KL}$ without the ½.

It is twice the true value: {glue:text}`kl_ratio:.2f` times the closed form.
```python
kl = 0.5 * x   # a code block inside the box
```
:::

After."""

BACKTICK_BOX = """```{admonition} Correction to the lecture
:class: warning
The lecture credits SegNet to "Kendall et al., 2015". That paper is Bayesian SegNet.
```"""


def test_a_labelled_colon_box_with_claim_and_correction():
    (box,) = C.find_boxes(COLON_BOX, "chapters/vae.ipynb")
    assert box.label == "corr-vae-kl-half"
    assert box.title == "the KL term lacks its factor ½"
    assert box.body.endswith("```") and "kl = 0.5 * x" in box.body  # inner fence kept
    claim, correction = C.split_claim(box)
    assert claim == "The slide gives $-D_{KL}$ without the ½."
    assert correction.startswith("It is twice")
    text = C.entry(box, Path("chapters/vae.ipynb"))
    assert "### the KL term lacks its factor ½" in text
    assert "{ref}`Read it in the chapter <corr-vae-kl-half>`" in text
    assert "{glue:text}`vae.ipynb::kl_ratio:.2f`" in text  # glue points at the chapter


def test_an_unlabelled_backtick_box_links_to_its_chapter():
    (box,) = C.find_boxes("Intro.\n\n" + BACKTICK_BOX, "chapters/denoising_autoencoders.ipynb")
    assert box.label is None and box.title == ""
    claim, correction = C.split_claim(box)
    assert claim.endswith('"Kendall et al., 2015".') and correction.startswith("That paper")
    text = C.entry(box, Path("chapters/denoising_autoencoders.ipynb"))
    assert "{doc}`Read it in the chapter <denoising_autoencoders>`" in text


def test_other_admonitions_are_ignored_and_an_unclosed_box_is_an_error():
    assert C.find_boxes(":::{admonition} Note\nText\n:::", "x.md") == []
    with pytest.raises(ValueError, match="never closed"):
        C.find_boxes(":::{admonition} Correction to the lecture: x\nText\n", "x.md")


def _book(tmp_path, cells):
    nb = {"cells": [{"cell_type": "markdown", "metadata": {}, "source": c} for c in cells],
          "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    (tmp_path / "chapters").mkdir()
    (tmp_path / "chapters" / "vae.ipynb").write_text(json.dumps(nb))
    (tmp_path / "index.md").write_text("# Start\n")
    (tmp_path / "_toc.yml").write_text("root: index\nchapters:\n  - file: chapters/vae\n")
    return tmp_path


def test_render_is_idempotent_and_lists_every_box(tmp_path):
    root = _book(tmp_path, ["# Variational autoencoders\n\n" + COLON_BOX, BACKTICK_BOX])
    page = C.render(root)
    assert page == C.render(root)
    assert "## Variational autoencoders" in page and page.count("\n### ") == 2
    assert "There are 2 in 1 chapters" in page


def test_a_label_used_twice_is_an_error(tmp_path):
    root = _book(tmp_path, [COLON_BOX, COLON_BOX])
    with pytest.raises(ValueError, match="used in"):
        C.render(root)


def test_the_committed_page_lists_every_box_in_the_book():
    """Fails when a chapter's box is missing from chapters/corrections.md: run the tool."""
    page = C.PAGE.read_text()
    missing = [b.key for _, boxes in C.collect() for b in boxes
               if C.entry(b, ROOT / b.path).split("\n", 1)[1] not in page
               or (b.label and f"<{b.label}>" not in page)]
    assert not missing, f"run `python tools/corrections.py`: missing {missing}"
    assert page == C.render(), "chapters/corrections.md is stale: run `python tools/corrections.py`"


def test_the_page_is_in_the_table_of_contents():
    assert C.PAGE in C.toc_files()


def test_glue_is_pointed_at_the_chapter_with_a_format():
    text = "{glue:text}`a:.2f`, {glue:text}`b`, {glue:}`c`, {glue}`d`, {glue:text}`x.ipynb::e:.1f`"
    assert C.repoint_glue(text, "vae.ipynb") == (
        "{glue:text}`vae.ipynb::a:.2f`, {glue:text}`vae.ipynb::b:s`, {glue:}`vae.ipynb::c`, "
        "{glue}`vae.ipynb::d`, {glue:text}`x.ipynb::e:.1f`")


def test_glue_that_cannot_move_pages_is_an_error():
    box = C.Box("chapters/vae.ipynb", "corr-vae-x", "x", "Claim.\n\nSee {glue:md}`table`.")
    with pytest.raises(ValueError, match="glue:text"):
        C.entry(box, Path("chapters/vae.ipynb"))
