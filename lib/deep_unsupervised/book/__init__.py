"""Book production: what makes the chapters' pages, built on the models and maths one level up.

    recipes     one recipe per experiment: settings (ci and full scale), data and training
    plotting    the book's style, image grids, training curves, 2-D scatter plots
    diagrams    the schematic figures of every model, drawn with Matplotlib
    explorer    kernel-free latent-space explorers (HTML + JavaScript, static fallback)
    selfcheck   exercise answers checked with helpful messages

Submodules load on first use (``du.book.recipes``), like the package's own.
"""

from __future__ import annotations

import importlib
import pkgutil

SUBMODULES = tuple(sorted(info.name for info in pkgutil.iter_modules(__path__)))
__all__ = list(SUBMODULES)


def __getattr__(name: str):
    if name in SUBMODULES:
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(__all__))
