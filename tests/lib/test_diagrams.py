"""The schematic diagrams: every one builds fast, keeps its text inside the figure and apart."""

import subprocess
import sys
import time
from itertools import combinations
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import pytest  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.text import Text  # noqa: E402

from deep_unsupervised.book import diagrams  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
# The list: one diagram per concept the lecture draws.
REQUIRED = {
    "neuron", "mlp", "convolution", "max_pooling", "rbm_gibbs", "dbn_greedy", "pca_projection",
    "autoencoder", "deep_autoencoder", "conv_autoencoder", "denoising_autoencoder", "segnet",
    "vae_graphical_model", "vae_computation_graph", "beta_vae_objective", "gan_steps",
    "wgan_critic", "cyclegan", "latent_variable_model",
}


def _texts(fig):
    return [t for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]


def test_registry_covers_the_list_with_captions_and_alt_text():
    assert REQUIRED <= set(diagrams.ALL)
    for name, entry in diagrams.ALL.items():
        assert (ROOT / "chapters" / f"{entry.chapter}.ipynb").exists(), name
        assert len(entry.caption.split()) >= 8, name
        assert len(entry.alt.split()) >= 12, name
        assert entry.function.__name__ == name


@pytest.mark.parametrize("name", sorted(diagrams.ALL))
def test_diagram_builds_fast_with_text_inside_and_apart(name):
    start = time.perf_counter()
    fig = diagrams.draw(name)
    fig.canvas.draw()
    elapsed = time.perf_counter() - start
    assert isinstance(fig, Figure)
    assert elapsed < 5.0, f"{name} took {elapsed:.2f} s"  # 0.1-0.3 s on a quiet core
    assert fig.get_facecolor()[:3] == (1.0, 1.0, 1.0)  # opaque white: readable in dark mode
    renderer = fig.canvas.get_renderer()
    frame = fig.bbox
    boxes = [(t.get_text(), t.get_window_extent(renderer)) for t in _texts(fig)]
    for label, bb in boxes:
        assert (bb.x0 >= frame.x0 - 1 and bb.y0 >= frame.y0 - 1 and bb.x1 <= frame.x1 + 1
                and bb.y1 <= frame.y1 + 1), f"{name}: {label!r} leaves the figure"
    for (a, bba), (b, bbb) in combinations(boxes, 2):
        overlap_w = min(bba.x1, bbb.x1) - max(bba.x0, bbb.x0)
        overlap_h = min(bba.y1, bbb.y1) - max(bba.y0, bbb.y0)
        assert overlap_w <= 1 or overlap_h <= 1, f"{name}: {a!r} overlaps {b!r}"


def test_draw_rejects_unknown_names():
    with pytest.raises(ValueError, match="Invalid value for argument 'name'"):
        diagrams.draw("vae_diagram")
    with pytest.raises(ValueError, match="received name=3"):
        diagrams.draw(3)


def test_diagrams_do_not_import_keras():
    code = ("import sys; from deep_unsupervised.book import diagrams; diagrams.draw('gan_steps'); "
            "assert 'keras' not in sys.modules and 'tensorflow' not in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


def test_cell_metadata_is_the_documented_recipe():
    meta = diagrams.cell_metadata("vae_computation_graph", caption="A caption.")
    assert meta["tags"] == ["remove-input"]
    assert meta["mystnb"]["figure"] == {"caption": "A caption.",
                                        "name": "fig-vae-computation-graph"}
    assert meta["mystnb"]["image"]["alt"] == diagrams.ALL["vae_computation_graph"].alt
    with pytest.raises(ValueError, match="'name'"):
        diagrams.cell_metadata("no_such_diagram")
