"""The label-budget sweep: is a representation learnt without labels useful with few labels?

Logistic regression on frozen features of 1, 3, 10, 30 and 100 labelled digits per class (three
draws each), for pixels, PCA, the deep autoencoder's code, the denoising autoencoder's code, the
VAE's posterior mean and the DCGAN discriminator's features. Each representation is trained by
its own chapter's recipe; the settings are the recipe ``label-budget``
(``deep_unsupervised.recipes.autoencoders``).
"""

from __future__ import annotations

from .common import recipe_entry

recipe_entry("label-budget", primary="deep-ae@10", direction="higher")
