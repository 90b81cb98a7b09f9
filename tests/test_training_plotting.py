import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest

import deep_unsupervised as du
from deep_unsupervised import plotting


def test_setup_seeds_repeat():
    du.setup(seed=5, style=False)
    a = np.random.rand(3)
    du.setup(seed=5, style=False)
    assert np.array_equal(a, np.random.rand(3))


def test_progress_bar_prints_one_line_outside_notebooks(capsys):
    import keras

    du.setup(seed=0, style=False)
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.compile("sgd", "mse")
    model.fit(np.zeros((8, 2)), np.zeros((8, 1)), epochs=3, verbose=0,
              callbacks=[du.ProgressBar("tiny")])
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1 and out[0].startswith("tiny:") and "epoch 3/3" in out[0]


def test_image_grid_shapes_and_errors():
    fig = plotting.image_grid(np.zeros((7, 784)), ncols=4, titles=list("abcdefg"))
    assert len(fig.axes) == 8
    with pytest.raises(ValueError, match="square"):
        plotting.image_grid(np.zeros((2, 10)))
    with pytest.raises(ValueError, match="at least one"):
        plotting.image_grid(np.zeros((0, 4, 4)))


def test_scatter_rejects_wrong_shape():
    with pytest.raises(ValueError, match=r"\(N, 2\)"):
        plotting.scatter_2d(np.zeros((5, 3)))


def test_steps_per_execution_changes_no_result():
    """Running several steps per call (the library's default) gives the same weights as one."""
    import keras
    import numpy as np

    from deep_unsupervised import autoencoders
    from deep_unsupervised.training import STEPS_PER_EXECUTION

    assert STEPS_PER_EXECUTION > 1
    x = np.random.default_rng(0).random((300, 20)).astype("float32")
    weights = []
    for spe in (1, STEPS_PER_EXECUTION):
        keras.utils.set_random_seed(0)
        model = autoencoders.deep_autoencoder(input_dim=20, hidden=(8,), code_dim=3, optimizer=None)
        model.compile(optimizer=keras.optimizers.Adam(1e-2), loss="mse", steps_per_execution=spe)
        model.fit(x, x, epochs=2, batch_size=16, shuffle=False, verbose=0)
        weights.append(model.get_weights())
    for a, b in zip(*weights):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
