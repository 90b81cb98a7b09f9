"""The book's plot style and plotting helpers: palette, opaque figures, column width, errors."""

import matplotlib

matplotlib.use("Agg")

import matplotlib as mpl  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.colors import to_hex  # noqa: E402

from deep_unsupervised.book import plotting  # noqa: E402

OKABE_ITO = {"#0072b2", "#e69f00", "#009e73", "#d55e00", "#cc79a7", "#56b4e9", "#f0e442"}


@pytest.fixture(autouse=True)
def book_style():
    with mpl.rc_context():
        plotting.set_style()
        yield
    plt.close("all")


def test_style_is_colour_blind_safe_opaque_and_column_wide():
    cycle = [to_hex(c["color"]) for c in mpl.rcParams["axes.prop_cycle"]]
    assert set(cycle) <= OKABE_ITO and len(cycle) >= 6
    fig, _ = plt.subplots()
    assert fig.get_facecolor()[:3] == (1.0, 1.0, 1.0) and fig.get_facecolor()[3] == 1.0
    assert not mpl.rcParams["savefig.transparent"]
    width_px = fig.get_figwidth() * mpl.rcParams["figure.dpi"]
    assert width_px <= 757  # the HTML text column
    assert mpl.rcParams["font.size"] >= 10  # legible when shrunk to a phone's 358 px


def test_image_grid_never_wider_than_the_column():
    fig = plotting.image_grid(np.zeros((30, 784)), ncols=30, row_labels=["a"])
    assert fig.get_figwidth() <= plotting.COLUMN_WIDTH + 1e-9
    fig = plotting.image_grid(np.zeros((7, 784)), ncols=4, titles=list("abcdefg"))
    assert len(fig.axes) == 8


@pytest.mark.parametrize("kwargs, match", [
    ({"images": np.zeros((2, 10))}, "'images'.*square"),
    ({"images": np.zeros((0, 4, 4))}, "'images'.*at least one"),
    ({"images": np.zeros(5)}, "'images'.*shape"),
    ({"images": np.zeros((2, 4, 4)), "ncols": 0}, "'ncols'"),
    ({"images": np.zeros((2, 4, 4)), "ncols": 2.5}, "'ncols'"),
    ({"images": np.zeros((2, 4, 4)), "titles": ["a"]}, "'titles'"),
])
def test_image_grid_rejects_bad_input(kwargs, match):
    with pytest.raises(ValueError, match=match):
        plotting.image_grid(**kwargs)


def test_image_grid_accepts_numpy_integers():
    fig = plotting.image_grid(np.zeros((4, 4, 4)), ncols=np.int64(2))
    assert len(fig.axes) == 4


def test_scatter_gives_each_class_a_colour_and_a_marker():
    labels = np.arange(10).repeat(3)
    ax = plotting.scatter_2d(np.random.default_rng(0).normal(size=(30, 2)), labels)
    colours = {to_hex(c.get_facecolor()[0]) for c in ax.collections}
    paths = {c.get_paths()[0].vertices.tobytes() for c in ax.collections}
    assert len(colours) == 10 and len(paths) == 10
    assert ax.get_legend() is not None


def test_scatter_rejects_bad_input():
    with pytest.raises(ValueError, match=r"'points'.*\(N, 2\)"):
        plotting.scatter_2d(np.zeros((5, 3)))
    with pytest.raises(ValueError, match="'labels'"):
        plotting.scatter_2d(np.zeros((5, 2)), labels=np.zeros(4, int))


def test_plot_history_draws_validation_dashed_and_rejects_bad_input():
    ax = plotting.plot_history({"loss": [3.0, 2.0], "val_loss": [3.5, 2.5]})
    lines = ax.get_lines()
    assert [line.get_label() for line in lines] == ["loss", "val_loss"]
    assert lines[1].get_linestyle() == "--" and lines[0].get_color() == lines[1].get_color()
    with pytest.raises(ValueError, match="'keys'"):
        plotting.plot_history({"loss": [1.0]}, keys=["acc"])
    with pytest.raises(TypeError, match="'history'"):
        plotting.plot_history([1.0, 2.0])


def test_figures_are_2x_pngs_in_a_palette_with_their_1x_size():
    import base64
    import io

    from PIL import Image

    fig, ax = plt.subplots(figsize=(4, 2))
    ax.plot([0, 1], [0, 1])
    data, meta = plotting.figure_png(fig)
    image = Image.open(io.BytesIO(base64.b64decode(data)))
    assert image.mode == "P"                                  # 256 colours at most
    assert abs(image.width - 2 * meta["width"]) <= 1 and abs(image.height - 2 * meta["height"]) <= 1
    assert meta["width"] <= 4 * mpl.rcParams["figure.dpi"]  # 1x: at most the figure's width
    assert plotting.figure_png(plt.figure()) is None         # an empty figure shows nothing


def test_no_text_of_the_style_is_below_the_smallest_font():
    sizes = [mpl.rcParams[k] for k in ("font.size", "axes.titlesize", "axes.labelsize",
                                       "legend.fontsize", "xtick.labelsize", "ytick.labelsize")]
    assert min(sizes) >= plotting.SMALLEST_FONT_PT
    # shown at the column width, the smallest text is at least 9 pt (12 CSS px) on the desktop
    assert plotting.SMALLEST_FONT_PT * plotting.DPI / 72 >= 12
