"""Clustering and classifiers: k-means on PCA codes, the 7-7-4 network, the MLPs and the CNN."""

from __future__ import annotations

from .common import recipe_entry


# chapters/unsupervised_learning.ipynb, "Clustering": k-means on PCA codes (recipe kmeans-pca).
recipe_entry("kmeans-pca", primary="purity", direction="higher",
             params=lambda m: m.pca.W.size + m.pca.mean.size + m.centres.size)

# The classifiers of chapters/neural_networks, convolutional_networks and training_pitfalls: the
# settings, training and evaluation are the recipes' own (deep_unsupervised.recipes).
recipe_entry("four-class-mlp", primary="accuracy", direction="higher")
recipe_entry("mlp", primary="accuracy", direction="higher")
recipe_entry("cnn", primary="accuracy", direction="higher")
recipe_entry("mlp-dropout-500", primary="accuracy", direction="higher")
