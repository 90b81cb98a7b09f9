import numpy as np
import pytest

from deep_unsupervised import disentanglement as dis


def _factors(n=4000, seed=0):
    rng = np.random.default_rng(seed)
    return np.stack([rng.integers(0, 3, n), rng.integers(0, 16, n), rng.integers(0, 6, n)], axis=1)


def test_mutual_information_matches_scikit_learn_and_entropy():
    metrics = pytest.importorskip("sklearn.metrics")
    rng = np.random.default_rng(0)
    a = rng.integers(0, 5, 3000)
    b = (a + rng.integers(0, 3, 3000)) % 7
    assert dis.mutual_information(a, b) == pytest.approx(metrics.mutual_info_score(a, b), rel=1e-10)
    assert dis.mutual_information(a, a) == pytest.approx(dis.entropy(a))
    assert dis.entropy(np.arange(8)) == pytest.approx(np.log(8))


def test_discretize_bins_by_range():
    z = np.array([[0.0, 5.0], [0.5, 5.0], [1.0, 5.0]])
    assert dis.discretize(z, n_bins=2).tolist() == [[0, 0], [1, 0], [1, 0]]


def test_perfectly_disentangled_codes_score_high():
    v = _factors()
    rng = np.random.default_rng(1)
    z = np.concatenate([v * [1.0, 0.3, -2.0], rng.normal(size=(len(v), 2))], axis=1)  # + 2 nuisance
    z[:, :3] += 0.01 * rng.normal(size=(len(v), 3))
    score, details = dis.mig(z, v, return_details=True)
    assert score > 0.9
    assert details["mi"].shape == (5, 3)
    assert np.argmax(details["mi"], axis=0).tolist() == [0, 1, 2]


def test_entangled_mixture_scores_low():
    rng = np.random.default_rng(2)
    v = rng.integers(0, 8, size=(4000, 4))
    standardised = (v - v.mean(0)) / v.std(0)
    hadamard = np.array([[1, 1, 1, 1], [1, -1, 1, -1], [1, 1, -1, -1], [1, -1, -1, 1]]) / 2
    z = standardised @ hadamard + 0.01 * rng.normal(size=v.shape)  # every code mixes every factor
    disentangled = dis.mig(standardised, v)
    entangled = dis.mig(z, v)
    assert entangled < 0.1 < 0.9 < disentangled


def test_mig_is_invariant_to_scaling_and_permuting_codes():
    v = _factors(2000)
    rng = np.random.default_rng(3)
    z = v + 0.1 * rng.normal(size=v.shape)
    assert dis.mig(z, v) == pytest.approx(dis.mig(-3.0 * z[:, ::-1] + 7.0, v))


def test_duplicated_code_has_no_gap():
    v = _factors(2000)[:, :1]
    z = np.repeat(v.astype(float), 2, axis=1)            # the factor is in two elements
    assert dis.mig(z, v) == pytest.approx(0.0, abs=1e-12)


def test_bad_inputs_are_named():
    v = _factors(100)
    with pytest.raises(ValueError, match="z must be"):
        dis.mig(np.zeros(100), v)
    with pytest.raises(ValueError, match="factors must have shape"):
        dis.mig(np.zeros((99, 3)), v)
    with pytest.raises(ValueError, match="at least 2 code"):
        dis.mig(np.zeros((100, 1)), v)
    with pytest.raises(ValueError, match="NaN"):
        dis.mig(np.full((100, 3), np.nan), v)
    with pytest.raises(ValueError, match="n_bins"):
        dis.discretize(np.zeros((5, 2)), n_bins=1)
    with pytest.raises(ValueError, match="at least two values"):
        dis.mig(np.random.default_rng(0).normal(size=(100, 3)), np.zeros((100, 1)))


def test_quantile_binning_ignores_monotone_rescaling_and_outliers():
    v = _factors(3000)
    rng = np.random.default_rng(4)
    z = v + 0.1 * rng.normal(size=v.shape)
    warped = np.exp(z)                                  # monotone, but long-tailed
    q = dis.mig(z, v, strategy="quantile")
    assert dis.mig(warped, v, strategy="quantile") == pytest.approx(q)
    warped[0] = 1e9                                     # one wild outlier moves a single rank
    assert dis.mig(warped, v, strategy="quantile") == pytest.approx(q, abs=0.01)
    assert dis.mig(warped, v) < q                       # equal-width bins are fooled by the outlier
    assert np.bincount(dis.discretize(z, 10, "quantile")[:, 0]).tolist() == [300] * 10
    with pytest.raises(ValueError, match="strategy"):
        dis.discretize(z, 10, "kmeans")


def test_factor_means_and_traversals():
    factors = np.array([[0, 0], [0, 1], [1, 1], [1, 1]])
    z = np.array([[1.0, 0.0], [3.0, 0.0], [5.0, 2.0], [7.0, 4.0]])
    means = dis.factor_means(z, factors, (0, 1))
    assert means.shape == (2, 2, 2)
    assert means[0].tolist()[0] == [1.0, 3.0] and np.isnan(means[0, 1, 0]) and means[0, 1, 1] == 6.0
    assert dis.factor_means(z, factors, 0)[1].tolist() == [0.0, 3.0]
    codes = dis.traversal_codes(z[0], z, n_steps=3, quantiles=(0.0, 1.0))
    assert codes.shape == (6, 2)
    assert codes[:3, 0].tolist() == [1.0, 4.0, 7.0] and np.all(codes[:3, 1] == 0.0)
    assert codes[3:, 1].tolist() == [0.0, 2.0, 4.0] and np.all(codes[3:, 0] == 1.0)
