"""The generators of chapters/gan_framework.ipynb and chapters/dcgan.ipynb, run from their recipes.

``deep_unsupervised.recipes.gan_framework``: small GANs on 2-D mixtures (modes covered over
three seeds, the protocol of Metz et al., 2017). ``deep_unsupervised.recipes.dcgan``: DCGAN,
WGAN-GP and the VAE baseline (Fréchet distance in the features of a digit classifier), and the
stroke-style CycleGAN (test MSE of the translation).
"""

from __future__ import annotations

from .common import recipe_entry

for _name in ("toy-minimax-ring", "toy-ns-ring", "toy-wgan-gp-ring", "toy-ns-grid",
              "toy-wgan-gp-grid", "toy-wgan-gp-paper-grid"):
    recipe_entry(_name, primary="modes_mean", direction="higher")
recipe_entry("dcgan", primary="frechet_distance", direction="lower")
recipe_entry("wgan-gp", primary="frechet_distance", direction="lower")
recipe_entry("conv-vae-16", primary="frechet_distance", direction="lower")
recipe_entry("cyclegan", primary="mse_ab", direction="lower")
