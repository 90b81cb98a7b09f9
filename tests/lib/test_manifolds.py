"""Tests for deep_unsupervised.manifolds: generated curved data sets and distance to the spiral."""

import numpy as np
import pytest

from deep_unsupervised.manifolds import distance_to_spiral, spiral, spiral_curve, swiss_roll


def test_noise_free_spiral_lies_on_the_curve():
    x, t = spiral(500, noise=0.0, seed=0)
    np.testing.assert_allclose(x, spiral_curve(t), atol=1e-6)
    assert distance_to_spiral(x).max() < 1e-3


def test_distance_matches_noise_level():
    x, _ = spiral(1000, noise=0.01, seed=1)  # the mean within about 2 % (sd of |N| / sqrt(n))
    d = distance_to_spiral(x)
    # For small isotropic noise the distance is |normal component|: E|N(0, σ²)| = σ·sqrt(2/π).
    assert d.mean() == pytest.approx(0.01 * np.sqrt(2 / np.pi), rel=0.1)


def test_distance_of_known_point():
    # The origin is at distance 0.25 from the arc, whose nearest point is its start (t = 0.25).
    assert distance_to_spiral(np.zeros((1, 2)))[0] == pytest.approx(0.25, abs=1e-3)


def test_swiss_roll_shapes_and_radius():
    x, u = swiss_roll(400, noise=0.0, seed=0)
    assert x.shape == (400, 3) and u.shape == (400, 2)
    radius = np.hypot(x[:, 0], x[:, 2])
    np.testing.assert_allclose(radius, u[:, 0] / (4.5 * np.pi), rtol=1e-5)


def test_numpy_scalars_are_valid_arguments():
    x, _ = spiral(np.int64(5), turns=np.float32(1.0), noise=np.float64(0.0), seed=np.int64(1))
    assert x.shape == (5, 2)
    assert swiss_roll(np.int32(4))[0].shape == (4, 3)


@pytest.mark.parametrize("call, match", [
    (lambda: spiral(0), "'n'"),
    (lambda: spiral(2.5), "'n'.*integer"),
    (lambda: spiral(10, noise=-1.0), "'noise'"),
    (lambda: spiral(10, turns=-1.0), "'turns'"),
    (lambda: spiral(10, seed=-2), "'seed'"),
    (lambda: spiral_curve([0.5, np.nan]), "'t'.*finite"),
    (lambda: distance_to_spiral(np.zeros((3, 3))), r"'x'.*\(n, 2\)"),
    (lambda: distance_to_spiral(np.zeros((3, 2)), resolution=1), "'resolution'"),
    (lambda: swiss_roll(0), "'n'"),
    (lambda: swiss_roll(10, noise=np.inf), "'noise'"),
])
def test_bad_arguments(call, match):
    with pytest.raises(ValueError, match=match):
        call()
