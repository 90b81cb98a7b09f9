"""Recipes of chapters/beta_vae.ipynb: convolutional β-VAEs on the toy shapes (Higgins et al.,
2017; Burgess et al., 2018).

``beta-vae-shapes`` is the disentangling setting: β = 12 on 32×32 images (β_norm = 0.117; the
lecture's β = 4 at 64×64 is β_norm = 0.0098), so strong that the code first collapses and then
opens one element at a time; ``beta-vae-shapes-beta0`` is the same network and training with
β = 0, the entangled baseline. ``load`` draws disjoint training and held-out images from the
distinct images of ``shapes.make_shapes``; ``evaluate`` scores the held-out codes (encoder
means) with MIG and DCI disentanglement.
"""

from __future__ import annotations

import dataclasses
import types

from . import Recipe, register

_SOURCE = ("Higgins et al. (2017) and Burgess et al. (2018) train β-VAEs with 10 latents, "
           "4×4 stride-2 convolutions and a 256-unit dense layer on 64×64 dSprites for about "
           "300,000 steps (batch 64, Adam 5e-4 or 1e-4). 'ci' uses 32×32 images, 20,000 training "
           "images and about 5,000 steps; 'full' the same images with every distinct image "
           "not held out and 20 times as many steps.")
FACTORS_SCORED = ("x", "y", "scale")  # the factors the targets name


@dataclasses.dataclass(frozen=True)
class BetaVAESettings:
    """A convolutional β-VAE on the toy shapes, and the data it sees."""

    resolution: int = 32
    n_train: int = 20_000
    n_test: int = 5_000
    latent_dim: int = 10
    filters: int = 32
    beta: float = 12.0
    capacity: float = 0.0
    learning_rate: float = 1e-3
    epochs: int = 16
    batch_size: int = 64
    seed: int = 0


def load_shapes(s, limit: int | None = None):
    """Held-out and training images (N, R, R, 1), disjoint, from the distinct shapes.

    Returns:
        A namespace with ``x_train``, ``x_test``, ``v_test`` (factor indices), ``shapes`` (the
        full :class:`~deep_unsupervised.shapes.Shapes`, for its factor values).
    """
    import numpy as np

    from .. import shapes
    from ..validation import check_int

    cap = None if limit is None else check_int("limit", limit, low=1)
    pool = shapes.make_shapes(resolution=s.resolution)
    order = np.random.default_rng(0).permutation(len(pool))  # one split for every seed
    test, train = order[:s.n_test][:cap], order[s.n_test:s.n_test + s.n_train][:cap]
    as_x = lambda idx: pool.images[idx, ..., None].astype("float32")  # noqa: E731
    return types.SimpleNamespace(x_train=as_x(train), x_test=as_x(test),
                                 v_test=pool.factors[test], shapes=pool)


def build_beta_vae(s):
    """The untrained model of settings ``s`` (seeded by ``s.seed``)."""
    import keras

    from .. import beta_vae as B

    keras.utils.set_random_seed(s.seed)
    shape = (s.resolution, s.resolution, 1)
    return B.BetaVAE(B.conv_encoder(shape, s.latent_dim, filters=s.filters),
                     B.conv_decoder(shape, s.latent_dim, filters=s.filters),
                     beta=s.beta, seed=s.seed)


def train_beta_vae(s, data, *, callbacks=(), label=None, model=None):
    """Train the β-VAE of ``s`` on ``data.x_train``; returns the model."""
    from .. import training

    model = build_beta_vae(s) if model is None else model
    training.fit(model, data.x_train, epochs=s.epochs, batch_size=s.batch_size,
                 learning_rate=s.learning_rate, label=label or f"β = {s.beta:g}",
                 callbacks=callbacks)
    return model


def evaluate_beta_vae(s, model, data) -> dict:
    """Held-out reconstruction and KL (nats), MIG, DCI disentanglement, and for x, y and scale
    the best and second-best normalised MI of a code element."""
    import numpy as np

    from .. import beta_vae as B
    from .. import disentanglement as dis
    from .. import shapes

    z, kl = B.codes(model, data.x_test)
    terms = model.evaluate(data.x_test, batch_size=1000, verbose=0, return_dict=True)
    mig, details = dis.mig(z, data.v_test, return_details=True)
    out = {"mig": float(mig), "dci": dis.dci_disentanglement(z, data.v_test),
           "reconstruction": float(terms["reconstruction"]), "kl": float(terms["kl"]),
           "active": int(np.sum(kl > 0.1))}
    top = np.sort(details["normalized_mi"], axis=0)
    for name in FACTORS_SCORED:
        k = shapes.FACTOR_NAMES.index(name)
        out[f"nmi_{name}_best"], out[f"nmi_{name}_second"] = float(top[-1, k]), float(top[-2, k])
    return out


