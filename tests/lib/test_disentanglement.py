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


def test_mig_divides_each_factors_gap_by_that_factors_entropy():
    """A code that holds a two-valued factor exactly and nothing of a 16-valued one has gaps
    H(a)/H(a) = 1 and 0, so MIG 0.5; dividing by a common entropy (or none) gives another value."""
    rng = np.random.default_rng(4)
    v = np.stack([rng.integers(0, 2, 20_000), rng.integers(0, 16, 20_000)], axis=1)
    z = np.c_[v[:, 0], rng.normal(size=(20_000, 2))]   # element 0 is factor a; the rest noise
    score, details = dis.mig(z, v, return_details=True)
    np.testing.assert_allclose(details["entropy"], [np.log(2), np.log(16)], rtol=0.01)
    np.testing.assert_allclose(details["gaps"], [1.0, 0.0], atol=0.02)
    assert score == pytest.approx(0.5, abs=0.02)


def test_duplicated_code_has_no_gap():
    v = _factors(2000)[:, :1]
    z = np.repeat(v.astype(float), 2, axis=1)            # the factor is in two elements
    assert dis.mig(z, v) == pytest.approx(0.0, abs=1e-12)


def test_bad_inputs_are_named():
    v = _factors(100)
    with pytest.raises(ValueError, match="argument 'z': expected a non-empty 2-D"):
        dis.mig(np.zeros(100), v)
    with pytest.raises(ValueError, match="argument 'factors': expected shape"):
        dis.mig(np.zeros((99, 3)), v)
    with pytest.raises(ValueError, match="at least 2 code"):
        dis.mig(np.zeros((100, 1)), v)
    with pytest.raises(ValueError, match="NaN"):
        dis.mig(np.full((100, 3), np.nan), v)
    with pytest.raises(ValueError, match="received n_bins=1"):
        dis.discretize(np.zeros((5, 2)), n_bins=1)
    assert dis.discretize(np.zeros((5, 2)), n_bins=np.int64(3)).shape == (5, 2)
    with pytest.raises(ValueError, match="at least two values"):
        dis.mig(np.random.default_rng(0).normal(size=(100, 3)), np.zeros((100, 1)))
    with pytest.raises(ValueError, match="at least 2 factors"):
        dis.dci_disentanglement(np.zeros((100, 3)), v[:, :1])
    with pytest.raises(ValueError, match="received n_trees=0"):
        dis.dci_disentanglement(np.zeros((100, 3)), v, n_trees=0)
    with pytest.raises(ValueError, match="argument 'b'"):
        dis.mutual_information([0, 1], [0, 1, 2])


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
    with pytest.raises(ValueError, match="argument 'strategy'"):
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


def _known_codes(n=1500, seed=5):
    """Factors, their standardised copy (+ tiny noise) and a random rotation of that copy."""
    rng = np.random.default_rng(seed)
    v = np.stack([rng.integers(0, 3, n), rng.integers(0, 12, n), rng.integers(0, 12, n),
                  rng.integers(0, 6, n)], axis=1)
    ideal = (v - v.mean(0)) / v.std(0) + 0.01 * rng.normal(size=v.shape)
    rotation = np.linalg.qr(rng.normal(size=(4, 4)))[0]
    return v, ideal, ideal @ rotation


def test_both_metrics_on_codes_with_known_answers():
    v, ideal, mixed = _known_codes()
    noise = np.random.default_rng(6).normal(size=(len(v), 3))
    padded = np.concatenate([ideal, noise], axis=1)          # plus three unused elements
    assert dis.mig(ideal, v) > 0.9 and dis.dci_disentanglement(ideal, v) > 0.95
    assert dis.mig(padded, v) > 0.9 and dis.dci_disentanglement(padded, v) > 0.95
    assert dis.mig(mixed, v) < 0.3 and dis.dci_disentanglement(mixed, v) < 0.4


def test_a_factor_copied_into_two_elements_has_no_gap_but_stays_pure():
    v, ideal, _ = _known_codes()
    copied = np.concatenate([ideal, ideal[:, 1:2]], axis=1)  # x in two elements
    _, details = dis.mig(copied, v, return_details=True)
    assert details["gaps"][1] == pytest.approx(0.0, abs=1e-12)
    # DCI disentanglement asks whether each element serves one factor: both copies do
    assert dis.dci_disentanglement(copied, v) > 0.95


def test_dci_details():
    v, ideal, _ = _known_codes(1000)
    score, details = dis.dci_disentanglement(ideal, v, return_details=True)
    assert details["importance"].shape == (4, 4)
    assert np.argmax(details["importance"], axis=1).tolist() == [0, 1, 2, 3]
    assert details["weights"].sum() == pytest.approx(1.0)
    assert score == pytest.approx(np.sum(details["weights"] * details["per_code"]))


def test_random_rotations_are_orthogonal_and_uniform():
    q = dis.random_rotations(400, 3, seed=1)
    assert q.shape == (400, 3, 3)
    assert np.allclose(q @ q.transpose(0, 2, 1), np.eye(3), atol=1e-10)
    # uniform: every entry has mean 0 and variance 1 / dim, and the first column points
    # anywhere (the unfixed Q of numpy's QR has a negative diagonal far more often)
    assert abs(q[:, 0, 0].mean()) < 0.1 and abs(q.var(axis=0).mean() - 1 / 3) < 0.03
    assert 0.4 < np.mean(q[:, 0, 0] > 0) < 0.6
    assert np.array_equal(q, dis.random_rotations(400, 3, seed=1))
    with pytest.raises(ValueError, match="dim"):
        dis.random_rotations(2, 0)


