"""Deep belief networks: greedily stacked RBMs, and their use to initialise a classifier.

A DBN is trained one layer at a time (Hinton, Osindero & Teh, 2006): an RBM learns features of
the data, its hidden representation of the data (sampled or averaged) becomes the data of the next
RBM, and so on. Each trained ``(W, b)`` pair then initialises one sigmoid ``Dense`` layer of a
classifier, which backpropagation fine-tunes (Erhan et al., 2010).
"""

from __future__ import annotations

import keras
import numpy as np
from keras import ops

from .rbm import RBM, check_visible


class DBN:
    """A stack of RBMs; ``rbms[0]`` sees the data, ``rbms[i+1]`` sees the features of ``rbms[i]``."""

    def __init__(self, rbms: list[RBM]):
        if not rbms:
            raise ValueError("Invalid value for argument 'rbms': expected at least one RBM, received []")
        for lower, upper in zip(rbms, rbms[1:]):
            if lower.n_hidden != upper.n_visible:
                raise ValueError(f"RBMs do not stack: {lower.n_hidden} hidden units feed an RBM "
                                 f"with {upper.n_visible} visible units")
        self.rbms = list(rbms)

    @property
    def layer_sizes(self) -> tuple[int, ...]:
        return (self.rbms[0].n_visible, *(r.n_hidden for r in self.rbms))

    def transform(self, x, depth: int | None = None) -> np.ndarray:
        """Mean-field up-pass: hidden probabilities after ``depth`` layers (default: all)."""
        h = check_visible(x, self.layer_sizes[0], "x", binary=False)
        for rbm in self.rbms[:depth]:
            h = ops.convert_to_numpy(rbm.hidden_probabilities(h))
        return h

    def generate(self, n: int, gibbs_steps: int = 200, seed: int = 0) -> np.ndarray:
        """Samples: a Gibbs chain in the top RBM, then one mean-field pass down to the pixels."""
        top = self.rbms[-1]
        start = (np.random.default_rng(seed).random((n, top.n_visible)) < 0.5).astype(np.float32)
        v = top.gibbs_chain(start, steps=gibbs_steps, record_every=gibbs_steps)[-1]
        for rbm in reversed(self.rbms[:-1]):
            v = ops.convert_to_numpy(rbm.visible_probabilities(v))
        return v


def greedy_pretrain(x, hidden_sizes=(500, 500), epochs: int = 5, batch_size: int = 128,
                    k: int = 1, learning_rate: float = 0.1, momentum: float = 0.5,
                    propagate: str = "sample", seed: int = 0, callbacks=None) -> DBN:
    """Train a DBN greedily, one RBM per entry of ``hidden_sizes``.

    Args:
        x: binary training data (N, D).
        hidden_sizes: hidden units of each RBM, bottom to top.
        propagate: how the data of the next RBM are made from the current one's features:
            ``"sample"`` (binary samples of P(h|x), keeping every RBM Bernoulli) or ``"mean"``
            (the probabilities themselves), the lecture's "sampling or averaging".
        callbacks: a function ``layer_index -> list of Keras callbacks`` (e.g. progress bars).

    Returns:
        the trained :class:`DBN`.
    """
    if propagate not in ("sample", "mean"):
        raise ValueError(f"Invalid value for argument 'propagate': expected 'sample' or 'mean', "
                         f"received propagate={propagate!r}")
    if not hidden_sizes:
        raise ValueError("Invalid value for argument 'hidden_sizes': expected at least one layer")
    if np.ndim(x) != 2:
        raise ValueError(f"Invalid shape for argument 'x': expected (N, D), received {np.shape(x)}")
    data = check_visible(x, np.shape(x)[1], "x")
    rbms = []
    for i, n_hidden in enumerate(hidden_sizes):
        rbm = RBM(data.shape[1], int(n_hidden), k=k, seed=seed + i,
                  require_binary=(i == 0 or propagate == "sample"))
        rbm.init_visible_bias(data)
        rbm.compile(optimizer=keras.optimizers.SGD(learning_rate=learning_rate, momentum=momentum))
        rbm.fit(data, epochs=epochs, batch_size=batch_size, verbose=0,
                callbacks=callbacks(i) if callbacks else None)
        rbms.append(rbm)
        probabilities = rbm.hidden_probabilities(data)
        data = ops.convert_to_numpy(rbm.sample(probabilities) if propagate == "sample" else probabilities)
    return DBN(rbms)


def mlp_classifier(n_inputs: int = 784, hidden_sizes=(500, 500), n_classes: int = 10,
                   activation: str = "sigmoid", kernel_initializer="glorot_uniform",
                   seed: int | None = None) -> keras.Sequential:
    """A fully connected classifier: Dense(sigmoid) hidden layers and a softmax output.

    ``kernel_initializer`` (a name or a Keras initializer) applies to every layer, re-seeded per
    layer from ``seed``. The defaults match :func:`greedy_pretrain`, so a DBN can initialise the
    hidden layers.
    """
    prototype = keras.initializers.get(kernel_initializer)

    def init(i):
        config = prototype.get_config()
        if "seed" in config:
            config["seed"] = None if seed is None else seed + i
        return type(prototype).from_config(config)

    layers = [keras.Input((n_inputs,))]
    layers += [keras.layers.Dense(n, activation=activation, kernel_initializer=init(i), name=f"hidden_{i}")
               for i, n in enumerate(hidden_sizes)]
    layers.append(keras.layers.Dense(n_classes, activation="softmax",
                                     kernel_initializer=init(len(hidden_sizes)), name="output"))
    return keras.Sequential(layers)


def classifier_from_dbn(dbn: DBN, n_classes: int = 10, seed: int | None = None) -> keras.Sequential:
    """An :func:`mlp_classifier` whose hidden layers start at the DBN's weights.

    Layer i gets kernel ``Wᵢᵀ`` and bias ``bᵢ`` of RBM i, so before fine-tuning it computes exactly
    P(h = 1 | input) of that RBM; the output layer is initialised by Glorot as usual.
    """
    sizes = dbn.layer_sizes
    model = mlp_classifier(sizes[0], sizes[1:], n_classes, activation="sigmoid", seed=seed)
    for rbm, layer in zip(dbn.rbms, model.layers[:-1]):
        layer.set_weights([ops.convert_to_numpy(ops.transpose(rbm.W)), ops.convert_to_numpy(rbm.b)])
    return model
