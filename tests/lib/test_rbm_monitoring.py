"""Tests of deep_unsupervised.rbm_monitoring: the toy data, CD's cosines and the gap monitor."""

import deep_unsupervised as du

du.setup(seed=0, style=False)

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from deep_unsupervised import rbm as R  # noqa: E402
from deep_unsupervised import rbm_monitoring as M  # noqa: E402


def test_bars_and_stripes_counts_and_shapes():
    for side in (2, 3):
        images = M.bars_and_stripes(side).reshape(-1, side, side)
        assert len(images) == 2 * 2 ** side - 2
        for image in images:  # every row constant, or every column constant
            assert (image == image[:, :1]).all() or (image == image[:1, :]).all()
    with pytest.raises(ValueError, match="side"):
        M.bars_and_stripes(0)


def test_cd_cosines_approach_one_for_long_chains_on_a_small_random_rbm():
    model = R.RBM(n_visible=4, n_hidden=3, weight_decay=0.0, seed=0)
    model.W.assign(np.random.default_rng(0).normal(0, 0.3, (3, 4)))
    cosines = M.cd_cosines(model, M.bars_and_stripes(2), ks=(1, 20), chains_per_example=3000)
    assert cosines[20] > 0.97 and cosines[1] > 0.8, cosines


def test_free_energy_gap_is_zero_when_both_sets_are_equal():
    x = (np.random.default_rng(0).random((20, 6)) < 0.5).astype(np.float32)
    model = R.RBM(n_visible=6, n_hidden=3, seed=0)
    model.W.assign(np.random.default_rng(1).normal(size=(3, 6)))
    gap = M.FreeEnergyGap(x, x)
    gap.set_model(model)
    gap.on_epoch_end(0)
    other = M.FreeEnergyGap(x, 1 - x[:10])
    other.set_model(model)
    other.on_epoch_end(0)
    expected = (np.mean(model.free_energy(1 - x[:10]).numpy())
                - np.mean(model.free_energy(x[:10]).numpy()))
    assert gap.gap == [pytest.approx(0.0, abs=1e-6)]
    assert other.gap == [pytest.approx(expected, rel=1e-5)]
    with pytest.raises(ValueError, match="x_train"):
        M.FreeEnergyGap(x[:5], x)
