"""What a model needs to train and infer correctly on N data-parallel replicas.

:mod:`deep_unsupervised.distribution` chooses the devices and enters TensorFlow's
``MirroredStrategy`` or Keras's ``DataParallel``; this module adapts a model to it.
:func:`deep_unsupervised.training.fit` calls :func:`prepared` around every ``fit``, which with one
device does nothing at all.

* **Gradients** (TensorFlow). The optimiser *sums* the replicas' gradients. Keras's own
  ``train_step`` divides the loss by N first (``keras.src.losses.loss.scale_loss_for_distribution``)
  and multiplies the loss it reports by N again; :func:`check_model` does the same for a model's
  own ``compute_loss`` (the VAE), and a ``train_step`` written with
  :mod:`deep_unsupervised.autodiff` (GAN, WGAN-GP, CycleGAN, RBM) divides its gradients by N
  itself (``autodiff.replica_mean``). Any other ``train_step`` is refused with
  :class:`~deep_unsupervised.distribution.OneDeviceOnly`. The metrics a step reports are
  per-replica means of equal shares; Keras averages them, so they are the global batch's.
* **Batch normalisation** (TensorFlow). Each replica would normalise by the statistics of its own
  share, and its copy of the moving averages would drift from the others' (Keras 3 creates them
  with ``aggregation="none"``: a replica's update stays on its device). During ``fit`` the
  model's ``BatchNormalization`` layers are switched to ``synchronized=True``: the statistics are
  those of the global batch, as on one device and on JAX, and every copy gets the same update.
* **Uneven last batches.** JAX cannot split a batch unevenly, and on TensorFlow a replica with an
  empty share reports NaN (a replica with a smaller one gets the weight of a full one in a
  per-step mean). :func:`even_predict` and :func:`even_evaluate` replace ``predict`` and
  ``evaluate`` of the trained model and of every model inside it: ``predict`` pads the last
  batch with copies of the last row and drops their outputs; ``evaluate`` evaluates the rows
  that split evenly, then the few (< N) left over, and averages the two results weighted by
  their rows (right for metrics that are means over examples, as all of this book's are).
"""

from __future__ import annotations

import contextlib
import functools

import numpy as np

from .validation import invalid


def _backend() -> str:
    import keras

    return keras.backend.backend()


def check_model(model, replicas) -> None:
    """Make ``model`` trainable on ``replicas`` (a ``distribution.Replicas``), or raise.

    Raises:
        OneDeviceOnly: on TensorFlow, for a ``train_step`` not written with
            :func:`deep_unsupervised.autodiff.any_backend` (its gradients would be summed).
        ValueError: on TensorFlow, for a model built outside the strategy's scope.
    """
    import keras

    from .distribution import VARIABLE, OneDeviceOnly

    guard_inference(model)
    if replicas.backend != "tensorflow":
        return
    name, step = type(model).__name__, type(model).train_step
    if step is not keras.Model.train_step and not getattr(step, "replica_aware", False):
        raise OneDeviceOnly(
            "model", f"a model trained by Keras's own train_step, or by one written with "
            f"deep_unsupervised.autodiff, under {replicas.num_replicas} TensorFlow replicas (any "
            f"other would sum the replicas' gradients); use KERAS_BACKEND=jax, or {VARIABLE}=off",
            name, reason=f"{name} has its own train_step, which TensorFlow's replicas cannot "
            f"average; KERAS_BACKEND=jax trains it on all devices")
    if getattr(model, "_distribute_strategy", None) is not replicas.handle:
        raise invalid("model", "a model built inside the same data_parallel() block that "
                      "fits it (TensorFlow creates mirrored weights only there)",
                      f"{name} built outside it")
    if (type(model).compute_loss is not keras.Model.compute_loss
            and not getattr(model.compute_loss, "_per_replica", False)):
        model.compute_loss = _per_replica(model.compute_loss, replicas.num_replicas)


def _per_replica(compute_loss, n: int):
    """``compute_loss`` divided by ``n``: Keras sums the replicas' gradients, and multiplies the
    ``loss`` it reports by ``n`` again (``keras.src.losses.loss.unscale_loss_for_distribution``)."""

    def scaled(*args, **kwargs):
        return compute_loss(*args, **kwargs) / n

    scaled._per_replica = True
    return scaled


@contextlib.contextmanager
def prepared(model, replicas):
    """Within the block, ``model`` trains correctly on ``replicas`` (``None``: one device, no-op).

    Checks the model (:func:`check_model`), guards its ``predict``/``evaluate``, and on
    TensorFlow synchronises its batch normalisation while the block runs (the training step is
    traced inside ``fit``, so it keeps the global statistics; the saved config is unchanged).
    """
    if replicas is None:
        yield
        return
    check_model(model, replicas)
    norms = []
    if replicas.backend == "tensorflow":
        import keras

        norms = [layer for layer in model._flatten_layers(include_self=False)
                 if isinstance(layer, keras.layers.BatchNormalization) and not layer.synchronized]
    for layer in norms:
        layer.synchronized = True
    try:
        yield
    finally:
        for layer in norms:
            layer.synchronized = False


