"""Tests for deep_unsupervised.latent_gaussian: closed forms against numerical integration and sampling."""

import numpy as np
import pytest
from scipy import integrate

from deep_unsupervised.latent_gaussian import LinearGaussian, gaussian_kl, log_normal


@pytest.fixture
def model():
    return LinearGaussian(W=[[2.0], [-1.0], [0.5]], b=[0.1, 0.0, -0.2], sigma=0.7)


X = np.array([1.0, -0.4, 0.3])


def test_log_evidence_equals_integral_over_codes(model):
    p, _ = integrate.quad(lambda z: np.exp(model.log_joint(X, [z])), -12, 12)
    assert model.log_evidence(X) == pytest.approx(np.log(p), abs=1e-8)


def test_posterior_is_bayes_rule(model):
    zs = np.linspace(-3, 3, 7)[:, None]
    bayes = model.log_joint(X, zs) - model.log_evidence(X)
    np.testing.assert_allclose(model.log_posterior(zs, X), bayes, atol=1e-10)


def test_elbo_identity_and_tightness(model):
    q_mean, q_cov = np.array([0.2]), np.array([[0.3]])
    gap = model.log_evidence(X) - model.elbo(X, q_mean, q_cov)
    assert gap == pytest.approx(model.kl_to_posterior(X, q_mean, q_cov), abs=1e-10)
    assert gap > 0
    assert model.elbo(X, *model.posterior(X)) == pytest.approx(model.log_evidence(X), abs=1e-10)


def test_elbo_monte_carlo_matches_closed_form(model):
    q_mean, q_cov = np.array([0.2]), np.array([[0.3]])
    joint, split = model.elbo_monte_carlo(X, q_mean, q_cov, num_samples=200_000)
    assert joint == pytest.approx(model.elbo(X, q_mean, q_cov), abs=0.02)
    assert split == pytest.approx(joint, abs=1e-9)


def test_estimators_of_evidence_converge(model):
    exact = model.log_evidence(X)
    assert model.naive_log_evidence(X, 200_000) == pytest.approx(exact, abs=0.02)
    assert model.importance_log_evidence(X, *model.posterior(X), 10) == pytest.approx(exact, abs=1e-9)


def test_gaussian_kl_against_monte_carlo():
    rng = np.random.default_rng(0)
    m0, c0, m1, c1 = np.array([0.5, -1.0]), np.array([[1.0, 0.3], [0.3, 0.5]]), np.zeros(2), np.eye(2) * 2
    z = rng.multivariate_normal(m0, c0, size=200_000)
    mc = np.mean(log_normal(z, m0, c0) - log_normal(z, m1, c1))
    assert gaussian_kl(m0, c0, m1, c1) == pytest.approx(mc, abs=0.01)
    assert gaussian_kl(m0, c0, m0, c0) == pytest.approx(0.0, abs=1e-12)


def test_bad_inputs(model):
    with pytest.raises(ValueError, match="'W'"):
        LinearGaussian(W=[1.0, 2.0])
    with pytest.raises(ValueError, match="'sigma'"):
        LinearGaussian(W=[[1.0]], sigma=0.0)
    with pytest.raises(ValueError, match="'b'"):
        LinearGaussian(W=[[1.0]], b=[0.0, 1.0])
    with pytest.raises(ValueError, match="'x'.*shape \\(3"):
        model.log_evidence([1.0, 2.0])


def test_numpy_scalars_are_valid_arguments(model):
    lg = LinearGaussian(W=[[1.0]], sigma=np.float32(0.5))
    assert lg.sample(np.int64(3), seed=np.int64(0))[1].shape == (3, 1)


def test_every_entry_point_rejects_bad_input(model):
    x = np.zeros(model.n)
    mean, cov = model.posterior(x)
    bad_q = [(np.zeros(model.m + 1), np.eye(model.m + 1), "'q_mean'"),
             (mean, -np.eye(model.m), "'q_cov'.*positive definite"),
             (mean, np.eye(model.m + 1), "'q_cov'.*shape")]
    for q_mean, q_cov, match in bad_q:
        for method in (model.elbo, model.kl_to_posterior, model.expected_log_likelihood):
            with pytest.raises(ValueError, match=match):
                method(x, q_mean, q_cov)
        with pytest.raises(ValueError, match=match):
            model.kl_to_prior(q_mean, q_cov)
        with pytest.raises(ValueError, match=match):
            model.importance_log_evidence(x, q_mean, q_cov, 10)
        with pytest.raises(ValueError, match=match):
            model.elbo_monte_carlo(x, q_mean, q_cov, 10)
    with pytest.raises(ValueError, match="'z'"):
        model.log_prior(np.zeros((4, model.m + 1)))
    with pytest.raises(ValueError, match="'z'"):
        model.log_likelihood(x, np.zeros(model.m + 2))
    with pytest.raises(ValueError, match="'z'"):
        model.log_posterior(np.zeros(model.m + 1), x)
    with pytest.raises(ValueError, match="'num'"):
        model.sample(0)
    with pytest.raises(ValueError, match="'num_samples'"):
        model.naive_log_evidence(x, 0)
    with pytest.raises(ValueError, match="'seed'"):
        model.naive_log_evidence(x, 5, seed=-1)
    with pytest.raises(ValueError, match="'x'"):
        log_normal(np.zeros(3), np.zeros(2), np.eye(2))
    with pytest.raises(ValueError, match="'cov'"):
        log_normal(np.zeros(2), np.zeros(2), np.eye(3))
    with pytest.raises(ValueError, match="'mean1'"):
        gaussian_kl(np.zeros(2), np.eye(2), np.zeros(3), np.eye(3))
    with pytest.raises(ValueError, match="'cov0'"):
        gaussian_kl(np.zeros(1), [[0.0]], np.zeros(1), [[1.0]])
