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


def test_grid_mixture_and_coverage():
    centres = dv.grid_centres(5, 2.0)
    assert centres.shape == (25, 2) and centres.min() == -4 and centres.max() == 4
    x = dv.gaussian_mixture(5000, centres, std=0.05, seed=0)
    assert dv.modes_covered(x, std=0.05, centres=centres) == (25, pytest.approx(1.0, abs=0.02))
    corner = x[np.linalg.norm(x - centres[0], axis=1) < 0.3]
    assert dv.modes_covered(corner, std=0.05, centres=centres)[0] == 1
    # samples halfway between modes are not good, and cover nothing
    between = centres[:5] + [1.0, 1.0]
    assert dv.modes_covered(between, std=0.05, centres=centres) == (0, 0.0)


def test_ring_matches_mixture_and_numpy_scalars():
    a = dv.ring_of_gaussians(100, modes=np.int64(8), std=np.float32(0.1), seed=3)
    b = dv.gaussian_mixture(100, dv.ring_centres(8), std=0.1, seed=3)
    np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("call, name", [
    (lambda: dv.kl_divergence([0.5, 0.6], [0.5, 0.5]), "p"),
    (lambda: dv.kl_divergence([1.0], [0.5, 0.5]), "q"),
    (lambda: dv.js_divergence([[1.0]], [1.0]), "p"),
    (lambda: dv.wasserstein_empirical(np.zeros((3, 2)), np.zeros((4, 2))), "b"),
    (lambda: dv.modes_covered(np.zeros((5, 3))), "samples"),
    (lambda: dv.modes_covered(np.zeros((5, 2)), min_fraction=2.0), "min_fraction"),
    (lambda: dv.modes_covered(np.zeros((5, 2)), centres=np.zeros(3)), "centres"),
    (lambda: dv.parallel_lines_histograms(2.0), "theta"),
    (lambda: dv.parallel_lines_histograms(0.5, bins=0), "bins"),
    (lambda: dv.parallel_lines_samples(0.5, n=0), "n"),
    (lambda: dv.ring_of_gaussians(10, std=0.0), "std"),
    (lambda: dv.ring_of_gaussians(10, modes=0), "modes"),
    (lambda: dv.grid_centres(side=0), "side"),
    (lambda: dv.grid_centres(spacing=0.0), "spacing"),
    (lambda: dv.gaussian_mixture(0, dv.grid_centres()), "n"),
])
def test_bad_input(call, name):
    with pytest.raises(ValueError, match=f"Invalid value for argument '{name}'"):
        call()
