"""benchmarks/report_sweeps.py: the appendix's sweep tables and figures from result records."""

import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
import report_sweeps as S  # noqa: E402

BUDGET = {"model": "label-budget", "quality": {
    "pixels@1": 0.38, "pixels@1_sd": 0.02, "pixels@10": 0.75, "pixels@10_sd": 0.01,
    "deep-ae@1": 0.40, "deep-ae@1_sd": 0.03, "deep-ae@10": 0.74, "deep-ae@10_sd": 0.02}}
SEEDS = {"model": "beta-vae-shapes-seeds", "quality": {
    "mig_mean": 0.16, "mig_sd": 0.12, "dci_mean": 0.23, "dci_sd": 0.16, "mig_seed0": 0.241,
    "mig_seed1": 0.021, "mig_seed2": 0.228}}
SWEEP = {"model": "beta-vae-beta-sweep", "quality": {
    f"b{b:g}_{m}_{s}": v for b in (0, 1, 12) for m in ("mig", "dci", "reconstruction")
    for s, v in (("mean", b / 10), ("sd", 0.01))}}
STEPS = {"model": "beta-vae-mig-vs-steps", "quality": {"mig_step313": 0.0, "mig_step626": 0.1,
                                                       "kl_step313": 0.0, "kl_step626": 2.0}}


def test_label_budget_reads_every_representation_and_budget():
    curves = S.label_budget(BUDGET)
    assert curves == {"pixels": {1: (0.38, 0.02), 10: (0.75, 0.01)},
                      "deep-ae": {1: (0.40, 0.03), 10: (0.74, 0.02)}}
    fig = S.plot_label_budget(BUDGET)
    assert len(fig.axes[0].get_legend().get_texts()) == 2


def test_beta_sweep_is_sorted_by_beta_with_spreads():
    betas, mean, sd = S.beta_sweep(SWEEP, "mig")
    np.testing.assert_allclose(betas, [0, 1, 12])
    np.testing.assert_allclose(mean, [0, 0.1, 1.2])
    np.testing.assert_allclose(sd, 0.01)
    fig = S.plot_beta_sweep(SWEEP, STEPS)
    assert len(fig.axes) == 4


def test_tables_show_per_seed_values_and_spreads():
    table = S.beta_vae_seeds_table(SEEDS)
    assert "0.241, 0.021, 0.228" in table and "0.160 ± 0.120" in table
    toy = S.toy_gan_table([{"model": "toy-wgan-gp-grid", "quality": {
        "modes_mean": 3.0, "modes_sd": 1.5, "n_modes": 25, "good_mean": 0.1, "good_sd": 0.05}},
        {"model": "mlp", "quality": {}}])
    assert "| wgan-gp | grid | 3.0 ± 1.5 of 25 | 0.10 ± 0.05 |" in toy and "mlp" not in toy


def test_sweeps_finds_only_present_records():
    assert set(S.sweeps([BUDGET, SEEDS])) == {"label_budget", "seeds"}


def test_missing_key_is_an_error_not_a_silent_zero():
    with pytest.raises(KeyError):
        S.beta_sweep({"quality": {"b1_mig_mean": 0.1}}, "mig")
