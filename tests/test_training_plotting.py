import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest

import deep_unsupervised as du
from deep_unsupervised import plotting


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
