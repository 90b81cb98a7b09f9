"""Published reference recipes whose results the book compares with (benchmarks, kind "reference").

F. Chollet, "Building Autoencoders in Keras", https://blog.keras.io/building-autoencoders-in-keras.html
(2016): three autoencoders, built here from plain Keras layers as the post writes them; and
F. Chollet, "Variational AutoEncoder", https://keras.io/examples/generative/vae/ (2020), built from
``vae.conv_encoder``/``vae.conv_decoder``, whose defaults are that example's layers.
"""

from __future__ import annotations

import dataclasses

from . import Recipe, Split, register
from .autoencoders import evaluate_reconstruction, load_mnist

_BLOG = "Chollet (2016), https://blog.keras.io/building-autoencoders-in-keras.html"

# Scores of the published recipes that chapters use as quality targets in their assertions:
# benchmark model name -> (metric, value), measured by `benchmarks/run.py` on the book's data with
# the recipes below (the appendix "Results at a glance" checks them against benchmarks/results.json).
REFERENCE_SCORES = {
    # F. Chollet, "Building Autoencoders in Keras" (2016): Adam, 50 epochs, batch 256
    "chollet-deep-ae": ("cross_entropy", 0.0939),
    "chollet-conv-ae": ("cross_entropy", 0.1005),
    # keras.io "Variational AutoEncoder" example: 2-D code, Adam, 30 epochs, batch 128
    "keras-io-vae": ("neg_elbo", 155.8),
}


@dataclasses.dataclass(frozen=True)
class CholletAESettings:
    """One of the blog's autoencoders: ``kind`` is "simple", "deep" or "conv"."""

    kind: str = "simple"
    widths: tuple = (32,)
    loss: str = "binary_crossentropy"
    learning_rate: float = 1e-3  # Adam's default, as the post's compile(optimizer="adam")
    epochs: int = 50
    batch_size: int = 256
    images: bool = False
    n_val: int = 0  # the post monitors all test digits
    seed: int = 0


def _chollet_model(s):
    import keras
    from keras import layers

    if s.kind == "conv":
        x = h = keras.Input((28, 28, 1))
        for f in s.widths:  # 28 -> 14 -> 7 -> 4
            h = layers.Conv2D(f, (3, 3), activation="relu", padding="same")(h)
            h = layers.MaxPooling2D((2, 2), padding="same")(h)
        for i, f in enumerate(s.widths[::-1]):  # 4 -> 8 -> 16 -> (valid conv) 14 -> 28
            padding = "valid" if i == len(s.widths) - 1 else "same"
            h = layers.Conv2D(f, (3, 3), activation="relu", padding=padding)(h)
            h = layers.UpSampling2D((2, 2))(h)
        y = layers.Conv2D(1, (3, 3), activation="sigmoid", padding="same")(h)
        return keras.Model(x, y, name="chollet_conv_ae")
    x = h = keras.Input((784,))
    for units in s.widths + s.widths[-2::-1]:  # deep: 128, 64, 32, then 64, 128
        h = layers.Dense(units, activation="relu")(h)
    return keras.Model(x, layers.Dense(784, activation="sigmoid")(h), name=f"chollet_{s.kind}_ae")


def train_chollet(s, data, *, callbacks=(), label=None):
    """The post's training: Adam, binary cross-entropy, shuffled batches, test digits monitored."""
    import deep_unsupervised as du

    model = _chollet_model(s)
    du.fit(model, data.x_train, data.x_train, epochs=s.epochs, batch_size=s.batch_size,
                 learning_rate=s.learning_rate, loss=s.loss, callbacks=callbacks,
                 validation_data=(data.x_test, data.x_test), label=label or model.name)
    return model


_BLOG_FIT = {"simple": "50 epochs, batches of 256", "deep": "100 epochs, batches of 256",
             "conv": "50 epochs, batches of 128"}


def _chollet(name, description, ci, full):
    source = (f"{_BLOG}, the {full.kind} autoencoder: the post's layers, binary cross-entropy on "
              f"grey-level digits, {_BLOG_FIT[full.kind]}, test digits monitored; 'full' is the "
              "post's fit. The book uses Adam at its default rate and never trains on the test "
              "digits. 'ci' trains every "
              "autoencoder for 50 epochs at batches of 256, the comparison the chapter quotes.")
    return register(Recipe(name=name, chapter="autoencoders", description=description,
                           presets={"ci": ci, "full": full}, trainer=train_chollet,
                           loader=load_mnist, evaluate=evaluate_reconstruction, source=source,
                           target="none: the post quotes no held-out figure the book compares",
                           primary="cross_entropy", direction="lower"))


