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