def replicas_of(model) -> int:
    """How many replicas ``model``'s ``predict``/``evaluate`` split each batch across now."""
    if _backend() == "tensorflow":
        strategy = getattr(model, "_distribute_strategy", None)
        return 1 if strategy is None else strategy.num_replicas_in_sync
    import keras

    current = keras.distribution.distribution()
    if isinstance(current, keras.distribution.DataParallel):
        return int(current.device_mesh.devices.size)
    return 1


def guard_inference(model) -> None:
    """Replace ``predict``/``evaluate`` of ``model`` and of every model inside it by
    :func:`even_predict`/:func:`even_evaluate` (once; they change nothing on one device)."""
    import keras

    for sub in model._flatten_layers(include_self=True, recursive=True):
        if isinstance(sub, keras.Model) and not getattr(sub.predict, "_even", False):
            sub.predict = even_predict(sub, sub.predict)
            sub.evaluate = even_evaluate(sub, sub.evaluate)


def _rows(x) -> int | None:
    """Rows of the arrays in ``x`` (one array or a structure of them), else ``None``."""
    import keras

    leaves = keras.tree.flatten(x) if x is not None else []
    if not leaves or not all(len(getattr(a, "shape", ())) > 0 for a in leaves):
        return None  # a tf.data.Dataset, a generator, ...: left to Keras
    return int(leaves[0].shape[0])


def _map(fn, x):
    import keras

    return None if x is None else keras.tree.map_structure(fn, x)


def _batch(batch_size, n: int) -> int:
    """``batch_size`` (Keras's default 32) rounded up to a multiple of ``n``."""
    size = 32 if batch_size is None else batch_size
    return -(-size // n) * n


def even_predict(model, predict):
    """``predict`` that pads an uneven last batch with copies of the last row, then drops them."""

    @functools.wraps(predict)
    def wrapper(x, batch_size=None, **kwargs):
        n, rows = replicas_of(model), _rows(x)
        if n < 2 or not rows:
            return predict(x, batch_size=batch_size, **kwargs)
        pad = -rows % n
        if pad:
            x = _map(lambda a: np.concatenate([a, np.repeat(np.asarray(a)[-1:], pad, 0)]), x)
        out = predict(x, batch_size=_batch(batch_size, n), **kwargs)
        return _map(lambda a: a[:rows], out) if pad else out

    wrapper._even = True
    return wrapper


def even_evaluate(model, evaluate):
    """``evaluate`` that evaluates the rows left over by an uneven last batch apart.

    The leading rows, whose batches all split evenly, are evaluated as usual; the last
    ``k < N`` rows are repeated N times (one batch, one copy per replica) and evaluated; the
    results are averaged with weights ``rows - k`` and ``k``.
    """

    @functools.wraps(evaluate)
    def wrapper(x=None, y=None, batch_size=None, sample_weight=None, **kwargs):
        n, rows = replicas_of(model), _rows(x)
        extra = {} if sample_weight is None else {"sample_weight": sample_weight}
        if n < 2 or not rows or kwargs.get("steps") is not None:
            return evaluate(x=x, y=y, batch_size=batch_size, **extra, **kwargs)
        size, tail = _batch(batch_size, n), rows % n
        if not tail:
            return evaluate(x=x, y=y, batch_size=size, **extra, **kwargs)
        parts, head = [], rows - tail
        cut = lambda data, a, b: _map(lambda v: np.asarray(v)[a:b], data)  # noqa: E731
        tile = lambda data: _map(lambda v: np.concatenate([v] * n), data)  # noqa: E731
        if head:
            parts.append((head, evaluate(x=cut(x, 0, head), y=cut(y, 0, head), batch_size=size,
                                         **{k: cut(v, 0, head) for k, v in extra.items()},
                                         **kwargs)))
        parts.append((tail, evaluate(x=tile(cut(x, head, rows)), y=tile(cut(y, head, rows)),
                                     batch_size=tail * n, **kwargs,
                                     **{k: tile(cut(v, head, rows)) for k, v in extra.items()})))
        return _weighted(parts, rows)

    wrapper._even = True
    return wrapper


def _weighted(parts, rows):
    """The row-weighted mean of evaluate's results (scalars, lists or dicts of scalars)."""
    first = parts[0][1]
    if isinstance(first, dict):
        return {k: sum(w * r[k] for w, r in parts) / rows for k in first}
    if isinstance(first, (list, tuple)):
        return [sum(w * r[i] for w, r in parts) / rows for i in range(len(first))]
    return sum(w * r for w, r in parts) / rows