# The post's "simplest possible autoencoder": Dense(32, relu) -> Dense(784, sigmoid), 50 epochs.
CHOLLET_SIMPLE_AE = _chollet(
    "chollet-simple-ae", "reference: Chollet's blog, single-layer autoencoder; test cross-entropy",
    CholletAESettings(), CholletAESettings())
# The post's deep autoencoder 784-128-64-32-64-128-784; the post trains it for 100 epochs, the
# book's comparison ('ci') uses 50 (as for the other two).
_DEEP = CholletAESettings(kind="deep", widths=(128, 64, 32))
CHOLLET_DEEP_AE = _chollet(
    "chollet-deep-ae", "reference: Chollet's blog, deep autoencoder; test cross-entropy",
    _DEEP, dataclasses.replace(_DEEP, epochs=100))
# The post's convolutional autoencoder (4x4x8 code); the post's batch size is 128, 'ci' uses 256.
_CONV = CholletAESettings(kind="conv", widths=(16, 8, 8), images=True)
CHOLLET_CONV_AE = _chollet(
    "chollet-conv-ae", "reference: Chollet's blog, conv autoencoder; test cross-entropy",
    _CONV, dataclasses.replace(_CONV, batch_size=128))


@dataclasses.dataclass(frozen=True)
class KerasIOVAESettings:
    """keras.io's VAE example: conv encoder 32, 64 (stride 2), Dense(16), a 2-D code."""

    latent_dim: int = 2
    learning_rate: float = 1e-3
    epochs: int = 30
    batch_size: int = 128
    binarize: bool = True
    include_test_in_training: bool = False  # True: the example's own protocol (not held out)
    seed: int = 0


def load_binarised(s, limit: int | None = None):
    """Binarised MNIST (training digits only unless ``include_test_in_training``)."""
    import numpy as np

    from deep_unsupervised import data

    mnist = data.load_mnist(binarize=s.binarize)
    x_train, x_test = mnist.x_train[:limit], mnist.x_test[:limit]
    if s.include_test_in_training:
        x_train = np.concatenate([x_train, x_test])
    return Split(x_train=x_train, x_test=x_test)


def train_keras_io_vae(s, data, *, callbacks=(), label=None):
    """The example's VAE, fitted with Adam at its default rate."""
    from deep_unsupervised import vae as V
    import deep_unsupervised as du

    model = V.VAE(V.conv_encoder(latent_dim=s.latent_dim),
                  V.conv_decoder(latent_dim=s.latent_dim), seed=s.seed)
    du.fit(model, data.x_train, epochs=s.epochs, batch_size=s.batch_size,
                 learning_rate=s.learning_rate, callbacks=callbacks, label=label or "keras-io-vae")
    return model


def evaluate_vae(s, model, data) -> dict:
    """Test −ELBO, reconstruction and KL in nats per image (``model.evaluate``)."""
    terms = model.evaluate(data.x_test, batch_size=1000, verbose=0, return_dict=True)
    return {"neg_elbo": float(terms["reconstruction"] + terms["kl"]),
            "reconstruction": float(terms["reconstruction"]), "kl": float(terms["kl"])}


KERAS_IO_VAE = register(Recipe(
    name="keras-io-vae", chapter="vae",
    primary="neg_elbo", direction="lower",
    description="reference: keras.io VAE example (conv, 2-D code); test -ELBO (nats)",
    presets={"ci": KerasIOVAESettings(), "full": KerasIOVAESettings()},
    trainer=train_keras_io_vae, loader=load_binarised, evaluate=evaluate_vae,
    source="Chollet (2020), https://keras.io/examples/generative/vae/: conv encoder (32, 64 "
           "filters, stride 2, Dense 16), a 2-D code, Adam at its default rate, 30 epochs at "
           "batches of 128 ('ci' and 'full' alike). The book deviates: it trains on the "
           "training digits only (the example: training and test digits together) and binarises "
           "them by a 0.5 threshold (the example: grey levels under a Bernoulli likelihood), so "
           "that its test -ELBO is a held-out figure.",
    target="none: the example prints only its training loss"))
