"""Clustering and classifiers: k-means on PCA codes, the 7-7-4 network, the MLPs and the CNN."""

from __future__ import annotations

from .common import Outcome, entry, nearest_centre


def _test_accuracy(model, ctx, x_test, y_test, n_train: int) -> Outcome:
    """Test loss and accuracy of a compiled Keras classifier (``metrics=["accuracy"]``)."""
    loss, accuracy = model.evaluate(x_test, y_test, verbose=0)
    return Outcome(params=model.count_params(), quality={"accuracy": accuracy, "loss": loss},
                   n_train=n_train, n_test=len(x_test))


# chapters/unsupervised_learning.ipynb, "Clustering": PCA(50) codes of the first 10,000 training
# digits, k-means with k = 10 (4 k-means++ starts); purity against the labels hidden from it.
KMEANS_PCA = dict(n_train=10_000, pca_m=50, k=10, n_init=4, seed=0, epochs=0, batch_size=None)


@entry("kmeans-pca", chapter="unsupervised_learning", settings=KMEANS_PCA,
       primary="purity", direction="higher",
       description="k-means (k=10) on PCA(50) codes of 10,000 training digits; cluster purity")
def kmeans_pca(s, ctx):
    from deep_unsupervised.clustering import cluster_purity, kmeans
    from deep_unsupervised.pca import PCA

    mnist = ctx.mnist(flatten=True)
    x, y = ctx.head(mnist.x_train, s.n_train), ctx.head(mnist.y_train, s.n_train)
    x_test, y_test = ctx.head(mnist.x_test), ctx.head(mnist.y_test)
    with ctx.training():
        pca = PCA(m=s.pca_m).fit(x)
        clusters, centres, _ = kmeans(pca.encode(x), k=s.k, n_init=s.n_init, seed=s.seed)
    test_clusters = nearest_centre(pca.encode(x_test), centres)
    quality = {"purity": cluster_purity(clusters, y),
               "test_purity": cluster_purity(test_clusters, y_test)}
    params = pca.W.size + pca.mean.size + centres.size
    return Outcome(params=int(params), quality=quality, n_train=len(x), n_test=len(x_test))


# chapters/neural_networks.ipynb, "Fully connected layers": the lecture's 7 -> 7 (ReLU) -> 4 network
# on a generated 4-class problem, 2,000 of 3,000 points for training, the other 1,000 held out.
FOUR_CLASS = dict(n_points=3000, n_fit=2000, data_seed=0, hidden=(7,), learning_rate=1e-2,
                  epochs=40, batch_size=128)


@entry("four-class-mlp", chapter="neural_networks", settings=FOUR_CLASS,
       primary="accuracy", direction="higher",
       description="the lecture's 7-7-4 ReLU network on the generated 4-class problem; accuracy")
def four_class_mlp(s, ctx):
    from deep_unsupervised import classifiers

    x, y = classifiers.four_class_problem(n=s.n_points, seed=s.data_seed)
    n_fit, n_held = ctx.lim(s.n_fit), ctx.lim(s.n_points - s.n_fit)
    x_fit, y_fit = x[:n_fit], y[:n_fit]
    x_held, y_held = x[s.n_fit:s.n_fit + n_held], y[s.n_fit:s.n_fit + n_held]
    model = classifiers.dense_classifier(hidden=s.hidden, learning_rate=s.learning_rate)
    with ctx.training():
        model.fit(x_fit, y_fit, epochs=s.epochs, batch_size=s.batch_size, verbose=0,
                  validation_data=(x_held, y_held), callbacks=[ctx.progress("four-class-mlp")])
    return _test_accuracy(model, ctx, x_held, y_held, n_train=len(x_fit))


# chapters/neural_networks.ipynb, "A deep network on MNIST" (convolutional_networks.ipynb trains
# the same MLP the same way): 784 -> 256 -> 128 -> 10, ReLU, Adam 1e-3, first 15,000 digits.
MLP = dict(n_train=15_000, hidden=(256, 128), learning_rate=1e-3, epochs=5, batch_size=128)


