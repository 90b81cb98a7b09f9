"""The benchmark entries: one per trained model of the book, then the reference recipes.

Importing this package fills :data:`REGISTRY` (name -> :class:`~entries.common.Entry`) in the
order of the book's chapters; no TensorFlow is imported until an entry runs.
"""

from . import (classifiers, boltzmann, autoencoders, denoising, vaes, beta_vae,  # noqa: F401
               gans, references, label_budget)
from .common import REGISTRY, Context, Entry, Outcome, as_settings, with_epochs

__all__ = ["REGISTRY", "Context", "Entry", "Outcome", "as_settings", "with_epochs"]
