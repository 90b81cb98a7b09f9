"""Tests for deep_unsupervised.autodiff: gradients against closed forms, state updates made
inside a differentiated function, and a hand-written stateful step run by fit (on JAX through
the stateless adapter) against the update computed here."""

import deep_unsupervised as du

du.setup(seed=0, style=False)

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from keras import ops  # noqa: E402

from deep_unsupervised import autodiff  # noqa: E402

pytestmark = pytest.mark.backend  # the module is the per-backend code

X = np.array([[1.0, -2.0], [0.5, 3.0], [-1.5, 0.0]], "float32")


def test_value_and_grad_matches_the_closed_form():
    layer = keras.layers.Dense(1, use_bias=False)
    layer.build((None, 2))
    layer.kernel.assign(np.array([[0.3], [-0.7]], "float32"))

    def objective():  # mean (x.w)^2, whose gradient is 2 mean (x.w) x
        out = layer(X)
        return ops.mean(ops.square(out)), out

    loss, out, (grad,) = autodiff.value_and_grad(objective, [layer.kernel], layer)
    w = np.array([0.3, -0.7])
    np.testing.assert_allclose(float(loss), np.mean((X @ w) ** 2), rtol=1e-5)
    np.testing.assert_allclose(ops.convert_to_numpy(out)[:, 0], X @ w, rtol=1e-5)
    np.testing.assert_allclose(ops.convert_to_numpy(grad)[:, 0],
                               2 * ((X @ w)[:, None] * X).mean(0), rtol=1e-5)


def test_value_and_grad_keeps_the_state_updates_of_the_function():
    net = keras.Sequential([keras.Input((2,)), keras.layers.Dense(2),
                            keras.layers.BatchNormalization(momentum=0.5)])
    before = ops.convert_to_numpy(net.layers[1].moving_mean).copy()
    _, _, grads = autodiff.value_and_grad(
        lambda: (ops.sum(net(X, training=True) ** 2), None), net.layers[0].trainable_weights, net)
    after = ops.convert_to_numpy(net.layers[1].moving_mean)
    assert not np.allclose(before, after)  # the batch statistics moved, as in a training step
    assert len(grads) == 2 and all(g is not None for g in grads)


def test_input_gradient_matches_the_closed_form():
    x = ops.convert_to_tensor(X)
    grad = autodiff.input_gradient(lambda t: t ** 3, x)
    np.testing.assert_allclose(ops.convert_to_numpy(grad), 3 * X ** 2, rtol=1e-5)


class _Descent(keras.Model):
    """w <- w - lr * d/dw mean((x w - 1)^2), by hand, with a tracker of the loss."""

    def __init__(self):
        super().__init__(name="descent")
        self.w = self.add_weight(shape=(2,), initializer="ones", name="w")
        self.tracker = keras.metrics.Mean(name="loss")

    def call(self, x):
        return x * self.w

    @property
    def metrics(self):
        return [self.tracker]

    @autodiff.any_backend
    def train_step(self, data):
        x = data[0] if isinstance(data, tuple) else data
        loss, _, grads = autodiff.value_and_grad(
            lambda: (ops.mean(ops.square(self(x) - 1.0)), None), [self.w], self)
        self.optimizer.apply(grads, [self.w])
        self.tracker.update_state(loss)
        return {"loss": self.tracker.result()}


@pytest.mark.parametrize("run_eagerly", [False, True])
def test_a_stateful_step_trains_through_fit(run_eagerly):
    model = _Descent()
    model.compile(optimizer=keras.optimizers.SGD(0.1), run_eagerly=run_eagerly)
    history = model.fit(X, epochs=1, batch_size=len(X), verbose=0, shuffle=False)
    residual = X - 1.0  # x * w - 1 at w = (1, 1)
    np.testing.assert_allclose(history.history["loss"][0], np.mean(residual ** 2), rtol=1e-5)
    want = 1.0 - 0.1 * 2 * (residual * X).mean(0) / X.shape[1]
    np.testing.assert_allclose(ops.convert_to_numpy(model.w), want, rtol=1e-5)
    assert int(model.optimizer.iterations) == 1
