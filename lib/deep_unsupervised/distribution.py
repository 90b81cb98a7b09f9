"""Data-parallel training on several devices, used automatically when more than one accelerator
is visible and costing nothing otherwise.

Every recipe's ``train`` runs inside :func:`data_parallel` (``recipes.Recipe`` wraps it), so a
model built, compiled and fitted there is trained on all the devices :func:`devices` names:

* on TensorFlow, inside a ``tf.distribute.MirroredStrategy`` scope: one copy of the weights per
  device, each copy computes the gradient of its share of the batch, and the gradients are summed
  (all-reduce) before one optimiser step updates every copy alike;
* on JAX, inside ``keras.distribution.DataParallel``: the weights are replicated on every device,
  each batch is split along its first axis, and XLA inserts the all-reduce.

**Batch size.** ``batch_size`` stays the *global* batch: with 2 devices and ``batch_size=128``
each device computes 64 examples per step, and the model takes the same number of steps per epoch
as on one device, with the same learning rate. Results are not bit for bit those of one device
(sums are split and reordered), but the model trained is the same up to round-off.

**Choosing the devices** (the argument ``devices`` of :func:`data_parallel`, or else the
environment variable ``BOOK_DEVICES``):

* ``"auto"`` (default): all visible GPUs (or TPUs) when there are at least two, else one device;
* ``"off"``: never distribute (one device);
* ``"gpu:N"``, ``"tpu:N"``: the first N such devices;
* ``"cpu:N"``: N virtual CPU devices, for testing on a laptop. TensorFlow splits the CPU into N
  logical devices and JAX is started with N host devices; both must happen before the backend
  starts (before the first tensor is made), so set ``BOOK_DEVICES=cpu:2`` before the kernel starts.

With one device nothing happens: no strategy or distribution is created, no scope entered, so the
numbers are exactly those of plain Keras.

**What the models need** is in :mod:`deep_unsupervised.replica_models`, which
:func:`deep_unsupervised.training.fit` applies through :func:`prepared`. On TensorFlow,
``MirroredStrategy`` sums the replicas' gradients: Keras's own ``train_step`` divides its loss by
N, the library divides a model's own ``compute_loss`` (the VAE) the same way, and the book's own
training steps (GAN, WGAN-GP, CycleGAN, the RBM's CD-k) divide their gradients by N through
:mod:`deep_unsupervised.autodiff`, which also hands each replica its rows of the global batch's
noise; a ``train_step`` written otherwise is refused with :class:`OneDeviceOnly` (a recipe then
trains it on one device after a one-line notice). Batch normalisation uses the global batch's
statistics during ``fit``, as on one device and on JAX. Every batch must split evenly:
:func:`deep_unsupervised.training.fit` trims its data (:func:`even_rows`, :func:`even_dataset`),
and the trained model's ``predict``/``evaluate`` handle a last batch that does not split. Keras 3
on TensorFlow cannot run several steps per call under a strategy (keras-team/keras#19246), so
:func:`steps_per_execution` is 1 there. Dropout layers draw the same mask pattern on every
replica (per position in a replica's share), as Keras 3 does for any model on TensorFlow.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import re

from .validation import invalid

VARIABLE = "BOOK_DEVICES"
KINDS = ("cpu", "gpu", "tpu")
SPEC_TEXT = "'auto', 'off' or '<kind>:<count>' with kind in cpu/gpu/tpu, such as 'cpu:2'"


class OneDeviceOnly(ValueError):
    """A model data_parallel() cannot train (its message says why); recipes then train it on one
    device with a one-line notice."""

    def __init__(self, name, expected, received, reason=""):
        super().__init__(str(invalid(name, expected, received)))
        self.reason = reason


@dataclasses.dataclass(frozen=True)
class Replicas:
    """The data-parallel set-up in force: backend, device names, and the Keras/TF object."""

    backend: str
    devices: tuple
    handle: object  # tf.distribute.MirroredStrategy or keras.distribution.DataParallel

    @property
    def num_replicas(self) -> int:
        return len(self.devices)


_ACTIVE: list[Replicas] = []


def _backend() -> str:
    import keras

    return keras.backend.backend()


def parse(spec: str | None = None, name: str = "devices") -> tuple[str, int | None]:
    """``(kind, count)`` of a device spec: ``("auto", None)``, ``("off", None)``, ``("cpu", 2)``.

    ``spec=None`` reads ``$BOOK_DEVICES`` (``"auto"`` when unset or empty).
    """
    if spec is None:
        spec, name = os.environ.get(VARIABLE, "").strip() or "auto", VARIABLE
    if not isinstance(spec, str):
        raise invalid(name, SPEC_TEXT, spec)
    text = spec.strip().lower()
    if text in ("auto", "off"):
        return text, None
    match = re.fullmatch(r"(cpu|gpu|tpu):([1-9][0-9]*)", text)
    if match is None:
        raise invalid(name, SPEC_TEXT, spec)
    return match.group(1), int(match.group(2))


def accelerators() -> list[str]:
    """The GPUs and TPUs the current Keras backend sees (names), without starting TensorFlow."""
    if _backend() == "tensorflow":
        import tensorflow as tf

        # physical devices: listing them does not start the runtime (logical devices would)
        return [f"/{kind}:{i}" for kind in ("gpu", "tpu")
                for i in range(len(tf.config.list_physical_devices(kind.upper())))]
    if _backend() == "jax":
        import jax

        return [f"{d.platform}:{d.id}" for d in jax.devices() if d.platform in ("gpu", "tpu")]
    return []


def _cpus(count: int) -> list[str]:
    """``count`` CPU devices, splitting the CPU into virtual devices first if it can still."""
    if _backend() == "tensorflow":
        import tensorflow as tf

        cpu = tf.config.list_physical_devices("CPU")[0]
        if count > 1 and not tf.config.get_logical_device_configuration(cpu):
            with contextlib.suppress(RuntimeError):  # the runtime has started: too late
                tf.config.set_logical_device_configuration(
                    cpu, [tf.config.LogicalDeviceConfiguration()] * count)
        return [f"/cpu:{i}" for i in range(len(tf.config.list_logical_devices("CPU")))]
    import jax

    if count > 1:
        with contextlib.suppress(RuntimeError):  # the backend has started: too late
            jax.config.update("jax_num_cpu_devices", count)
    return [f"cpu:{d.id}" for d in jax.devices("cpu")]


def devices(spec: str | None = None) -> list[str]:
    """The devices training will use under ``spec`` (see the module docstring for the forms).

    Returns:
        Device names: two or more when training is data-parallel, else the one device the
        backend uses by default (and :func:`data_parallel` does nothing).

    Raises:
        ValueError: for a malformed spec, or more devices of a kind than exist.
    """
    kind, count = parse(spec)
    if kind == "off":
        return _default()
    if kind == "auto":
        found = accelerators()
        return found if len(found) > 1 else _default()
    found = _cpus(count) if kind == "cpu" else [d for d in accelerators() if kind in d]
    if count > len(found):
        name, value = ("devices", spec) if spec is not None else (VARIABLE, os.environ[VARIABLE])
        raise invalid(name, f"at most {len(found)} {kind} devices (the {kind} devices visible "
                      f"to {_backend()}: {found}; virtual CPU devices must be set before the "
                      f"backend starts)", value)
    return found[:count]


def _default() -> list[str]:
    """The one device the backend trains on without data parallelism."""
    found = accelerators()
    if found:
        return found[:1]
    return ["/cpu:0"] if _backend() == "tensorflow" else ["cpu:0"]


def active() -> Replicas | None:
    """The data-parallel set-up of the enclosing :func:`data_parallel`, or ``None``."""
    return _ACTIVE[-1] if _ACTIVE else None


@contextlib.contextmanager
def data_parallel(devices: str | None = None):
    """Build, compile and fit models inside this block to train them on several devices.

    Args:
        devices: a device spec (``"auto"``, ``"off"``, ``"cpu:2"``, ``"gpu:4"``; default
            ``$BOOK_DEVICES`` or ``"auto"``).

    Yields:
        A :class:`Replicas` when training is data-parallel, else ``None`` (one device: the
        block runs exactly as without it). Nested blocks reuse the outer set-up.

    Example:
        >>> with data_parallel("cpu:2") as replicas:               # doctest: +SKIP
        ...     model = build(); training.fit(model, x, epochs=2, batch_size=128)
    """
    if _ACTIVE:
        yield _ACTIVE[-1]
        return
    chosen = globals()["devices"](devices)
    if len(chosen) < 2:
        yield None
        return
    replicas = _make(chosen)
    _ACTIVE.append(replicas)
    try:
        with replicas.handle.scope():
            yield replicas
    finally:
        _ACTIVE.pop()


_MADE: dict[tuple, Replicas] = {}


def _make(chosen: list[str]) -> Replicas:
    """One set-up per backend and devices, made once: two MirroredStrategy objects on the same
    devices clash in their collective all-reduces (TensorFlow's "Shape mismatch in the
    collective instance")."""
    key = (_backend(), tuple(chosen))
    if key not in _MADE:
        _MADE[key] = _new(chosen)
    return _MADE[key]


def _new(chosen: list[str]) -> Replicas:
    backend = _backend()
    if backend == "tensorflow":
        import tensorflow as tf

        return Replicas(backend, tuple(chosen), tf.distribute.MirroredStrategy(chosen))
    if backend == "jax":
        import keras

        return Replicas(backend, tuple(chosen), keras.distribution.DataParallel(devices=chosen))
    raise invalid("KERAS_BACKEND", "'tensorflow' or 'jax' for data-parallel training", backend)


def steps_per_execution(requested: int) -> int:
    """``requested``, or 1 under a TensorFlow ``MirroredStrategy``: Keras 3's multi-step loop
    fails there ("You must feed a value for placeholder tensor", keras-team/keras#19246)."""
    replicas = active()
    return 1 if replicas is not None and replicas.backend == "tensorflow" else requested


def prepared(model):
    """A context manager within which ``model`` trains correctly on the set-up in force: see
    :func:`deep_unsupervised.replica_models.prepared` (nothing happens on one device)."""
    from . import replica_models

    return replica_models.prepared(model, active())


def check_model(model) -> None:
    """Raise a clear ``ValueError`` if the set-up in force cannot train ``model`` (see
    :func:`deep_unsupervised.replica_models.check_model`); nothing on one device."""
    from . import replica_models

    if active() is not None:
        replica_models.check_model(model, active())


def even_dataset(dataset):
    """``dataset`` (batched) with every batch cut to a multiple of the replicas, and a last
    batch smaller than that dropped; unchanged without data parallelism. The counterpart of
    :func:`even_rows` for a ``tf.data.Dataset``; it reads the dataset once to count its batches
    (an unknown count would make Keras run one more, empty, step on TensorFlow's replicas)."""
    replicas = active()
    if replicas is None:
        return dataset
    import tensorflow as tf

    n = replicas.num_replicas

    def rows(*batch):
        return tf.shape(tf.nest.flatten(batch)[0])[0]

    def cut(*batch):
        batch = tf.nest.map_structure(lambda t: t[:rows(*batch) // n * n], batch)
        return batch if len(batch) > 1 else batch[0]

    if dataset.cardinality() < 0:  # infinite or unknown: no count to keep
        return dataset.map(cut).filter(lambda *batch: rows(*batch) > 0)
    sizes = list(dataset.map(rows).as_numpy_iterator())
    if all(size % n == 0 for size in sizes):
        return dataset
    dataset = dataset.map(cut)
    keep = sum(size >= n for size in sizes)
    if keep < len(sizes):
        dataset = dataset.filter(lambda *batch: rows(*batch) > 0).apply(
            tf.data.experimental.assert_cardinality(keep))
    return dataset


def even_rows(n: int | None, batch_size: int | None) -> int | None:
    """How many of ``n`` examples to train on so that every batch splits evenly across replicas.

    Without data parallelism: ``n``. With N replicas, ``batch_size`` must be a multiple of N,
    and the last, smaller batch of an epoch loses its remainder modulo N (at most N - 1
    examples): JAX cannot shard a batch unevenly, and TensorFlow's metrics of a replica with an
    empty share are NaN.
    """
    replicas = active()
    if replicas is None or n is None or batch_size is None:
        return n
    if batch_size % replicas.num_replicas:
        raise invalid("batch_size", f"a multiple of the {replicas.num_replicas} devices "
                      f"training data-parallel", batch_size)
    return n - (n % batch_size) % replicas.num_replicas
