"""Denoising autoencoders and segmentation (chapters/denoising_autoencoders.ipynb).

Every entry runs a recipe of ``deep_unsupervised.recipes.denoising``, the chapter's own.
"""

from __future__ import annotations

from .common import recipe_entry

recipe_entry("denoising-ae", primary="psnr", direction="higher")
recipe_entry("plain-conv-ae", primary="psnr", direction="higher")
recipe_entry("spiral-dae", primary="distance_after", direction="lower")
recipe_entry("segnet", primary="iou", direction="higher")