_CI = BetaVAESettings()
BETA_VAE = register(Recipe(
    name="beta-vae-shapes", chapter="beta_vae",
    description="convolutional β-VAE (β = 12) on 32×32 shapes; held-out MIG",
    presets={"ci": _CI, "full": dataclasses.replace(_CI, n_train=100_000, epochs=64)},
    train=train_beta_vae, load=load_shapes, evaluate=evaluate_beta_vae, source=_SOURCE))

BETA_0 = register(Recipe(
    name="beta-vae-shapes-beta0", chapter="beta_vae",
    description="the same network and training with β = 0 (entangled baseline); held-out MIG",
    presets={scale: dataclasses.replace(s, beta=0.0) for scale, s in BETA_VAE.presets.items()},
    train=train_beta_vae, load=load_shapes, evaluate=evaluate_beta_vae, source=_SOURCE))


# -- the lecture's last β-VAE slide: linear classification of MNIST codes --------------------------
@dataclasses.dataclass(frozen=True)
class MNISTCodeSettings:
    """Dense β-VAEs on MNIST digits, one per β, whose codes a linear classifier reads."""

    betas: tuple = (0.0, 1.0, 4.0, 8.0)
    hidden: tuple = (256,)
    latent_dim: int = 10
    n_train: int = 10_000
    learning_rate: float = 1e-3
    epochs: int = 6
    batch_size: int = 128
    seed: int = 0


def load_digits(s, limit: int | None = None):
    """The first ``n_train`` training digits (grey levels in [0, 1]) and every test digit."""
    from .. import data
    from ..validation import check_int

    cap = s.n_train if limit is None else min(s.n_train, check_int("limit", limit, low=1))
    mnist = data.load_mnist()
    return types.SimpleNamespace(x_train=mnist.x_train[:cap], y_train=mnist.y_train[:cap],
                                 x_test=mnist.x_test[:limit], y_test=mnist.y_test[:limit])


def train_digit_codes(s, data, *, callbacks=(), label=None):
    """One dense β-VAE per β of ``s`` on ``data.x_train``; returns ``{beta: model}``."""
    import keras

    from .. import training
    from .. import vae as V

    models = {}
    for beta in s.betas:
        keras.utils.set_random_seed(s.seed)
        shape = data.x_train.shape[1:]
        model = V.VAE(V.dense_encoder(shape, s.latent_dim, hidden=s.hidden),
                      V.dense_decoder(shape, s.latent_dim, hidden=tuple(s.hidden)[::-1]),
                      beta=beta, seed=s.seed)
        training.fit(model, data.x_train, epochs=s.epochs, batch_size=s.batch_size,
                     learning_rate=s.learning_rate, label=label or f"β = {beta:g}",
                     callbacks=callbacks)
        models[beta] = model
    return models


def evaluate_digit_codes(s, models, data) -> dict:
    """Test accuracy of a logistic regression on each model's standardised code means."""
    from sklearn.linear_model import LogisticRegression

    out = {}
    for beta, model in models.items():
        z_tr = model.encoder.predict(data.x_train, batch_size=1000, verbose=0)[0]
        z_te = model.encoder.predict(data.x_test, batch_size=1000, verbose=0)[0]
        mu, sd = z_tr.mean(0), z_tr.std(0) + 1e-6   # β = 0 codes have no fixed scale
        clf = LogisticRegression(max_iter=2000).fit((z_tr - mu) / sd, data.y_train)
        out[f"accuracy_b{beta:g}"] = float(clf.score((z_te - mu) / sd, data.y_test))
    return out


DIGIT_CODES = register(Recipe(
    name="beta-vae-mnist-codes", chapter="beta_vae",
    description="dense β-VAEs on MNIST, one per β; test accuracy of a linear classifier on codes",
    presets={"ci": MNISTCodeSettings(),
             "full": MNISTCodeSettings(n_train=60_000, epochs=30)},
    train=train_digit_codes, load=load_digits, evaluate=evaluate_digit_codes,
    source="The lecture's slide 'Classification with disentangled VAEs'; no published recipe."))
