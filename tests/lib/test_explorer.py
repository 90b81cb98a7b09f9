"""Kernel-free latent-space explorers: the mimebundle, its static fallback and input checks."""

import base64
import io
import json
import re

import numpy as np
import pytest
from PIL import Image

from deep_unsupervised.book import explorer


def _grid(ny=5, nx=4, h=6, w=7):
    """Image (i, j) is uniformly grey at a level unique to the cell, so tiles can be located."""
    levels = np.linspace(0, 1, ny * nx).reshape(ny, nx)
    return np.broadcast_to(levels[:, :, None, None], (ny, nx, h, w)).copy()


def _data(html: str) -> dict:
    return json.loads(re.search(r"const D=(\{.*?\}),R=", html, re.S).group(1))


def _png(bundle) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(base64.b64decode(bundle["image/png"]))))


def test_code_plane_bundle_has_html_and_png_fallback():
    images = _grid()
    xs, ys = np.linspace(-2, 2, 4), np.linspace(-1, 1, 5)
    bundle = explorer.code_plane_explorer(images, (xs, ys), points=np.zeros((3, 2)),
                                          labels=[0, 1, 2])._repr_mimebundle_()
    assert {"text/html", "image/png", "text/plain"} <= set(bundle)
    html = bundle["text/html"]
    assert "<script>" in html and "http" not in html  # self-contained: no external requests
    png = _png(bundle)
    assert png.shape == (5 * 6, 4 * 7)
    # The static grid puts the highest y at the top, as a plot of the code plane does.
    level = np.round(np.linspace(0, 1, 20).reshape(5, 4) * 63) * 255 / 63
    np.testing.assert_allclose(png[0, 0], np.round(level[4, 0]), atol=1)
    np.testing.assert_allclose(png[-1, -1], np.round(level[0, 3]), atol=1)
    data = _data(html)
    assert data["xs"] == pytest.approx(xs) and data["ys"] == pytest.approx(ys[::-1])
    assert len(data["pts"]) == 3 and data["sprite"].startswith("data:image/png;base64,")


def test_flat_images_and_channel_axis_are_accepted():
    images = _grid(3, 3)[..., None].reshape(9, 6, 7, 1)
    bundle = explorer.code_plane_explorer(images, [0.0, 1.0, 2.0])._repr_mimebundle_()
    assert _png(bundle).shape == (18, 21)


def test_points_are_thinned_to_keep_the_page_small():
    points = np.random.default_rng(0).normal(size=(10 * explorer.MAX_POINTS, 2))
    html = explorer.code_plane_explorer(_grid(3, 3), np.arange(3.0), points=points).html
    assert len(_data(html)["pts"]) == explorer.MAX_POINTS


def test_traversal_bundle_and_per_element_values():
    images = _grid(2, 5)
    values = np.array([np.linspace(-1, 1, 5), np.linspace(-3, 3, 5)])
    bundle = explorer.traversal_explorer(images, ["z1", "z4"], values, start=[0, 4],
                                         title="β-VAE")._repr_mimebundle_()
    data = _data(bundle["text/html"])
    assert data["names"] == ["z1", "z4"] and data["start"] == [0, 4]
    assert data["values"][1] == pytest.approx(values[1])
    assert _png(bundle).shape == (2 * 6, 5 * 7)
    assert "β-VAE" in bundle["text/html"]


def test_explorer_html_stays_small_for_a_21_by_21_grid():
    rng = np.random.default_rng(0)
    images = np.clip(rng.normal(0.2, 0.3, (21, 21, 28, 28)), 0, 1)  # noise: the worst case
    html = explorer.code_plane_explorer(images, np.linspace(-2, 2, 21)).html
    assert len(html) < 700_000  # noise does not compress; decoded digits give < 300 KB
    smooth = np.broadcast_to(np.linspace(0, 1, 28), (21, 21, 28, 28))
    assert len(explorer.code_plane_explorer(smooth, np.linspace(-2, 2, 21)).html) < 60_000


def test_names_cannot_break_out_of_the_script():
    html = explorer.traversal_explorer(_grid(1, 3), ["</script><b>"], [0, 1, 2]).html
    assert html.count("</script>") == 1


