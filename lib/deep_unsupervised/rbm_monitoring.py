"""Watching an RBM learn: a toy data set with an exact answer, CD's bias, and overfitting.

* :func:`bars_and_stripes`: the classic tiny data set (MacKay, 2003) whose likelihood can be
  enumerated, so that contrastive divergence can be checked against the exact gradient.
* :func:`cd_cosines`: cosine similarity of CD-k estimates with the exact gradient (Hinton, 2002).
* :class:`FreeEnergyGap`: the overfitting monitor of Hinton's practical guide (2010, §6): the
  mean free energy of held-out images minus that of training images, after every epoch.
"""

from __future__ import annotations

import keras
import numpy as np

from . import rbm as R
from ._backend.validation import check_array, check_int, invalid


def bars_and_stripes(side: int = 3) -> np.ndarray:
    """All distinct bars-and-stripes images of a ``side × side`` grid, as 0/1 rows.

    Each image has every row, or every column, all on or all off; there are
    ``2 · 2**side - 2`` distinct ones (the blank and the full image are both bars and stripes).
    """
    side = check_int("side", side, low=1, high=4)
    lines = R.all_binary_states(side)
    images = ([np.repeat(line[:, None], side, axis=1) for line in lines]
              + [np.repeat(line[None, :], side, axis=0) for line in lines])
    return np.unique([image.ravel() for image in images], axis=0).astype(np.float32)


def _flat(gradient) -> np.ndarray:
    return np.concatenate([np.ravel(np.asarray(g, np.float64)) for g in gradient])


def cd_cosines(model, data, ks=(1, 3, 10, 30), chains_per_example: int = 2000) -> dict:
    """Cosine similarity of the exact gradient with CD-k estimates, for each k in ``ks``.

    Each estimate runs ``chains_per_example`` chains from every row of ``data`` and averages
    them, so what remains is CD's bias rather than its sampling noise. Tiny RBMs only (the exact
    gradient enumerates every visible state).
    """
    chains_per_example = check_int("chains_per_example", chains_per_example, low=1)
    exact = _flat(R.exact_gradient(model, data))
    many = np.repeat(np.asarray(data, np.float32), chains_per_example, axis=0)
    cosines = {}
    for k in ks:
        estimate = _flat(model.cd_gradient(many, k=check_int("k", k, low=1))[:3])
        cosines[k] = float(estimate @ exact / np.linalg.norm(estimate) / np.linalg.norm(exact))
    return cosines


class FreeEnergyGap(keras.callbacks.Callback):
    """After every epoch, mean free energy of held-out images minus that of training images.

    Measured with the end-of-epoch weights (the training figure ``fit`` logs is averaged while
    the weights change), on as many training images as there are held-out ones. The gap grows
    when the RBM starts to give its own training images higher probability than unseen ones.
    The values are in :attr:`gap`.
    """

    def __init__(self, x_train, x_val):
        super().__init__()
        x_val = check_array("x_val", x_val, ndim=2)
        x_train = check_array("x_train", x_train, ndim=2)
        if len(x_train) < len(x_val) or x_train.shape[1] != x_val.shape[1]:
            raise invalid("x_train", f"at least {len(x_val)} rows of {x_val.shape[1]} pixels "
                          "(as many as x_val)", x_train.shape)
        self.x_train, self.x_val, self.gap = x_train[:len(x_val)], x_val, []

    def on_epoch_end(self, epoch, logs=None):
        energy = [float(np.mean(keras.ops.convert_to_numpy(self.model.free_energy(x))))
                  for x in (self.x_val, self.x_train)]
        self.gap.append(energy[0] - energy[1])
