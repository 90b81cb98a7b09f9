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

from ._backend import training
from .rbm import RBM, check_visible, hinton_sgd
from ._backend.validation import check_choice, check_float, check_int, check_ints, invalid


class DBN:
    """A stack of RBMs; ``rbms[0]`` sees the data, ``rbms[i+1]`` sees the features of ``rbms[i]``."""

    def __init__(self, rbms: list[RBM]):
        rbms = list(rbms)
        if not rbms or not all(isinstance(r, RBM) for r in rbms):
            raise invalid("rbms", "a non-empty list of RBM instances", rbms)
        for lower, upper in zip(rbms, rbms[1:]):
            if lower.n_hidden != upper.n_visible:
                raise invalid("rbms", "RBMs that stack (each n_hidden equal to the next "
                              "n_visible); these do not stack", [r.n_hidden for r in rbms])
        self.rbms = rbms

    @property
    def layer_sizes(self) -> tuple[int, ...]:
        return (self.rbms[0].n_visible, *(r.n_hidden for r in self.rbms))

    def transform(self, x, depth: int | None = None) -> np.ndarray:
        """Mean-field up-pass: hidden probabilities after ``depth`` layers (default: all)."""
        h = check_visible(x, self.layer_sizes[0], "x", binary=False)
        if depth is not None:
            depth = check_int("depth", depth, low=1, high=len(self.rbms))
        for rbm in self.rbms[:depth]:
            h = ops.convert_to_numpy(rbm.hidden_probabilities(h))
        return h

    def generate(self, n: int, gibbs_steps: int = 200, seed: int = 0) -> np.ndarray:
        """Samples: a Gibbs chain in the top RBM, then one mean-field pass down to the pixels."""
        n = check_int("n", n, low=1)
        gibbs_steps = check_int("gibbs_steps", gibbs_steps, low=1)
        top = self.rbms[-1]
        start = (np.random.default_rng(seed).random((n, top.n_visible)) < 0.5).astype(np.float32)
        v = top.gibbs_chain(start, steps=gibbs_steps, record_every=gibbs_steps)[-1]
        for rbm in reversed(self.rbms[:-1]):
            v = ops.convert_to_numpy(rbm.visible_probabilities(v))
        return v


def propagate_up(rbm: RBM, data, propagate: str = "sample") -> np.ndarray:
    """The data the next RBM of a stack trains on: features of ``data`` under ``rbm``.

    ``"sample"`` draws binary h from P(h|x) (every RBM stays Bernoulli); ``"mean"`` passes
    the probabilities P(h = 1|x) themselves, the lecture's "sampling or averaging".
    """
    check_choice("propagate", propagate, ("sample", "mean"))
    probabilities = rbm.hidden_probabilities(check_visible(data, rbm.n_visible, "data", False))
    features = rbm.sample(probabilities) if propagate == "sample" else probabilities
    return ops.convert_to_numpy(features)


