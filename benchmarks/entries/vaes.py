"""Variational autoencoders on binarised digits (chapters/vae.ipynb).

The settings, training and evaluation are the recipes ``vae-2`` and ``vae-16`` of
``deep_unsupervised.recipes.vae``, the same the chapter runs (the beta-VAE lives in its own file).
"""

from __future__ import annotations

from .common import recipe_entry

recipe_entry("vae-2", primary="neg_elbo", direction="lower")
recipe_entry("vae-16", primary="neg_elbo", direction="lower")
