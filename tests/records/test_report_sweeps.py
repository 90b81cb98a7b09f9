"""benchmarks/report_sweeps.py: the appendix's sweep tables and figures from result records."""


import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest

from benchmarks import report_sweeps as S

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


def test_annealed_steps_are_read_in_step_order_and_drawn_with_the_drop():
    record = {"model": "beta-vae-annealed-vs-steps", "quality": {
        "drop_step": 626, "recipe_step": 939, **{
            f"{m}_step{n}": v for m in ("mig", "dci", "kl")
            for n, v in ((939, 0.3), (313, 0.1), (626, 0.2))}}}
    steps, mig = S.per_step(record, "mig")
    np.testing.assert_array_equal(steps, [313, 626, 939])
    np.testing.assert_allclose(mig, [0.1, 0.2, 0.3])
    fig = S.plot_annealed_steps(record)
    assert [len(ax.lines) for ax in fig.axes] == [4, 3]   # curves and the two markers
    with pytest.raises(KeyError, match="no 'nmi_step<n>'"):
        S.per_step(record, "nmi")
    summary = S.annealed_steps_summary(record, last=2, tolerance=0.1)
    assert (summary["mig_drop"], summary["mig_recipe"], summary["mig_end"]) == (0.2, 0.3, 0.3)
    assert summary["plateau_lo"] == 0.2 and summary["plateau_hi"] == 0.3
    assert summary["plateau_mean"] == pytest.approx(0.25) and summary["plateau_n"] == 2
    assert summary["plateau_sd"] == pytest.approx(0.05)
    assert summary["settled_step"] == 626 and summary["settled_epochs_after_drop"] == 0
    assert summary["recipe_epochs_after_drop"] == 1


def test_tables_show_per_seed_values_and_spreads():
    table = S.beta_vae_seeds_table(SEEDS)
    assert "0.241, 0.021, 0.228" in table and "0.160 ± 0.120" in table
    annealed = {"model": "beta-vae-annealed-seeds", "settings": {"beta": 12.0, "beta_final": 1.0},
                "quality": {**SEEDS["quality"], "mig_seed0": 0.4}}
    both = S.beta_vae_seeds_table({**SEEDS, "settings": {"beta": 12.0}}, annealed)
    assert "| β = 12 (mean ± sd) | β = 12, then 1 (mean ± sd) |" in both
    assert "| 0.241, 0.021, 0.228 | 0.400, 0.021, 0.228 |" in both
    toy = S.toy_gan_table([{"model": "toy-wgan-gp-grid", "quality": {
        "modes_mean": 3.0, "modes_sd": 1.5, "n_modes": 25, "good_mean": 0.1, "good_sd": 0.05}},
        {"model": "mlp", "quality": {}}])
    assert "| wgan-gp | grid | 3.0 ± 1.5 of 25 | 0.10 ± 0.05 |" in toy and "mlp" not in toy


def test_sweeps_finds_only_present_records():
    assert set(S.sweeps([BUDGET, SEEDS])) == {"label_budget", "seeds"}


def test_missing_key_is_an_error_not_a_silent_zero():
    with pytest.raises(KeyError):
        S.beta_sweep({"quality": {"b1_mig_mean": 0.1}}, "mig")

