"""PCA and the lecture's autoencoders: linear, deep, convolutional, and the 2-D spiral autoencoder."""

from __future__ import annotations

import numpy as np

from .common import Outcome, entry, reconstruction_quality

# chapters/autoencoders.ipynb (and pca.ipynb): PCA with m = 32 fitted to all training digits.
PCA_32 = dict(m=32, epochs=0, batch_size=None)


@entry("pca-32", chapter="autoencoders", settings=PCA_32, primary="cross_entropy",
       direction="lower",
       description="PCA with 32 axes; test cross-entropy and MSE per pixel")
def pca_32(s, ctx):
    from deep_unsupervised.pca import PCA

    mnist = ctx.mnist(flatten=True)
    x_train, x_test = ctx.head(mnist.x_train), ctx.head(mnist.x_test)
    with ctx.training():
        pca = PCA(s.m).fit(x_train)
    return Outcome(params=int(pca.W.size + pca.mean.size),
                   quality=reconstruction_quality(x_test, pca.reconstruct(x_test)),
                   n_train=len(x_train), n_test=len(x_test))


# chapters/pca.ipynb, "Beyond linear": a 2-64-64-1-64-64-2 autoencoder on 2,000 noisy points of a
# spiral, squared error, cosine decay from 5e-3; tested on 1,000 fresh points.
SPIRAL_AE = dict(n_train=2000, n_test=1000, noise=0.01, hidden=(64, 64), code_dim=1,
                 learning_rate=5e-3, epochs=40, batch_size=100)


@entry("spiral-ae", chapter="pca", settings=SPIRAL_AE, primary="squared_error",
       direction="lower",
       description="autoencoder with a 1-D code on a 2-D spiral; test squared error")
def spiral_ae(s, ctx):
    from deep_unsupervised import autoencoders, manifolds

    x_train = manifolds.spiral(ctx.lim(s.n_train), noise=s.noise, seed=0)[0]
    x_test = manifolds.spiral(ctx.lim(s.n_test), noise=s.noise, seed=1)[0]
    model = autoencoders.deep_autoencoder(input_dim=2, hidden=s.hidden, code_dim=s.code_dim,
                                          code_activation=None, output_activation=None,
                                          optimizer=None)
    with ctx.training():
        autoencoders.train(model, x_train, loss="mse", learning_rate=s.learning_rate,
                           epochs=s.epochs, batch_size=s.batch_size, label="spiral-ae")
    x_rec = model.predict(x_test, verbose=0)
    quality = {"squared_error": float(np.mean(np.sum((x_test - x_rec) ** 2, axis=1))),
               "distance_to_spiral": float(manifolds.distance_to_spiral(x_rec).mean())}
    return Outcome(params=model.count_params(), quality=quality, n_train=len(x_train),
                   n_test=len(x_test))


def _train_autoencoder(model, s, ctx, label, flatten: bool) -> Outcome:
    """``autoencoders.train`` on all training digits as the chapter calls it; test errors per pixel."""
    from deep_unsupervised import autoencoders

    mnist = ctx.mnist(flatten=flatten)
    x_train, x_test = ctx.head(mnist.x_train), ctx.head(mnist.x_test)
    x_val = x_test[:s.n_val]  # monitored per epoch only, as in the chapter
    with ctx.training():
        autoencoders.train(model, x_train, loss=s.loss, learning_rate=s.learning_rate,
                           epochs=s.epochs, batch_size=s.batch_size,
                           validation_data=(x_val, x_val), label=label)
    x_rec = model.predict(x_test, batch_size=1000, verbose=0)
    return Outcome(params=model.count_params(), quality=reconstruction_quality(x_test, x_rec),
                   n_train=len(x_train), n_test=len(x_test))


# chapters/autoencoders.ipynb, "Linear autoencoder" (pca.ipynb trains it the same way): 784 -> 32
# -> 784 without activations, squared error, Adam with cosine decay from 3e-3.
LINEAR_AE = dict(code_dim=32, loss="mse", learning_rate=3e-3, epochs=12, batch_size=256,
                 n_val=2000)


@entry("linear-ae", chapter="autoencoders", settings=LINEAR_AE, primary="cross_entropy",
       direction="lower",
       description="linear autoencoder 784-32-784 (squared error); test cross-entropy, MSE")
def linear_ae(s, ctx):
    from deep_unsupervised import autoencoders

    model = autoencoders.linear_autoencoder(input_dim=784, code_dim=s.code_dim, optimizer=None)
    return _train_autoencoder(model, s, ctx, "linear-ae", flatten=True)


# chapters/autoencoders.ipynb, "Deep autoencoder": 784-128-32-128-784, ReLU, sigmoid output,
# binary cross-entropy, Adam with cosine decay from 2e-3.
DEEP_AE = dict(hidden=128, code_dim=32, loss="binary_crossentropy", learning_rate=2e-3,
               epochs=20, batch_size=64, n_val=2000)


@entry("deep-ae", chapter="autoencoders", settings=DEEP_AE, primary="cross_entropy",
       direction="lower",
       description="deep autoencoder 784-128-32-128-784; test cross-entropy, MSE per pixel")
def deep_ae(s, ctx):
    from deep_unsupervised import autoencoders

    model = autoencoders.deep_autoencoder(input_dim=784, hidden=s.hidden, code_dim=s.code_dim,
                                          optimizer=None)
    return _train_autoencoder(model, s, ctx, "deep-ae", flatten=True)


# chapters/autoencoders.ipynb, "Convolutional autoencoder": the lecture's 16-8-8 conv encoder and
# transposed-conv decoder (3,801 parameters), He-normal kernels, cosine decay from 2e-3.
CONV_AE = dict(filters=(16, 8, 8), kernel_initializer="he_normal", loss="binary_crossentropy",
               learning_rate=2e-3, epochs=24, batch_size=64, n_val=2000)


@entry("conv-ae", chapter="autoencoders", settings=CONV_AE, primary="cross_entropy",
       direction="lower",
       description="convolutional autoencoder 16-8-8 (3,801 parameters); test cross-entropy, MSE")
def conv_ae(s, ctx):
    from deep_unsupervised import autoencoders

    model = autoencoders.conv_autoencoder(filters=s.filters,
                                          kernel_initializer=s.kernel_initializer, optimizer=None)
    return _train_autoencoder(model, s, ctx, "conv-ae", flatten=False)
