import numpy as np
import pytest

from deep_unsupervised import shapes


def test_factor_grid_has_the_lecture_sizes():
    grid = shapes.factor_grid()
    assert {k: len(v) for k, v in grid.items()} == {"shape": 3, "x": 16, "y": 16, "scale": 6,
                                                    "rotation": 60}
    assert grid["rotation"][0] == 0 and grid["rotation"][-1] < np.pi
    assert np.allclose(np.diff(grid["rotation"]), np.pi / 60)
    assert len(shapes.all_factor_indices()) == 276_480


def test_shapes_fit_inside_the_image_and_grow_with_scale():
    idx = np.array([[s, x, y, k, 7] for s in range(3) for x in (0, 15) for y in (0, 15) for k in range(6)])
    images = shapes.render(idx)
    assert images.shape == (len(idx), 64, 64) and set(np.unique(images)) <= {0, 1}
    area = images.sum(axis=(1, 2)).reshape(3, 2, 2, 6)
    assert np.all(area > 0)
    assert np.all(np.diff(area, axis=-1) > 0)  # bigger scale, more pixels
    # a shape at the far corner is the same shape, moved: same pixel count
    assert np.all(area == area[:, :1, :1, :])


def test_square_turned_by_a_quarter_turn_is_a_duplicate():
    # rotation index 15 is 45 degrees; 15 + 30 is 135 degrees, a quarter turn further
    square = shapes.render(np.array([[1, 3, 4, 5, 15], [1, 3, 4, 5, 45]]))
    ellipse = shapes.render(np.array([[0, 3, 4, 5, 15], [0, 3, 4, 5, 45]]))
    assert np.array_equal(square[0], square[1])
    assert not np.array_equal(ellipse[0], ellipse[1])


def test_position_factor_moves_the_centre_of_mass():
    images = shapes.render(np.array([[0, 0, 5, 5, 0], [0, 15, 5, 5, 0]]), resolution=64)
    cols = np.arange(64)
    cx = (images.sum(axis=1) * cols).sum(axis=1) / images.sum(axis=(1, 2))
    assert cx[1] - cx[0] == pytest.approx(15 * shapes.POSITION_STEP, abs=1e-6)


def test_duplicates_are_removed_and_counted_on_a_small_grid():
    data = shapes.make_shapes(32, n_positions=2, n_scales=2, n_rotations=12)
    assert data.n_combinations == 3 * 2 * 2 * 2 * 12
    flat = data.images.reshape(len(data), -1)
    assert len(np.unique(flat, axis=0)) == len(data) == data.n_unique
    # squares repeat every 90 degrees (6 of 12 steps), triangles every 120 degrees (8 steps)
    assert data.n_duplicates >= 2 * 2 * 2 * 6 + 2 * 2 * 2 * 4
    # every removed combination renders an image that was kept
    all_images = shapes.render(shapes.all_factor_indices(2, 2, 12), resolution=32, n_positions=2,
                               n_scales=2, n_rotations=12).reshape(data.n_combinations, -1)
    kept = {row.tobytes() for row in flat}
    assert {row.tobytes() for row in all_images} == kept


def test_generation_is_deterministic_and_subsets_follow_the_seed():
    kw = dict(n_positions=4, n_scales=2, n_rotations=6)
    a = shapes.make_shapes(16, n_samples=50, seed=1, **kw)
    b = shapes.make_shapes(16, n_samples=50, seed=1, **kw)
    c = shapes.make_shapes(16, n_samples=50, seed=2, **kw)
    assert np.array_equal(a.images, b.images) and np.array_equal(a.factors, b.factors)
    assert not np.array_equal(a.factors, c.factors)
    assert a.n_unique == c.n_unique and len(a) == 50


def test_images_match_their_factors():
    data = shapes.make_shapes(32, n_samples=40, n_positions=4, n_scales=3, n_rotations=10)
    again = shapes.render(data.factors, resolution=32, n_positions=4, n_scales=3, n_rotations=10)
    assert np.array_equal(again, data.images)


def test_downsampling_is_block_majority():
    img = np.zeros((1, 64, 64), np.uint8)
    img[0, :2, :2] = [[1, 1], [0, 0]]     # half a block: counts as on
    img[0, 2:4, :2] = [[1, 0], [0, 0]]    # a quarter: off
    small = shapes.downsample(img, 32)
    assert small.shape == (1, 32, 32) and small[0, 0, 0] == 1 and small[0, 1, 0] == 0


@pytest.mark.parametrize("kwargs, match", [
    (dict(resolution=48), "resolution"),
    (dict(n_positions=17), "n_positions"),
    (dict(n_rotations=0), "n_rotations"),
    (dict(n_scales=2.5), "n_scales"),
    (dict(n_samples=10 ** 7), "n_samples"),
])
def test_bad_arguments_are_named(kwargs, match):
    kw = dict(resolution=16, n_positions=2, n_scales=2, n_rotations=4) | kwargs
    with pytest.raises(ValueError, match=match):
        shapes.make_shapes(**kw)


def test_numpy_integers_are_valid_arguments():
    data = shapes.make_shapes(resolution=np.int64(16), n_samples=np.int64(5), n_positions=2,
                              n_scales=np.int32(2), n_rotations=4)
    assert data.images.shape == (5, 16, 16)
    with pytest.raises(ValueError, match="received resolution=32.0"):
        shapes.make_shapes(resolution=32.0)


def test_render_checks_indices():
    with pytest.raises(ValueError, match="'factor_indices': expected an array of shape"):
        shapes.render(np.zeros((3, 4), int))
    with pytest.raises(ValueError, match="out of range"):
        shapes.render(np.array([[3, 0, 0, 0, 0]]))
