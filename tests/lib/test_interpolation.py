"""Tests of deep_unsupervised.interpolation: paths against hand-computed points, code paths of
linear models against the path between decoded ends, nearest distances against a brute force."""

import numpy as np
import pytest

from deep_unsupervised import interpolation


def test_lerp_runs_from_a_to_b_in_even_steps():
    rng = np.random.default_rng(0)
    a, b = rng.random((3, 4, 5)), rng.random((3, 4, 5))
    path = interpolation.lerp(a, b, steps=5)
    assert path.shape == (3, 5, 4, 5)
    np.testing.assert_allclose(path[:, 0], a, atol=1e-6)
    np.testing.assert_allclose(path[:, -1], b, atol=1e-6)
    np.testing.assert_allclose(path[:, 2], (a + b) / 2, atol=1e-6)
    np.testing.assert_allclose(path[:, 1], 0.75 * a + 0.25 * b, atol=1e-6)


def test_lerp_rejects_bad_input():
    with pytest.raises(ValueError, match="'b'"):
        interpolation.lerp(np.zeros((2, 3)), np.zeros((2, 4)))
    with pytest.raises(ValueError, match="'steps'"):
        interpolation.lerp(np.zeros((2, 3)), np.zeros((2, 3)), steps=1)


class _Linear:
    """A stand-in model: predict(x) = x @ W, the simplest encoder or decoder."""

    def __init__(self, W):
        self.W = W

    def predict(self, x, batch_size=None, verbose=0):
        return np.asarray(x).reshape(len(x), -1) @ self.W


def test_code_path_of_linear_models_is_the_path_between_the_reconstructions():
    # for linear encoder and decoder, dec(lerp(enc a, enc b)) = lerp(dec enc a, dec enc b)
    rng = np.random.default_rng(1)
    enc, dec = _Linear(rng.normal(size=(6, 2))), _Linear(rng.normal(size=(2, 6)))
    a, b = rng.random((4, 6)), rng.random((4, 6))
    path = interpolation.code_path(enc, dec, a, b, steps=4)
    expected = interpolation.lerp(dec.predict(enc.predict(a)), dec.predict(enc.predict(b)), 4)
    assert path.shape == (4, 4, 6)
    np.testing.assert_allclose(path, expected, rtol=1e-5, atol=1e-5)


def test_code_path_is_not_the_pixel_path_for_a_nonlinear_decoder():
    rng = np.random.default_rng(2)
    enc = _Linear(np.eye(3))

    class Square(_Linear):
        def predict(self, x, batch_size=None, verbose=0):
            return np.asarray(x) ** 2

    a, b = rng.random((2, 3)) + 0.5, -rng.random((2, 3)) - 0.5
    mid = interpolation.code_path(enc, Square(None), a, b, steps=3)[:, 1]
    np.testing.assert_allclose(mid, ((a + b) / 2) ** 2, rtol=1e-5)
    assert np.all(mid < (a ** 2 + b ** 2) / 2)


def test_code_path_rejects_a_model_without_predict():
    with pytest.raises(ValueError, match="'encoder'"):
        interpolation.code_path(object(), _Linear(np.eye(2)), np.zeros((1, 2)), np.zeros((1, 2)))


def test_nearest_distance_matches_a_brute_force_search():
    rng = np.random.default_rng(3)
    x, ref = rng.random((7, 4, 4)), rng.random((30, 4, 4))
    brute = np.array([min(np.mean((xi - r) ** 2) for r in ref) for xi in x])
    np.testing.assert_allclose(interpolation.nearest_distance(x, ref, chunk=3), brute,
                               rtol=1e-5, atol=1e-9)
    # an image that is in the reference set is at distance 0
    assert interpolation.nearest_distance(ref[:2], ref)[0] == pytest.approx(0, abs=1e-9)


def test_nearest_distance_rejects_mismatched_images():
    with pytest.raises(ValueError, match="'reference'"):
        interpolation.nearest_distance(np.zeros((2, 4, 4)), np.zeros((3, 16)))