@pytest.mark.parametrize("call, argument", [
    (lambda: explorer.code_plane_explorer(_grid(), np.linspace(0, 1, 4)), "images"),
    (lambda: explorer.code_plane_explorer(_grid(4, 4), [0, 2, 1, 3]), "grid_values"),
    (lambda: explorer.code_plane_explorer(_grid(4, 4), "abc"), "grid_values"),
    (lambda: explorer.code_plane_explorer(_grid(4, 4) * np.nan, np.arange(4.0)), "images"),
    (lambda: explorer.code_plane_explorer(_grid(4, 4), np.arange(4.0), scale=0), "scale"),
    (lambda: explorer.code_plane_explorer(_grid(4, 4), np.arange(4.0),
                                          points=np.zeros((3, 3))), "points"),
    (lambda: explorer.code_plane_explorer(_grid(4, 4), np.arange(4.0), points=np.zeros((3, 2)),
                                          labels=[0.5, 1, 2]), "labels"),
    (lambda: explorer.code_plane_explorer(_grid(4, 4), np.arange(4.0), vmin=1, vmax=1), "vmax"),
    (lambda: explorer.traversal_explorer(_grid(2, 5), ["a"], np.arange(5.0)), "images"),
    (lambda: explorer.traversal_explorer(_grid(2, 5), [], np.arange(5.0)), "element_names"),
    (lambda: explorer.traversal_explorer(_grid(2, 5), ["a", "b"], np.zeros((3, 5))), "values"),
    (lambda: explorer.traversal_explorer(_grid(2, 5), ["a", "b"], np.arange(5.0), start=5),
     "start"),
    (lambda: explorer.traversal_explorer(_grid(2, 5), ["a", "b"], np.arange(5.0), start=[1, 2, 3]),
     "start"),
])
def test_bad_input_names_the_argument(call, argument):
    with pytest.raises(ValueError, match=f"Invalid value for argument '{argument}': expected"):
        call()


def test_traversal_shows_a_second_model_beside_the_first():
    a, b = _grid(3, 5), 1 - _grid(3, 5)
    bundle = explorer.traversal_explorer(a, ["x", "y", "scale"], np.linspace(-2, 2, 5),
                                         compare=b, model_names=("β = 12", "β = 0"))
    html = bundle._repr_mimebundle_()["text/html"]
    data = _data(html)
    assert data["models"] == ["β = 12", "β = 0"] and data["m"] == 6
    sprite = _png(bundle._repr_mimebundle_())
    assert sprite.shape == (6 * 6, 5 * 7)                        # the second model's rows below
    assert "Static view of the interactive explorer" in html
    # the static view's label says which rows belong to which model
    assert "(x, y, scale); rows 1 to 3: β = 12; rows 4 to 6: β = 0." in html
    with pytest.raises(ValueError, match="'model_names'"):
        explorer.traversal_explorer(a, ["x", "y", "scale"], np.linspace(-2, 2, 5), compare=b)
    with pytest.raises(ValueError, match="'compare'"):
        explorer.traversal_explorer(a, ["x", "y", "scale"], np.linspace(-2, 2, 5),
                                    compare=b[:2], model_names=("a", "b"))


def test_code_plane_has_a_colour_key_and_a_desktop_size_canvas():
    html = explorer.code_plane_explorer(
        _grid(), (np.linspace(0, 1, 4), np.linspace(0, 1, 5)), points=np.zeros((3, 2)),
        labels=np.array([0, 2, 1])).html
    assert _data(html)["classes"] == ["0", "1", "2"] and 'class="du-x-key"' in html
    assert 'width="420"' in html and "html[data-theme=dark] .du-explorer" in html
    named = explorer.code_plane_explorer(_grid(), (np.linspace(0, 1, 4), np.linspace(0, 1, 5)),
                                         points=np.zeros((2, 2)), labels=np.array([0, 1]),
                                         class_names=["cat", "dog"]).html
    assert _data(named)["classes"] == ["cat", "dog"]
    assert 'class="du-x-key"' not in explorer.code_plane_explorer(
        _grid(), (np.linspace(0, 1, 4), np.linspace(0, 1, 5))).html
