"""validation: one message format, NumPy scalars accepted."""

import numpy as np
import pytest

from deep_unsupervised._backend import validation as V


def test_numpy_scalars_are_numbers():
    assert V.check_int("n", np.int64(4), low=1) == 4 and type(V.check_int("n", np.int32(4))) is int
    assert V.check_float("beta", np.float32(2.0), low=0) == 2.0
    assert V.check_ints("hidden", np.array([8, 4]), low=1) == (8, 4)
    assert V.check_shape("input_shape", (np.int64(28), 28, 1), ndim=3) == (28, 28, 1)


@pytest.mark.parametrize("call, message", [
    (lambda: V.check_int("n", 2.5), "Invalid value for argument 'n': expected an integer, received n=2.5"),
    (lambda: V.check_int("n", True), "expected an integer"),
    (lambda: V.check_int("n", 0, low=1), "expected 1 <= n, received n=0"),
    (lambda: V.check_float("rate", 1.5, low=0, high=1, high_inclusive=False),
     "Invalid value for argument 'rate': expected 0 <= rate < 1, received rate=1.5"),
    (lambda: V.check_float("rate", float("nan")), "expected a finite number"),
    (lambda: V.check_choice("loss", "hinge", ("bce", "mse")), "expected one of ('bce', 'mse')"),
    (lambda: V.check_ints("hidden", (8, 0), low=1), "expected a sequence of integers >= 1"),
    (lambda: V.check_ints("hidden", "88"), "expected a sequence of integers"),
    (lambda: V.check_shape("input_shape", (28, 28), ndim=3), "a shape of 3 positive integer"),
    (lambda: V.check_array("x", np.zeros((3, 4)), shape=(None, 784)),
     "expected an array of shape (n, 784), received shape (3, 4)"),
    (lambda: V.check_array("x", np.zeros((3, 4)), ndim=(3, 4)), "an array with 3 or 4 axes"),
    (lambda: V.check_array("x", np.full(3, 2.0), low=0, high=1),
     "expected values in [0, 1], received values in [2, 2]"),
    (lambda: V.check_array("x", [np.nan]), "received 1 NaN or infinite value(s)"),
    (lambda: V.check_array("x", ["a"]), "expected an array of numbers"),
])
def test_messages(call, message):
    with pytest.raises(ValueError) as err:
        call()
    assert message in str(err.value)


def test_check_array_returns_requested_dtype():
    a = V.check_array("x", [[0, 1]], shape=(None, 2), low=0, high=1)
    assert a.dtype == np.float32 and a.shape == (1, 2)