def test_prior_matched_codes_are_gaussian_quantiles_in_order():
    rng = np.random.default_rng(0)
    v = rng.integers(0, 16, size=(20_000, 2))
    z = dis.prior_matched(v)
    assert z.shape == v.shape
    assert abs(z.mean()) < 0.02 and abs(z.std() - 1) < 0.1       # about N(0, 1)
    means = dis.factor_means(z, v, 0)[0]                            # one value per index
    assert np.all(np.diff(means) > 0)                               # order kept
    assert np.diff(means)[7] < np.diff(means)[0]                    # squeezed in the middle
    assert dis.mig(z, v) > 0.9                                      # still one element per factor
    assert dis.prior_matched(np.arange(4.0)).shape == (4,)
    with pytest.raises(ValueError, match="finite"):
        dis.prior_matched([0.0, np.nan])


def test_udr_scores_shared_axes_high_and_rotated_codes_low():
    rng = np.random.default_rng(0)
    truth = rng.normal(size=(3000, 3))                       # three independent factors
    off = 0.01 * rng.normal(size=(3000, 2))                  # two switched-off elements
    a = np.c_[truth, off]
    b = np.c_[off[:, ::-1], -2 * truth[:, [2, 0, 1]] ** 3]   # permuted, flipped, monotone
    kl_a, kl_b = [1.0, 1.0, 1.0, 0.0, 0.0], [0.0, 0.0, 1.0, 1.0, 1.0]
    assert dis.udr_pair(a, b, kl_a, kl_b) > 0.95
    # the same pair scored by a second computation: |Spearman| with scipy, informative only
    from scipy.stats import spearmanr

    r = np.abs(spearmanr(truth, b[:, 2:]).statistic[:3, 3:])
    by_hand = ((r.max(1) ** 2 / r.sum(1)).mean() + (r.max(0) ** 2 / r.sum(0)).mean()) / 2
    assert dis.udr_pair(a, b, kl_a, kl_b) == pytest.approx(by_hand)
    rotations = dis.random_rotations(20, 3, seed=1)
    rotated = [dis.udr_pair(truth, truth @ q) for q in rotations]
    assert np.mean(rotated) < 0.65 < 0.95 < dis.udr_pair(truth, -truth[:, ::-1])  # mixtures
    # share no axes (a few rotations land near a permutation and score higher)
    # three models with the same axes and two rotated ones: the ranking finds the first three
    codes = [truth, -truth[:, ::-1], 3 * truth] + [truth @ q for q in rotations[:2]]
    scores, pairs = dis.udr(codes)
    assert pairs.shape == (5, 5) and np.allclose(pairs, pairs.T)
    assert min(scores[:3]) > max(scores[3:]) + 0.1, scores


def test_udr_ignores_switched_off_elements_and_names_bad_input():
    rng = np.random.default_rng(1)
    z = rng.normal(size=(500, 3))
    assert dis.udr_pair(z, z, [1, 1, 1], [0, 0, 0]) == 0.0    # nothing informative in one
    with pytest.raises(ValueError, match="kl_b"):
        dis.udr_pair(z, z, None, [1, 1])
    with pytest.raises(ValueError, match="z_b"):
        dis.udr_pair(z, z[:10])
    with pytest.raises(ValueError, match="codes"):
        dis.udr([z])


def test_rotation_baseline_scores_rotated_true_factors_low():
    v = _factors(3000)
    rotated = dis.rotation_baseline(v, n_rotations=20)
    assert rotated.shape == (20,) and np.all(rotated >= 0)
    ideal = (v - v.mean(0)) / v.std(0)
    assert rotated.mean() < 0.5 * dis.mig(ideal, v)             # the axes carry the score
    assert np.array_equal(rotated, dis.rotation_baseline(v, n_rotations=20))


def test_udr_table_marks_the_pick_and_divides_by_the_rotations():
    rows = dis.udr_table([0, 1], [0.2, 0.6], [0.1, 0.3], pick=1, rotations_mean=0.1).splitlines()
    assert rows[2] == "| 0 | 0.200 | 0.100 | 1.00 |"
    assert rows[3] == "| 1 (UDR's pick) | 0.600 | 0.300 | 3.00 |"


def test_udr_table_shows_the_position_elements_when_given():
    table = dis.udr_table([0, 2], [0.5, 0.4], [0.4, 0.2], pick=0, rotations_mean=0.1,
                          angles=[[85.0, 175.0], [120.0, 31.0]], r2=[[0.97, 0.96], [0.98, 0.98]])
    rows = table.splitlines()
    assert rows[0].endswith("two most informative elements: angle in x-y (R²) |")
    assert rows[3].endswith("| 120° (0.98), 31° (0.98) |"), rows[3]


def test_plane_angles_of_axis_aligned_rotated_and_unrelated_codes():
    f = np.random.default_rng(0).integers(0, 16, size=(3000, 3))
    u = (f[:, :2] - f[:, :2].mean(0)) / f[:, :2].std(0)
    t = np.radians(25)
    rotated = u @ np.array([[np.cos(t), -np.sin(t)], [np.sin(t), np.cos(t)]])
    noise = np.random.default_rng(1).normal(size=(3000, 1))
    z = np.c_[-u[:, 1], u[:, 0], rotated, f[:, 2:] + 0.0, noise]
    angles, r2 = dis.plane_angles(z, f, (0, 1))
    # a flipped element points the opposite way, which is the same line: 90 for -y
    np.testing.assert_allclose(angles[:4], [90, 0, 25, 115], atol=1e-6)
    np.testing.assert_allclose(r2[:4], 1, atol=1e-9)
    assert r2[4] < 0.01 and r2[5] < 0.01      # the third factor and noise: not in the plane
    with pytest.raises(ValueError, match="Invalid value for argument 'pair'"):
        dis.plane_angles(z, f, (0, 0))