@entry("mlp", chapter="neural_networks", settings=MLP, primary="accuracy", direction="higher",
       description="MLP 784-256-128-10 (ReLU) on 15,000 digits; test accuracy")
def mlp(s, ctx):
    from deep_unsupervised import classifiers

    mnist = ctx.mnist()
    x, y = ctx.head(mnist.x_train, s.n_train), ctx.head(mnist.y_train, s.n_train)
    model = classifiers.mlp(hidden=s.hidden, learning_rate=s.learning_rate)
    with ctx.training():
        model.fit(x, y, epochs=s.epochs, batch_size=s.batch_size, verbose=0,
                  callbacks=[ctx.progress("mlp")])
    return _test_accuracy(model, ctx, ctx.head(mnist.x_test), ctx.head(mnist.y_test), len(x))


# chapters/convolutional_networks.ipynb, "Stacking convolutions and poolings": two 3x3 conv +
# max-pool blocks (16, 32 filters), Dense(64), softmax; the MLP's data and training settings.
CNN = dict(n_train=15_000, filters=(16, 32), kernel_size=3, dense=64, learning_rate=1e-3,
           epochs=5, batch_size=128)


@entry("cnn", chapter="convolutional_networks", settings=CNN, primary="accuracy",
       direction="higher",
       description="small CNN (conv 16, conv 32, dense 64) on 15,000 digits; test accuracy")
def cnn(s, ctx):
    from deep_unsupervised import classifiers

    mnist = ctx.mnist()
    x, y = ctx.head(mnist.x_train, s.n_train), ctx.head(mnist.y_train, s.n_train)
    model = classifiers.small_cnn(filters=s.filters, kernel_size=s.kernel_size, dense=s.dense,
                                  learning_rate=s.learning_rate)
    with ctx.training():
        model.fit(x, y, epochs=s.epochs, batch_size=s.batch_size, verbose=0,
                  callbacks=[ctx.progress("cnn")])
    return _test_accuracy(model, ctx, ctx.head(mnist.x_test), ctx.head(mnist.y_test), len(x))


# chapters/training_pitfalls.ipynb, "Overfitting": MLP 512-256 with dropout 0.5 on 500 digits
# (50 per class) of the training pool; the last 2,000 training digits are the validation set.
MLP_DROPOUT = dict(per_class=50, n_val=2000, subset_seed=0, hidden=(512, 256), dropout=0.5,
                   learning_rate=1e-3, epochs=60, batch_size=128)


@entry("mlp-dropout-500", chapter="training_pitfalls", settings=MLP_DROPOUT,
       primary="accuracy", direction="higher",
       description="MLP 784-512-256-10 with dropout 0.5 on only 500 digits; test accuracy")
def mlp_dropout_500(s, ctx):
    from deep_unsupervised import classifiers

    mnist = ctx.mnist()
    n_pool = len(mnist.y_train) - ctx.lim(s.n_val)
    small = ctx.stratified(mnist.y_train[:n_pool], s.per_class, seed=s.subset_seed)
    x_val, y_val = mnist.x_train[n_pool:], mnist.y_train[n_pool:]
    model = classifiers.mlp(hidden=s.hidden, dropout=s.dropout, learning_rate=s.learning_rate)
    with ctx.training():
        history = model.fit(mnist.x_train[small], mnist.y_train[small], epochs=s.epochs,
                            batch_size=s.batch_size, validation_data=(x_val, y_val), verbose=0,
                            callbacks=[ctx.progress("mlp-dropout-500")]).history
    outcome = _test_accuracy(model, ctx, ctx.head(mnist.x_test), ctx.head(mnist.y_test), len(small))
    outcome.quality.update(val_accuracy=history["val_accuracy"][-1],
                           val_loss=history["val_loss"][-1], best_val_loss=min(history["val_loss"]))
    return outcome
