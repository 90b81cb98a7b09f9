"""Diagnostics of a trained VAE's inference: gradient estimators, amortisation, inactive codes.

Top-down:
``code_gradient_samples`` draws single-sample estimates of the gradient of the reconstruction
term E_q[log p(x|z)] with respect to the code means, by the score function (REINFORCE, with and
without a baseline) and by reparametrisation (Prince, *Understanding Deep Learning*, ch. 17);
``fit_posteriors`` replaces the encoder's q(z|x) of each image by its own Gaussian, fitted by
gradient ascent on that image's ELBO, so that the ELBO gained measures the amortisation gap
(Cremer, Li & Duvenaud, 2018); ``active_units`` measures how much each code element's mean
varies across images, the activity statistic of Burda, Grosse & Salakhutdinov (2016), which is
zero for a collapsed (inactive) element.

Everything is in nats and works on any Keras backend: gradients with respect to codes come from
:func:`~deep_unsupervised.autodiff.input_gradient`, and the per-image optimisation is plain NumPy
Adam on the closed-form KL and the reparametrised reconstruction gradient.
"""

from __future__ import annotations

import numpy as np
from keras import ops

from . import autodiff
from ._backend.validation import check_array, check_float, check_int, invalid
from .vae import VAE, kl_diag_gaussian


def _check(vae, x):
    if not isinstance(vae, VAE):
        raise TypeError(f"Invalid value for argument 'vae': expected a deep_unsupervised.vae.VAE, "
                        f"received vae={vae!r}")
    x = check_array("x", x, ndim=len(vae.encoder.input_shape))
    expected = tuple(vae.encoder.input_shape[1:])
    if len(x) == 0 or x.shape[1:] != expected:
        raise invalid("x", f"a non-empty batch of images of shape {expected}", x.shape)
    return x


def _log_px_and_grad(vae, x, z):
    """log p(x|z) per row, and its gradient with respect to z; z and x have one row per pair."""
    def log_px(codes):
        return vae.log_likelihood(x, vae.decoder(codes, training=False))

    z = ops.convert_to_tensor(z.astype("float32"))
    grad = autodiff.input_gradient(log_px, z)
    return ops.convert_to_numpy(log_px(z)), ops.convert_to_numpy(grad)


def encode(vae, x):
    """The encoder's ``(mu, log_var)`` for images ``x`` as NumPy arrays (N, m)."""
    x = _check(vae, x)
    return tuple(ops.convert_to_numpy(t) for t in vae.encoder(x, training=False))


def code_gradient_samples(vae, x, n_samples=200, seed=0):
    """Single-sample estimates of d E_q[log p(x|z)] / d mu, three estimators, same noise.

    With z = mu + sigma * eps, eps ~ N(0, I), each estimator averages to the same gradient:
    reparametrised ``d log p(x|z) / dz``; score function ``log p(x|z) * eps / sigma``
    (REINFORCE, since d log q(z|x) / d mu = eps / sigma); and the score function with the
    baseline ``log p(x|mu)`` subtracted (a constant in eps, so still unbiased).

    Returns:
        dict of arrays (n_samples, N, m): ``"reparametrised"``, ``"score"``, ``"score_baseline"``.
    """
    x = _check(vae, x)
    n_samples = check_int("n_samples", n_samples, low=2)
    mu, log_var = encode(vae, x)
    sigma = np.exp(0.5 * log_var)
    eps = np.random.default_rng(check_int("seed", seed, low=0)).standard_normal(
        (n_samples,) + mu.shape)
    x_rep = np.broadcast_to(x, (n_samples,) + x.shape).reshape((-1,) + x.shape[1:])
    z = (mu + sigma * eps).reshape(-1, mu.shape[1])
    log_px, grad = _log_px_and_grad(vae, x_rep, z)
    log_px, grad = log_px.reshape(n_samples, len(x)), grad.reshape(eps.shape)
    baseline, _ = _log_px_and_grad(vae, x, mu)
    score = eps / sigma
    return {"reparametrised": grad, "score": log_px[..., None] * score,
            "score_baseline": (log_px - baseline)[..., None] * score}


