"""PCA and the lecture's autoencoders (linear, deep, deeper, convolutional); the 2-D spiral AE.

The MNIST entries run the recipes of chapters/autoencoders.ipynb
(``deep_unsupervised.recipes.autoencoders``): the chapter and the benchmark share one source.
"""

from __future__ import annotations

from .common import recipe_entry

recipe_entry("pca-32", primary="cross_entropy", direction="lower",
             params=lambda pca: pca.W.size + pca.mean.size)
recipe_entry("linear-ae", primary="cross_entropy", direction="lower")
recipe_entry("deep-ae", primary="cross_entropy", direction="lower")
recipe_entry("deeper-ae", primary="cross_entropy", direction="lower")
recipe_entry("conv-ae", primary="cross_entropy", direction="lower")

# chapters/pca.ipynb, "Beyond linear": the recipe lives in recipes/pca.py.
recipe_entry("spiral-ae", primary="squared_error", direction="lower")
