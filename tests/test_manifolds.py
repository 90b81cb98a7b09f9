"""Tests for deep_unsupervised.manifolds: generated curved data sets and distance to the spiral."""

import numpy as np
import pytest

from deep_unsupervised.manifolds import distance_to_spiral, spiral, spiral_curve, swiss_roll


def test_noise_free_spiral_lies_on_the_curve():
    x, t = spiral(500, noise=0.0, seed=0)
    np.testing.assert_allclose(x, spiral_curve(t), atol=1e-6)
    assert distance_to_spiral(x).max() < 1e-3


def test_distance_matches_noise_level():
    x, _ = spiral(3000, noise=0.01, seed=1)
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


def test_bad_arguments():
    with pytest.raises(ValueError, match="'n'"):
        spiral(0)
    with pytest.raises(ValueError, match="'noise'"):
        spiral(10, noise=-1.0)
    with pytest.raises(ValueError, match=r"\(N, 2\)"):
        distance_to_spiral(np.zeros((3, 3)))
