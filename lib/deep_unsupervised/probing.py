"""Linear probes on frozen representations at small label budgets.

Is a representation learnt without labels useful *with* labels? The standard test freezes it,
trains a simple classifier (here a logistic regression) on the codes of a few labelled examples
per class, and measures test accuracy. Repeating this for several budgets and several random draws
of the labelled examples shows where a learnt representation helps: usually when labels are
scarce. Every feature is standardised with the mean and spread of the whole (unlabelled) training
set, which uses no labels.

This module needs NumPy and scikit-learn only.
"""

from __future__ import annotations

import numpy as np

from ._backend.validation import check_array, check_int, check_ints, invalid


def standardiser(features_train):
    """``f ↦ (f − mean) / std`` with the statistics of all training features (no labels used)."""
    f = check_array("features_train", features_train, ndim=2)
    mean, std = f.mean(axis=0), f.std(axis=0) + 1e-6
    return lambda features: (np.asarray(features, np.float32) - mean) / std


def label_budget_accuracy(features_train, y_train, features_test, y_test, per_class=(1, 10, 100),
                          seeds=(0, 1, 2), max_iter: int = 500) -> dict:
    """Test accuracy of logistic regression on ``per_class`` labelled examples per class.

    Args:
        features_train: (N, D) frozen features of the training examples (the unlabelled pool).
        y_train: (N,) labels; only those of the drawn subsets are used.
        features_test, y_test: (M, D) features and (M,) labels of the test examples.
        per_class: the label budgets (labelled examples per class).
        seeds: one stratified draw of the labelled examples per seed (``data.stratified_subset``).
        max_iter: iterations of scikit-learn's L-BFGS solver.

    Returns:
        dict ``{(n, seed): accuracy}`` for every budget ``n`` and seed.
    """
    from sklearn.linear_model import LogisticRegression
    from threadpoolctl import threadpool_limits

    from .data import stratified_subset

    features_train = check_array("features_train", features_train, ndim=2)
    features_test = check_array("features_test", features_test,
                                shape=(None, features_train.shape[1]))
    y_train, y_test = np.asarray(y_train), np.asarray(y_test)
    if len(y_train) != len(features_train):
        raise invalid("y_train", f"{len(features_train)} labels (one per training row)",
                      f"{len(y_train)} labels")
    if len(y_test) != len(features_test):
        raise invalid("y_test", f"{len(features_test)} labels", f"{len(y_test)} labels")
    per_class = check_ints("per_class", per_class, low=1, min_len=1)
    seeds = check_ints("seeds", seeds, low=0, min_len=1)
    max_iter = check_int("max_iter", max_iter, low=1)
    scale = standardiser(features_train)
    test = scale(features_test)
    accuracy = {}
    # one BLAS thread: these fits are small, and on a busy machine threads that wait for each
    # other make them fifty times slower (the results are the same)
    with threadpool_limits(1):
        for n in per_class:
            for seed in seeds:
                idx = stratified_subset(y_train, per_class=n, seed=seed)
                clf = LogisticRegression(max_iter=max_iter)
                clf.fit(scale(features_train[idx]), y_train[idx])
                accuracy[n, seed] = float(clf.score(test, y_test))
    return accuracy


def summarise(accuracy: dict) -> dict:
    """``{n: (mean, standard deviation)}`` over the seeds of :func:`label_budget_accuracy`."""
    budgets = sorted({n for n, _ in accuracy})
    out = {}
    for n in budgets:
        values = np.array([a for (m, _), a in accuracy.items() if m == n])
        out[n] = (float(values.mean()), float(values.std()))
    return out