def elbo(vae, x, mu, log_var, n_samples=100, seed=0):
    """ELBO per image (nats) of q = N(mu, diag(exp(log_var))), reconstruction by Monte Carlo."""
    x = _check(vae, x)
    n_samples = check_int("n_samples", n_samples, low=1)
    eps = np.random.default_rng(check_int("seed", seed, low=0)).standard_normal(
        (n_samples,) + mu.shape)
    z = (mu + np.exp(0.5 * log_var) * eps).reshape(-1, mu.shape[1]).astype("float32")
    x_rep = np.broadcast_to(x, (n_samples,) + x.shape).reshape((-1,) + x.shape[1:])
    decoded = vae.decoder(z, training=False)
    log_px = ops.convert_to_numpy(vae.log_likelihood(x_rep, decoded)).reshape(n_samples, -1)
    return log_px.mean(0) - ops.convert_to_numpy(kl_diag_gaussian(mu, log_var))


def fit_posteriors(vae, x, steps=100, n_samples=8, learning_rate=0.02, seed=0):
    """Per-image Gaussians q(z|x_n) fitted by ELBO ascent, starting at the encoder's output.

    Each step draws ``n_samples`` reparametrised codes per image and takes one Adam step on
    (mu, log_var): the reconstruction gradient is E[d log p / dz] for mu and
    E[d log p / dz * eps * sigma / 2] for log_var; the KL's gradient is exact (mu and
    (exp(log_var) - 1) / 2). The decoder is left unchanged.

    Returns:
        ``(mu, log_var)`` of the fitted Gaussians, arrays (N, m).
    """
    x = _check(vae, x)
    steps = check_int("steps", steps, low=1)
    n_samples = check_int("n_samples", n_samples, low=1)
    learning_rate = check_float("learning_rate", learning_rate, low=0, low_inclusive=False)
    rng = np.random.default_rng(check_int("seed", seed, low=0))
    params = [a.astype("float64") for a in encode(vae, x)]
    moments = [[np.zeros_like(p), np.zeros_like(p)] for p in params]
    x_rep = np.broadcast_to(x, (n_samples,) + x.shape).reshape((-1,) + x.shape[1:])
    for t in range(1, steps + 1):
        mu, log_var = params
        sigma = np.exp(0.5 * log_var)
        eps = rng.standard_normal((n_samples,) + mu.shape)
        _, g = _log_px_and_grad(vae, x_rep, (mu + sigma * eps).reshape(-1, mu.shape[1]))
        g = g.reshape(eps.shape)
        ascent = [g.mean(0) - mu, (g * eps).mean(0) * sigma / 2 - (np.exp(log_var) - 1) / 2]
        for p, (m1, m2), d in zip(params, moments, ascent):  # Adam, maximising the ELBO
            m1 += 0.1 * (d - m1)
            m2 += 0.001 * (d ** 2 - m2)
            p += learning_rate * (m1 / (1 - 0.9 ** t)) / (np.sqrt(m2 / (1 - 0.999 ** t)) + 1e-8)
    return tuple(p.astype("float32") for p in params)


def active_units(vae, x):
    """Activity of each code element: the variance over images of its code mean, Var_x(mu_j(x)).

    Burda et al. (2016) call element j active when this exceeds 0.01; an inactive element's
    q(z_j|x) is (close to) the same for every image, so it carries no information about x.

    Returns:
        NumPy array (m,) of variances.
    """
    mu, _ = encode(vae, x)
    return mu.var(axis=0)


def kl_per_unit(vae, x):
    """Mean over images of each code element's KL(q(z_j|x) || N(0, 1)), nats, shape (m,)."""
    mu, log_var = encode(vae, x)
    return (0.5 * (mu ** 2 + np.exp(log_var) - 1 - log_var)).mean(axis=0)
