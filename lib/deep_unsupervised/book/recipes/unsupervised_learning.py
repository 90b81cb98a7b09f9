"""Recipes of chapters/unsupervised_learning.ipynb: k-means on PCA codes of MNIST digits.

PCA(``pca_m``) compresses the first ``n_train`` training digits, k-means (k-means++ starts, the
lowest-inertia run of ``n_init``) groups the codes, and purity grades the groups against the
labels that the clustering never saw (Arthur and Vassilvitskii, 2007, for the seeding).
"""

from __future__ import annotations

import dataclasses
import types

from . import Recipe, Split, capped, register


@dataclasses.dataclass(frozen=True)
class KMeansPCASettings:
    """How many digits, PCA axes and clusters; k-means starts and seed (no epochs, no batches)."""

    n_train: int = 10_000
    pca_m: int = 50
    k: int = 10
    n_init: int = 4
    seed: int = 0
    epochs: None = None
    batch_size: None = None


@dataclasses.dataclass(frozen=True, kw_only=True)
class DescribedDigits(Split):
    """Flattened digits with their labels, and a ``description`` of the data set loaded."""

    description: str = ""


def load_digits(s, limit: int | None = None):
    """The first ``n_train`` training digits (flattened) with their labels, and the test set."""
    from deep_unsupervised import data

    mnist = data.load_mnist(flatten=True)
    n = capped(s.n_train, limit)
    return DescribedDigits(x_train=mnist.x_train[:n], y_train=mnist.y_train[:n],
                           x_test=mnist.x_test[:limit],
                           y_test=mnist.y_test[:limit], description=repr(mnist))


def cluster_digits(s, data, *, callbacks=(), label=None):
    """Fit PCA to the training digits and run k-means on their codes.

    Returns:
        A namespace with ``pca``, ``codes`` (the training codes), ``clusters``, ``centres``
        and ``inertia``.
    """
    from deep_unsupervised.clustering import kmeans
    from deep_unsupervised.pca import PCA

    pca = PCA(m=s.pca_m).fit(data.x_train)
    codes = pca.encode(data.x_train)
    clusters, centres, inertia = kmeans(codes, k=s.k, n_init=s.n_init, seed=s.seed)
    return types.SimpleNamespace(pca=pca, codes=codes, clusters=clusters, centres=centres,
                                 inertia=inertia)


def evaluate_purity(s, model, data) -> dict:
    """Purity of the training clusters, and of the test digits assigned to the nearest centre."""
    from deep_unsupervised.clustering import assign, cluster_purity

    test_clusters = assign(model.pca.encode(data.x_test), model.centres)
    return {"purity": float(cluster_purity(model.clusters, data.y_train)),
            "test_purity": float(cluster_purity(test_clusters, data.y_test))}


KMEANS_PCA = register(Recipe(
    name="kmeans-pca", chapter="unsupervised_learning",
    primary="purity", direction="higher",
    description="k-means (k=10) on PCA(50) codes of 10,000 training digits; cluster purity",
    presets={"ci": KMeansPCASettings(), "full": KMeansPCASettings(n_train=60_000)},
    trainer=cluster_digits, loader=load_digits, evaluate=evaluate_purity,
    source="the lecture's clustering example with k-means++ starts (Arthur & Vassilvitskii, "
           "2007); no published setting: 'full' clusters every training digit the loader finds "
           "(60,000 officially; 'ci': the first 10,000).",
    target="none: no published purity for this pipeline"))
