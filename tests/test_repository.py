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