def greedy_pretrain(x, hidden_sizes=(500, 500), epochs: int = 5, batch_size: int = 128,
                    k: int = 1, learning_rate: float = 0.1, momentum: float = 0.5,
                    propagate: str = "sample", seed: int = 0, callbacks=None,
                    progress: bool = True, label: str = "DBN layer") -> DBN:
    """Train a DBN greedily, one RBM per entry of ``hidden_sizes`` (Hinton et al., 2006).

    Args:
        x: binary training data (N, D).
        hidden_sizes: hidden units of each RBM, bottom to top.
        epochs, batch_size, k: CD-k training of every RBM, with SGD(learning_rate, momentum).
        propagate: how the next RBM's data are made from the current one's features
            (:func:`propagate_up`): ``"sample"`` or ``"mean"``.
        callbacks: a function ``layer_index -> list of Keras callbacks``.
        progress, label: one progress bar per layer, labelled ``f"{label} {i + 1}"``.

    Returns:
        the trained :class:`DBN`.
    """
    check_choice("propagate", propagate, ("sample", "mean"))
    hidden_sizes = check_ints("hidden_sizes", hidden_sizes, low=1, min_len=1)
    epochs, k = check_int("epochs", epochs, low=1), check_int("k", k, low=1)
    batch_size = check_int("batch_size", batch_size, low=1)
    learning_rate = check_float("learning_rate", learning_rate, low=0, low_inclusive=False)
    momentum = check_float("momentum", momentum, low=0, high=1, high_inclusive=False)
    if np.ndim(x) != 2:
        raise invalid("x", "an array of shape (N, D)", np.shape(x))
    data = check_visible(x, np.shape(x)[1], "x")
    rbms = []
    for i, n_hidden in enumerate(hidden_sizes):
        rbm = RBM(data.shape[1], n_hidden, k=k, seed=seed + i,
                  require_binary=(i == 0 or propagate == "sample"))
        rbm.init_visible_bias(data)
        training.fit(rbm, data, epochs=epochs, batch_size=batch_size,
                     optimizer=hinton_sgd(learning_rate, momentum), progress=progress,
                     label=f"{label} {i + 1}", callbacks=callbacks(i) if callbacks else ())
        rbms.append(rbm)
        data = propagate_up(rbm, data, propagate)
    return DBN(rbms)


def _keras_object(name: str, value, get):
    """``get(value)`` (a Keras activation or initializer), or the book's ValueError."""
    try:
        return get(value)
    except (ValueError, TypeError):
        raise invalid(name, "a Keras name or object", value) from None


def mlp_classifier(n_inputs: int = 784, hidden_sizes=(500, 500), n_classes: int = 10,
                   activation: str = "sigmoid", kernel_initializer="glorot_uniform",
                   seed: int | None = None) -> keras.Sequential:
    """A fully connected classifier: Dense(sigmoid) hidden layers and a softmax output.

    ``kernel_initializer`` (a name or a Keras initializer) applies to every layer, re-seeded per
    layer from ``seed``. The defaults match :func:`greedy_pretrain`, so a DBN can initialise the
    hidden layers.
    """
    n_inputs = check_int("n_inputs", n_inputs, low=1)
    n_classes = check_int("n_classes", n_classes, low=1)
    hidden_sizes = check_ints("hidden_sizes", hidden_sizes, low=1)
    _keras_object("activation", activation, keras.activations.get)
    prototype = _keras_object("kernel_initializer", kernel_initializer, keras.initializers.get)

    def init(i):
        config = prototype.get_config()
        if "seed" in config:
            config["seed"] = None if seed is None else seed + i
        return type(prototype).from_config(config)

    layers = [keras.Input((n_inputs,))]
    layers += [keras.layers.Dense(n, activation=activation, kernel_initializer=init(i),
                                  name=f"hidden_{i}") for i, n in enumerate(hidden_sizes)]
    layers.append(keras.layers.Dense(n_classes, activation="softmax",
                                     kernel_initializer=init(len(hidden_sizes)), name="output"))
    return keras.Sequential(layers)


def classifier_from_dbn(dbn: DBN, n_classes: int = 10, seed: int | None = None) -> keras.Sequential:
    """An :func:`mlp_classifier` whose hidden layers start at the DBN's weights.

    Layer i gets kernel ``Wᵢᵀ`` and bias ``bᵢ`` of RBM i, so before fine-tuning it computes exactly
    P(h = 1 | input) of that RBM; the output layer is initialised by Glorot as usual.
    """
    if not isinstance(dbn, DBN):
        raise invalid("dbn", "a DBN (from greedy_pretrain)", type(dbn).__name__)
    sizes = dbn.layer_sizes
    model = mlp_classifier(sizes[0], sizes[1:], n_classes, activation="sigmoid", seed=seed)
    for rbm, layer in zip(dbn.rbms, model.layers[:-1]):
        W, _, b = rbm.numpy_parameters()
        layer.set_weights([W.T.astype("float32"), b.astype("float32")])
    return model
