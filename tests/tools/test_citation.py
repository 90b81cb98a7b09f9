"""CITATION.cff parses and names the book, its authors, licence and repository; LICENSE agrees."""

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def _cff() -> dict:
    return yaml.safe_load((ROOT / "CITATION.cff").read_text())


def test_citation_file_has_the_fields_that_matter():
    cff, config = _cff(), yaml.safe_load((ROOT / "_config.yml").read_text())
    assert re.fullmatch(r"1\.2\.\d+", cff["cff-version"])
    assert cff["type"] in ("software", "dataset")
    assert cff["title"] == config["title"]
    assert cff["message"]
    authors = cff["authors"]
    assert authors and all(a.get("name") or a.get("family-names") for a in authors)
    assert cff["repository-code"] == config["repository"]["url"]
    assert cff["license"] == "CC-BY-SA-4.0"  # SPDX identifiers, as CFF requires
    (code,) = [r for r in cff["references"] if r.get("license") == "MIT"]
    assert code["repository-code"] == config["repository"]["url"]
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(cff["date-released"]))


def test_licence_names_both_licences_and_why():
    text = (ROOT / "LICENSE").read_text()
    for needle in ("CC BY-SA 4.0", "MIT", "Permission is hereby granted", "CC BY-SA 3.0", "MNIST"):
        assert needle in text, needle


def test_the_about_page_states_the_licence():
    about = (ROOT / "chapters" / "about.md").read_text()
    assert "CC BY-SA 4.0" in about and "MIT" in about
