"""Tests for deep_unsupervised.divergences: discrete divergences vs closed forms, optimal transport, modes."""

import numpy as np
import pytest

from deep_unsupervised import divergences as dv


def test_kl_and_js_of_known_distributions():
    p, q = np.array([0.5, 0.5]), np.array([0.9, 0.1])
    assert dv.kl_divergence(p, q) == pytest.approx(0.5 * np.log(0.5 / 0.9) + 0.5 * np.log(0.5 / 0.1))
    assert dv.kl_divergence(p, p) == 0.0
    assert dv.kl_divergence([1.0, 0.0], [0.0, 1.0]) == np.inf
    assert dv.js_divergence([1.0, 0.0], [0.0, 1.0]) == pytest.approx(np.log(2))
    assert 0 < dv.js_divergence(p, q) < np.log(2)


@pytest.mark.parametrize("theta", [-0.5, 0.08, 0.3, 0.9])
def test_parallel_lines_histograms_match_closed_form(theta):
    p0, pt = dv.parallel_lines_histograms(theta, bins=40)
    closed = dv.parallel_lines_closed_form(theta)
    assert dv.kl_divergence(p0, pt) == closed["KL"] == np.inf
    assert dv.js_divergence(p0, pt) == pytest.approx(closed["JS"])


def test_parallel_lines_at_zero():
    p0, pt = dv.parallel_lines_histograms(0.0)
    assert dv.kl_divergence(p0, pt) == 0 and dv.js_divergence(p0, pt) == 0
    assert dv.parallel_lines_closed_form(0.0)["W"] == 0


def test_empirical_wasserstein_close_to_theta():
    a, b = dv.parallel_lines_samples(0.4, n=300, seed=0)
    w = dv.wasserstein_empirical(a, b)
    assert 0.4 <= w < 0.42  # the y-mismatch of finitely many samples only adds a little


def test_wasserstein_of_shifted_1d_points_is_shift():
    x = np.random.default_rng(1).normal(size=(50, 1))
    assert dv.wasserstein_empirical(x, x + 2.5) == pytest.approx(2.5)


def test_modes_covered():
    x = dv.ring_of_gaussians(4000, modes=8, std=0.05, seed=0)
    assert dv.modes_covered(x, std=0.05) == (8, pytest.approx(1.0, abs=0.02))
    one_mode = x[np.linalg.norm(x - dv.ring_centres()[0], axis=1) < 0.3]
    assert dv.modes_covered(one_mode, std=0.05)[0] == 1


def test_bad_input():
    with pytest.raises(ValueError, match="sum to 1"):
        dv.kl_divergence([0.5, 0.6], [0.5, 0.5])
    with pytest.raises(ValueError, match="same shape"):
        dv.kl_divergence([1.0], [0.5, 0.5])
    with pytest.raises(ValueError, match="samples"):
        dv.modes_covered(np.zeros((5, 3)))
    with pytest.raises(ValueError, match="theta"):
        dv.parallel_lines_histograms(2.0)
    with pytest.raises(ValueError, match="std"):
        dv.ring_of_gaussians(10, std=0.0)
