"""Published reference recipes whose results the book's asserts quote as quality targets.

F. Chollet, "Building Autoencoders in Keras", https://blog.keras.io/building-autoencoders-in-keras.html
(2016): three autoencoders; F. Chollet, "Variational AutoEncoder",
https://keras.io/examples/generative/vae/ (2020).

These are not the book's models, so they are built here from plain Keras layers (the VAE reuses
``V.conv_encoder``/``V.conv_decoder``, whose defaults are that example's architecture). They train
on the data the loader finds (22,699 training digits in the offline copy, 60,000 officially).
"""

from __future__ import annotations

from .common import Outcome, entry, reconstruction_quality, train_conv_vae, vae_terms


def _chollet_fit(model, s, ctx, label, flatten: bool) -> Outcome:
    """The blog's training: compile(optimizer, binary cross-entropy), fit shuffled, test monitored."""
    from deep_unsupervised.training import STEPS_PER_EXECUTION

    mnist = ctx.mnist(flatten=flatten)
    x_train, x_test = ctx.head(mnist.x_train), ctx.head(mnist.x_test)
    # the book's execution setting (several steps per call): timings then compare the recipes, not
    # Python overhead; it changes no result
    model.compile(optimizer=s.optimizer, loss=s.loss, steps_per_execution=STEPS_PER_EXECUTION)
    with ctx.training():
        model.fit(x_train, x_train, epochs=s.epochs, batch_size=s.batch_size, shuffle=True,
                  validation_data=(x_test, x_test), verbose=0, callbacks=[ctx.progress(label)])
    x_rec = model.predict(x_test, batch_size=1000, verbose=0)
    return Outcome(params=model.count_params(), quality=reconstruction_quality(x_test, x_rec),
                   n_train=len(x_train), n_test=len(x_test))


# The blog's "simplest possible autoencoder": Dense(32, relu) -> Dense(784, sigmoid), 50 epochs,
# batch 256. The book's asserts (chapters/autoencoders.ipynb) quote Adam for all three recipes.
CHOLLET_SIMPLE_AE = dict(code_dim=32, code_activation="relu", optimizer="adam",
                         loss="binary_crossentropy", epochs=50, batch_size=256)


@entry("chollet-simple-ae", chapter="autoencoders", settings=CHOLLET_SIMPLE_AE, kind="reference",
       primary="cross_entropy", direction="lower",
       description="reference: Chollet's blog, single-layer autoencoder; test cross-entropy")
def chollet_simple_ae(s, ctx):
    import keras
    from keras import layers

    x = keras.Input((784,))
    z = layers.Dense(s.code_dim, activation=s.code_activation)(x)
    model = keras.Model(x, layers.Dense(784, activation="sigmoid")(z), name="chollet_simple_ae")
    return _chollet_fit(model, s, ctx, "chollet-simple-ae", flatten=True)


# The blog's deep autoencoder, 784-128-64-32-64-128-784 (ReLU, sigmoid output). The blog trains
# it for 100 epochs; the book's assert quotes 50 epochs, batch 256, Adam, used here.
CHOLLET_DEEP_AE = dict(hidden=(128, 64, 32), optimizer="adam", loss="binary_crossentropy",
                       epochs=50, batch_size=256)


@entry("chollet-deep-ae", chapter="autoencoders", settings=CHOLLET_DEEP_AE, kind="reference",
       primary="cross_entropy", direction="lower",
       description="reference: Chollet's blog, deep autoencoder; test cross-entropy")
def chollet_deep_ae(s, ctx):
    import keras
    from keras import layers

    x = keras.Input((784,))
    h = x
    for units in s.hidden + s.hidden[-2::-1]:  # 128, 64, 32, then 64, 128
        h = layers.Dense(units, activation="relu")(h)
    model = keras.Model(x, layers.Dense(784, activation="sigmoid")(h), name="chollet_deep_ae")
    return _chollet_fit(model, s, ctx, "chollet-deep-ae", flatten=True)


# The blog's convolutional autoencoder: 3x3 ReLU convs (16, 8, 8 channels, same padding), each
# followed by 2x2 max-pooling (same padding): a 4x4x8 code; decoder convs 8, 8, 16 each followed
# by UpSampling2D, the third conv without padding so that 16 -> 14 -> 28, then a sigmoid conv.
# The blog's batch size here is 128; the book's assert quotes 50 epochs, batch 256, Adam.
CHOLLET_CONV_AE = dict(filters=(16, 8, 8), optimizer="adam", loss="binary_crossentropy",
                       epochs=50, batch_size=256)


@entry("chollet-conv-ae", chapter="autoencoders", settings=CHOLLET_CONV_AE, kind="reference",
       primary="cross_entropy", direction="lower",
       description="reference: Chollet's blog, conv autoencoder; test cross-entropy")
def chollet_conv_ae(s, ctx):
    import keras
    from keras import layers

    x = keras.Input((28, 28, 1))
    h = x
    for f in s.filters:  # 28 -> 14 -> 7 -> 4
        h = layers.Conv2D(f, (3, 3), activation="relu", padding="same")(h)
        h = layers.MaxPooling2D((2, 2), padding="same")(h)
    for i, f in enumerate(s.filters[::-1]):  # 8, 8, 16: 4 -> 8 -> 16 -> (valid conv) 14 -> 28
        padding = "valid" if i == len(s.filters) - 1 else "same"
        h = layers.Conv2D(f, (3, 3), activation="relu", padding=padding)(h)
        h = layers.UpSampling2D((2, 2))(h)
    y = layers.Conv2D(1, (3, 3), activation="sigmoid", padding="same")(h)
    return _chollet_fit(keras.Model(x, y, name="chollet_conv_ae"), s, ctx, "chollet-conv-ae",
                        flatten=False)


# keras.io "Variational AutoEncoder" (F. Chollet, examples/generative/vae.py): conv encoder 32, 64
# (3x3, stride 2, ReLU), Dense(16), latent 2; decoder Dense(7*7*64), Conv2DTranspose 64 and 32
# (stride 2), Conv2DTranspose(1, sigmoid). Adam() defaults, 30 epochs, batch 128. The example
# trains on train + test digits; chapters/vae.ipynb's quoted 154.3 nats comes from training on the
# binarised training digits only and evaluating on the binarised test digits, as here. Set
# include_test_in_training=True for the example's own protocol (its test figure is then not
# held out).
KERAS_IO_VAE = dict(latent_dim=2, learning_rate=1e-3, epochs=30, batch_size=128, binarize=True,
                    include_test_in_training=False, seed=0)


@entry("keras-io-vae", chapter="vae", settings=KERAS_IO_VAE, kind="reference",
       primary="neg_elbo", direction="lower",
       description="reference: keras.io VAE example (conv, 2-D code); test -ELBO (nats)")
def keras_io_vae(s, ctx):
    import numpy as np

    mnist = ctx.mnist(binarize=s.binarize)
    x_train, x_test = ctx.head(mnist.x_train), ctx.head(mnist.x_test)
    if s.include_test_in_training:
        x_train = np.concatenate([x_train, x_test])
    model = train_conv_vae(x_train, s, ctx, "keras-io-vae")
    return Outcome(params=model.count_params(), quality=vae_terms(model, x_test),
                   n_train=len(x_train), n_test=len(x_test))
