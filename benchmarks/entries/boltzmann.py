"""Restricted Boltzmann machines and deep belief networks (chapters/rbm_dbn.ipynb).

The settings, training and evaluation are the recipes' own (deep_unsupervised.recipes.rbm_dbn).
"""

from __future__ import annotations

from .common import recipe_entry

recipe_entry("rbm", primary="cross_entropy", direction="lower")
recipe_entry("dbn-classifier", primary="accuracy", direction="higher",
             epochs=lambda s: s.pretrain_epochs * len(s.hidden_sizes) + s.epochs)
recipe_entry("glorot-mlp-1000", primary="accuracy", direction="higher")
