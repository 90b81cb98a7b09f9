"""Gradients and hand-written training steps that run on either Keras backend (TensorFlow, JAX).

Keras 3 differentiates inside ``fit`` on every backend, and a model that only needs a custom loss
overrides ``compute_loss``. Some steps cannot be written that way: a GAN's two optimisers update
two networks from two losses, and an RBM's CD-k update is not the gradient of any loss Keras sees.
Such a step is written by hand, and the backends disagree on how:

- TensorFlow runs ``train_step(data)`` as stateful code: read the variables, take gradients with a
  ``tf.GradientTape``, assign the new values (the keras-io GAN examples).
- JAX's trainer calls ``train_step(state, data)`` with the *values* of every variable and expects
  ``(logs, new_state)`` back, with gradients from ``jax.value_and_grad`` of pure functions (the
  keras-io guide "Customizing what happens in fit() with JAX").

The three helpers below hold everything backend-specific, so that each of the book's steps is
written once, as stateful Keras code:

- :func:`value_and_grad` is the tape on TensorFlow and ``jax.value_and_grad`` on JAX;
- :func:`input_gradient` is the same for a gradient with respect to an input (WGAN-GP);
- :func:`any_backend` lets JAX's trainer call a stateful ``train_step``/``test_step``: it runs the
  step inside a :class:`keras.StatelessScope` that holds the trainer's state, which is what
  Keras's own ``stateless_call`` and ``optimizer.stateless_apply`` do inside.

On the JAX backend, ``keras.distribution.DataParallel`` traces a step on the global batch and
lets XLA place the all-reduce, so these steps train on several devices unchanged.
"""

from __future__ import annotations

import contextlib
import functools

import keras
from keras import ops


def _backend():
    return keras.backend.backend()


def value_and_grad(fn, variables, model):
    """Value of ``fn()`` and its gradient with respect to the Keras ``variables``.

    Args:
        fn: a function of no arguments returning ``(loss, aux)``; it may read any variable of
            ``model`` and update its non-trainable state (batch-norm statistics, random seeds).
        variables: the variables to differentiate with respect to (e.g. one network's
            ``trainable_weights``).
        model: the model whose variables ``fn`` reads.

    Returns:
        ``(loss, aux, gradients)``, the gradients in the order of ``variables``.
    """
    variables = list(variables)
    if _backend() == "jax":
        return _jax_value_and_grad(fn, variables, model)
    if _backend() != "tensorflow":
        raise NotImplementedError(f"no gradient for the backend {_backend()!r}")
    import tensorflow as tf

    with tf.GradientTape() as tape:
        loss, aux = fn()
    return loss, aux, tape.gradient(loss, variables)


def _jax_value_and_grad(fn, variables, model):
    """JAX: differentiate ``fn`` as a pure function of the variables' values.

    ``fn`` runs in a ``StatelessScope`` that maps ``variables`` to the values being differentiated
    and every other variable of ``model`` to its current value (read from an enclosing scope, if
    any); the updates ``fn`` makes to those others are assigned afterwards.
    """
    import jax

    ids = {id(v) for v in variables}
    others = [v for v in model.variables if id(v) not in ids]

    def pure(values, other_values):
        mapping = list(zip(variables, values)) + list(zip(others, other_values))
        with keras.StatelessScope(state_mapping=mapping) as scope:
            loss, aux = fn()
        return loss, (aux, [scope.get_current_value(v) for v in others])

    (loss, (aux, updates)), grads = jax.value_and_grad(pure, has_aux=True)(
        [v.value for v in variables], [v.value for v in others])
    for v, value in zip(others, updates):
        v.assign(value)
    return loss, aux, grads


def input_gradient(fn, x):
    """Gradient of ``sum(fn(x))`` with respect to the input tensor ``x`` (same shape as ``x``)."""
    if _backend() == "jax":
        import jax

        return jax.grad(lambda t: ops.sum(fn(t)))(x)
    import tensorflow as tf

    with tf.GradientTape() as tape:
        tape.watch(x)
        y = fn(x)
    return tape.gradient(y, x)


def _state_variables(model, n):
    """The variables behind the JAX trainer's ``state`` (4 lists in training, 3 in tests)."""
    if n == 4:
        return (model.trainable_variables, model.non_trainable_variables,
                model.optimizer.variables, model.metrics_variables)
    return model.trainable_variables, model.non_trainable_variables, model.metrics_variables


def stateless_step(model, step, state, data):
    """Run the stateful ``step(data)`` as JAX's trainer wants it: ``(logs, new_state)``.

    Every variable is mapped to its value in ``state`` for the duration of the step; reads see
    these values, assignments (optimiser updates, metric updates, seeds) are collected by the
    scope instead of changing the variables, and returned as the new state.
    """
    groups = _state_variables(model, len(state))
    mapping = [(v, value) for vs, values in zip(groups, state) for v, value in zip(vs, values)]
    with keras.StatelessScope(state_mapping=mapping) as scope:
        logs = step(data)
    return logs, tuple([scope.get_current_value(v) for v in vs] for vs in groups)


def any_backend(step):
    """Decorate a stateful ``train_step(self, data)`` or ``test_step`` to run on every backend.

    TensorFlow (and a direct call ``model.train_step(data)``) runs the step as written; JAX's
    trainer calls ``train_step(state, data)`` and gets the step run by :func:`stateless_step`.
    """
    @functools.wraps(step)
    def wrapper(self, *args):
        if len(args) == 2 and _backend() == "jax":
            state, data = args
            return stateless_step(self, functools.partial(step, self), state, data)
        return step(self, *args)

    return wrapper


@contextlib.contextmanager
def remapper_disabled():
    """Switch off TensorFlow grappler's "remapper" inside a ``with`` block, then restore it.

    The remapper fuses Conv2D + BiasAdd + LeakyReLU into one kernel, and fails (printing a C++
    error, harmlessly: it then runs the unfused graph) when a training step back-propagates
    through such a block of a network whose own weights it does not update: the generator step
    through a convolutional discriminator, the gradient penalty, the CycleGAN translators through
    their discriminators. Wrap the ``fit`` of such a model in it (the recipes of
    ``recipes/dcgan.py`` do); the option is read when the training function is first optimised,
    i.e. inside the ``fit``, and the toy MLP GANs do not need it. On other backends (JAX) it
    does nothing.
    """
    if keras.backend.backend() != "tensorflow":
        yield
        return
    import tensorflow as tf

    before = tf.config.optimizer.get_experimental_options().get("remapping", True)
    tf.config.optimizer.set_experimental_options({"remapping": False})
    try:
        yield
    finally:
        tf.config.optimizer.set_experimental_options({"remapping": before})
