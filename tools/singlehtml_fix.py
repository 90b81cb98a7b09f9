"""Sphinx extension for the PDF build: let the single-page HTML builder render every node.

Sphinx looks up a builder's node visitors by the builder's name before its format. Because
sphinx-exercise registers visitors under the name ``singlehtml``, that lookup finds them and never
falls back to the ``html`` visitors that every other extension registers (myst-nb's hidden cells,
sphinx-jupyterbook-latex's nodes, ...), so ``jupyter-book build --builder singlehtml`` fails with
"unknown node type". This extension copies the ``html`` visitors to ``singlehtml`` where missing.
``tools/pdf.py`` loads it through ``sphinx.local_extensions`` of a temporary configuration.
"""

from __future__ import annotations


def _share_html_visitors(app) -> None:
    handlers = app.registry.translation_handlers
    if app.builder.name == "singlehtml" and "singlehtml" in handlers:
        for node, visitors in handlers.get("html", {}).items():
            handlers["singlehtml"].setdefault(node, visitors)


def setup(app):
    app.connect("builder-inited", _share_html_visitors, priority=100)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
