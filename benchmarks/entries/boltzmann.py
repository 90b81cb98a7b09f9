"""Restricted Boltzmann machines and deep belief networks (chapters/rbm_dbn.ipynb)."""

from __future__ import annotations

import numpy as np

from .common import Outcome, entry, reconstruction_quality

# chapters/rbm_dbn.ipynb, "Training on all digits": 256 hidden units, CD-1, SGD(0.1, momentum 0.5)
# (RBM.compile's default), on 90 % of the binarised training digits, the other 10 % monitored.
RBM = dict(n_hidden=256, k=1, val_fraction=0.1, split_seed=0, seed=0, epochs=8, batch_size=128)


@entry("rbm", chapter="rbm_dbn", settings=RBM, primary="cross_entropy", direction="lower",
       description="RBM 784-256 (CD-1) on binarised digits; test reconstruction cross-entropy")
def rbm(s, ctx):
    from deep_unsupervised import data
    from deep_unsupervised import rbm as R

    mnist = ctx.mnist(flatten=True, binarize=True)
    x_fit, x_val = data.train_val_split(ctx.head(mnist.x_train), val_fraction=s.val_fraction,
                                        seed=s.split_seed)
    x_test = ctx.head(mnist.x_test)
    model = R.RBM(n_visible=x_fit.shape[1], n_hidden=s.n_hidden, k=s.k,
                  seed=s.seed).init_visible_bias(x_fit)
    model.compile()
    with ctx.training():
        model.fit(x_fit, epochs=s.epochs, batch_size=s.batch_size, validation_data=x_val,
                  verbose=0, callbacks=[ctx.progress("rbm")])
    quality = reconstruction_quality(x_test, model.reconstruct(x_test))
    quality["pseudo_log_likelihood"] = float(
        model.evaluate(x_test, batch_size=1000, verbose=0, return_dict=True)["pll"])
    params = sum(int(np.prod(w.shape)) for w in (model.W, model.a, model.b))  # W, a and b
    return Outcome(params=params, quality=quality, n_train=len(x_fit), n_test=len(x_test))


def _fine_tune(model, s, ctx, label):
    """Train a 784-256-256-10 classifier on the chapter's 1,000 labelled digits; test accuracy."""
    import keras
    from deep_unsupervised import training

    mnist = ctx.mnist(flatten=True, binarize=True)
    labelled = ctx.stratified(mnist.y_train, s.per_class, seed=s.subset_seed)
    model.compile(optimizer=keras.optimizers.Adam(s.learning_rate),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"],
                  steps_per_execution=training.STEPS_PER_EXECUTION)  # as the chapter compiles it
    with ctx.training():
        model.fit(mnist.x_train[labelled], mnist.y_train[labelled], epochs=s.epochs,
                  batch_size=s.batch_size, verbose=0, callbacks=[ctx.progress(label)])
    x_test, y_test = ctx.head(mnist.x_test), ctx.head(mnist.y_test)
    loss, accuracy = model.evaluate(x_test, y_test, verbose=0)
    return Outcome(params=model.count_params(), quality={"accuracy": accuracy, "loss": loss},
                   n_train=len(labelled), n_test=len(x_test))


# chapters/rbm_dbn.ipynb, "Pre-training helps with few labels": a DBN 784-256-256 pre-trained
# greedily on all binarised training digits, then fine-tuned (sigmoid units, Adam 1e-3) on
# 1,000 labelled digits (100 per class); seed 0 of the chapter's three.
DBN = dict(hidden_sizes=(256, 256), pretrain_epochs=5, pretrain_batch_size=128, per_class=100,
           subset_seed=0, seed=0, learning_rate=1e-3, epochs=20, batch_size=64)


@entry("dbn-classifier", chapter="rbm_dbn", settings=DBN, primary="accuracy", direction="higher",
       description="DBN-initialised 784-256-256-10 classifier, 1,000 labels; test accuracy")
def dbn_classifier(s, ctx):
    import keras
    from deep_unsupervised.dbn import classifier_from_dbn, greedy_pretrain

    x_train = ctx.head(ctx.mnist(flatten=True, binarize=True).x_train)
    with ctx.training():
        dbn = greedy_pretrain(x_train, hidden_sizes=s.hidden_sizes, epochs=s.pretrain_epochs,
                              batch_size=s.pretrain_batch_size, seed=s.seed,
                              callbacks=lambda i: [ctx.progress(f"DBN layer {i + 1}")])
    keras.utils.set_random_seed(s.seed)  # as the chapter does before every fine-tuning run
    outcome = _fine_tune(classifier_from_dbn(dbn, seed=s.seed), s, ctx, "dbn-classifier")
    outcome.epochs = s.pretrain_epochs * len(s.hidden_sizes) + s.epochs
    return outcome


# chapters/rbm_dbn.ipynb, "Pre-training helps with few labels": the same network and fine-tuning
# started from Glorot-uniform weights instead of the DBN (the chapter's baseline), seed 0.
GLOROT_MLP = dict(hidden_sizes=(256, 256), activation="sigmoid", initializer="glorot_uniform",
                  per_class=100, subset_seed=0, seed=0, learning_rate=1e-3, epochs=20,
                  batch_size=64)


@entry("glorot-mlp-1000", chapter="rbm_dbn", settings=GLOROT_MLP, primary="accuracy",
       direction="higher",
       description="the same classifier from Glorot weights, 1,000 labels; test accuracy")
def glorot_mlp_1000(s, ctx):
    import keras
    from deep_unsupervised.dbn import mlp_classifier

    keras.utils.set_random_seed(s.seed)
    model = mlp_classifier(hidden_sizes=s.hidden_sizes, kernel_initializer=s.initializer,
                           seed=s.seed, activation=s.activation)
    return _fine_tune(model, s, ctx, "glorot-mlp-1000")
