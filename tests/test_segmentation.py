"""Tests for deep_unsupervised.segmentation: unpooling vs a NumPy loop, IoU vs scikit-learn."""

import deep_unsupervised as du  # noqa: F401
import keras
import numpy as np
import pytest
from sklearn.metrics import jaccard_score

from deep_unsupervised import segmentation as S


def _unpool_loop(x, pooled_from):
    """Reference max-unpooling with explicit argmax indices (first maximum in row-major order)."""
    out = np.zeros_like(pooled_from)
    b, h, w, c = pooled_from.shape
    for n in range(b):
        for i in range(h // 2):
            for j in range(w // 2):
                for k in range(c):
                    window = pooled_from[n, 2 * i:2 * i + 2, 2 * j:2 * j + 2, k]
                    di, dj = np.unravel_index(np.argmax(window), (2, 2))
                    out[n, 2 * i + di, 2 * j + dj, k] = x[n, i, j, k]
    return out


def test_max_unpooling_matches_argmax_loop_including_ties():
    rng = np.random.default_rng(0)
    pooled_from = rng.integers(0, 3, (2, 6, 8, 3)).astype(np.float32)  # many ties
    x = rng.standard_normal((2, 3, 4, 3)).astype(np.float32)
    ours = keras.ops.convert_to_numpy(S.MaxUnpooling2D()([x, pooled_from]))
    np.testing.assert_allclose(ours, _unpool_loop(x, pooled_from))


def test_unpooling_the_pooled_map_keeps_only_the_maxima():
    rng = np.random.default_rng(1)
    f = rng.random((1, 4, 4, 2)).astype(np.float32)
    pooled = keras.ops.convert_to_numpy(keras.layers.MaxPooling2D(2)(f))
    out = keras.ops.convert_to_numpy(S.MaxUnpooling2D()([pooled, f]))
    assert np.count_nonzero(out) == pooled.size
    np.testing.assert_allclose(np.sort(out[out > 0]), np.sort(pooled.ravel()))


def test_iou_matches_sklearn_jaccard():
    rng = np.random.default_rng(2)
    t = (rng.random((5, 8, 8, 1)) < 0.3).astype(np.float32)
    p = rng.random((5, 8, 8, 1))
    assert S.iou(t, p) == pytest.approx(jaccard_score(t.ravel(), p.ravel() > 0.5))
    per = S.iou(t, p, per_image=True)
    expected = [jaccard_score(t[i].ravel(), p[i].ravel() > 0.5) for i in range(5)]
    np.testing.assert_allclose(per, expected)
    assert S.iou(t, t) == 1.0 and S.iou(np.zeros(4), np.zeros(4)) == 1.0


def test_make_scenes_shapes_ranges_and_reproducibility():
    images, masks = S.make_scenes(6, size=24, seed=3)
    assert images.shape == masks.shape == (6, 24, 24, 1)
    assert images.min() >= 0 and images.max() <= 1
    assert set(np.unique(masks)) <= {0.0, 1.0} and masks.reshape(6, -1).max(axis=1).min() == 1
    np.testing.assert_array_equal(images, S.make_scenes(6, size=24, seed=3)[0])


def test_segnet_output_and_one_training_step():
    images, masks = S.make_scenes(8, size=16, seed=0)
    model = S.segnet(input_shape=(16, 16, 1), filters=(4, 8))
    assert model.predict(images, verbose=0).shape == (8, 16, 16, 1)
    loss = model.fit(images, masks, epochs=1, batch_size=8, verbose=0).history["loss"][0]
    assert np.isfinite(loss)


def test_bad_arguments():
    with pytest.raises(ValueError, match="input_shape"):
        S.segnet(input_shape=(30, 30, 1))
    with pytest.raises(ValueError, match="'n'"):
        S.make_scenes(0)
    with pytest.raises(ValueError, match="noise"):
        S.make_scenes(2, noise=-1)
    with pytest.raises(ValueError, match="same shape"):
        S.iou(np.zeros((2, 4)), np.zeros((2, 5)))
