"""Interpolation between pairs of inputs, in pixel space and in an autoencoder's code space.

    lerp               the straight path (1 − t)·a + t·b at evenly spaced t, for a batch of pairs.
    code_path          decode the straight path between the codes enc(a) and enc(b).
    nearest_distance   each image's mean squared difference per pixel to its nearest reference
                       image (e.g. the training digits): how far a path strays from the data.

The autoencoders chapter uses them to compare a cross-fade of two digits' pixels with a walk
between their codes (Goodfellow et al., 2016, section 14.6: an autoencoder's code parametrises
the data manifold). NumPy only; the models passed to :func:`code_path` bring their own backend.
"""

from __future__ import annotations

import numpy as np

from ._backend.validation import check_array, check_int, invalid


def lerp(a, b, steps: int = 7) -> np.ndarray:
    """Points (1 − t)·a + t·b at ``steps`` evenly spaced t from 0 to 1.

    Args:
        a, b: arrays of equal shape (N, ...): N pairs of start and end points.
        steps: points per path, both ends included (at least 2).

    Returns:
        Array of shape (N, steps, ...): row i runs from a[i] to b[i].

    Example:
        >>> lerp(np.zeros((1, 2)), np.ones((1, 2)), steps=3)[0, :, 0]
        array([0. , 0.5, 1. ], dtype=float32)
    """
    a = check_array("a", a, ndim=range(1, 8))
    b = check_array("b", b, shape=a.shape)
    steps = check_int("steps", steps, low=2)
    t = np.linspace(0.0, 1.0, steps, dtype=np.float32).reshape((1, steps) + (1,) * (a.ndim - 1))
    return (1 - t) * a[:, None] + t * b[:, None]


def code_path(encoder, decoder, a, b, steps: int = 7, batch_size: int = 1000) -> np.ndarray:
    """Decode the straight path between the codes of ``a`` and ``b``.

    Args:
        encoder, decoder: models with ``predict`` (e.g. an autoencoder's ``encoder`` and
            ``decoder``); the decoder must accept the encoder's output.
        a, b: inputs of equal shape (N, ...), as the encoder takes them.
        steps: points per path, both ends included.
        batch_size: batch size of the ``predict`` calls.

    Returns:
        Array (N, steps, ...) of decoder outputs: dec((1 − t)·enc(a) + t·enc(b)). Its ends are the
        reconstructions of a and b, not a and b themselves.
    """
    a = check_array("a", a, ndim=range(2, 8))
    b = check_array("b", b, shape=a.shape)
    steps = check_int("steps", steps, low=2)
    for name, model in (("encoder", encoder), ("decoder", decoder)):
        if not callable(getattr(model, "predict", None)):
            raise invalid(name, "a model with a predict method", type(model).__name__)
    z_a = np.asarray(encoder.predict(a, batch_size=batch_size, verbose=0))
    z_b = np.asarray(encoder.predict(b, batch_size=batch_size, verbose=0))
    z = lerp(z_a, z_b, steps)
    out = np.asarray(decoder.predict(z.reshape((-1,) + z_a.shape[1:]), batch_size=batch_size,
                                     verbose=0))
    return out.reshape((len(a), steps) + out.shape[1:])


def nearest_distance(x, reference, chunk: int = 200) -> np.ndarray:
    """Mean squared difference per pixel between each image and its nearest reference image.

    Args:
        x: (N, ...) images; each is compared with every reference image.
        reference: (M, ...) images of the same shape per image (e.g. the training digits).
        chunk: rows of ``x`` compared at once (memory: chunk × M floats).

    Returns:
        Array (N,) of min over j of mean((x[i] − reference[j])²).
    """
    x = check_array("x", x, ndim=range(2, 8))
    reference = check_array("reference", reference, shape=(None,) + x.shape[1:])
    chunk = check_int("chunk", chunk, low=1)
    xf = x.reshape(len(x), -1).astype(np.float64)
    rf = reference.reshape(len(reference), -1).astype(np.float64)
    r2 = np.einsum("ij,ij->i", rf, rf)  # squared norms without a second copy of the reference
    out = np.empty(len(xf))
    for start in range(0, len(xf), chunk):
        block = xf[start:start + chunk]
        d2 = np.sum(block ** 2, axis=1)[:, None] - 2 * block @ rf.T + r2[None]
        out[start:start + chunk] = np.maximum(d2.min(axis=1), 0.0) / xf.shape[1]
    return out
