"""Published reference recipes whose results the book's asserts quote as quality targets.

F. Chollet, "Building Autoencoders in Keras" (2016), three autoencoders, and F. Chollet,
"Variational AutoEncoder", keras.io (2020). Their settings and training are the recipes of
``deep_unsupervised.recipes.references``; they train on the data the loader finds (22,699
training digits in the offline copy, 60,000 officially).
"""

from __future__ import annotations

from .common import recipe_entry

for _name in ("chollet-simple-ae", "chollet-deep-ae", "chollet-conv-ae"):
    recipe_entry(_name, primary="cross_entropy", direction="lower", kind="reference")
recipe_entry("keras-io-vae", primary="neg_elbo", direction="lower", kind="reference")
