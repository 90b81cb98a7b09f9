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
    assert not model.compiled
    assert model.predict(images, verbose=0).shape == (8, 16, 16, 1)
    loss = du.fit(model, images, masks, epochs=1, batch_size=8, progress=False,
                           loss="binary_crossentropy").history["loss"][0]
    assert np.isfinite(loss)


def test_segnet_decoder_uses_the_encoders_pooling_indices():
    """Fails if the decoder upsamples without the indices (e.g. UpSampling2D) or wrong ones."""
    from deep_unsupervised import inspection

    model = S.segnet(input_shape=(16, 16, 1), filters=(4, 8))
    images, _ = S.make_scenes(3, size=16, seed=2)
    for stage in (1, 2):
        unpool = model.get_layer(f"unpool_{stage}")
        assert isinstance(unpool, S.MaxUnpooling2D)
        names = [f"enc_{stage}_relu", f"unpool_{stage}"]
        x_in = unpool.input[0]  # the decoder map the layer upsamples
        probe = keras.Model(model.inputs, [x_in, model.get_layer(names[0]).output])
        decoder_map, skip = [np.asarray(a) for a in probe.predict(images, verbose=0)]
        out = inspection.layer_outputs(model, images, names)[names[1]]
        np.testing.assert_allclose(out, _unpool_loop(decoder_map, skip), atol=1e-6)


def test_segnet_round_trip(tmp_path):
    model = S.segnet(input_shape=(8, 8, 1), filters=(2, 3))
    model.save(tmp_path / "segnet.keras")
    again = keras.saving.load_model(tmp_path / "segnet.keras")  # MaxUnpooling2D is registered
    assert isinstance(again.get_layer("unpool_1"), S.MaxUnpooling2D)
    x, _ = S.make_scenes(2, size=8, seed=0)
    np.testing.assert_allclose(again.predict(x, verbose=0), model.predict(x, verbose=0),
                               atol=1e-6)


def test_segnet_recipe_step_fits_the_masks_with_cross_entropy(monkeypatch, eager):
    """Fails if the targets are not the masks, or the likelihood is swapped."""
    import dataclasses

    from deep_unsupervised._backend import training
    from deep_unsupervised.book.recipes import denoising as R

    s = dataclasses.replace(R.SEGNET.settings("ci"), size=16, filters=(2, 4), epochs=1,
                            batch_size=16)
    data = R.load_scenes(s, limit=16)
    seen = {}
    real_fit = training.fit
    monkeypatch.setattr(training, "fit", lambda m, x, y=None, **k: (
        seen.update(x=x, y=y, loss=k["loss"]), real_fit(m, x, y, **k))[1])
    model = R.SEGNET.train(s, data)
    assert seen["x"] is data.x_train and seen["y"] is data.y_train
    p = np.clip(model.predict(data.x_test, verbose=0).astype(np.float64), 1e-7, 1 - 1e-7)
    t = data.y_test.astype(np.float64)
    bce = -np.mean(t * np.log(p) + (1 - t) * np.log(1 - p))
    assert model.evaluate(data.x_test, data.y_test, verbose=0) == pytest.approx(bce, rel=1e-3)
    assert set(R.evaluate_segnet(s, model, data)) == {"iou", "median_iou_per_scene",
                                                        "iou_best_threshold"}


def test_bad_arguments():
    with pytest.raises(ValueError, match="input_shape"):
        S.segnet(input_shape=(30, 30, 1))
    with pytest.raises(ValueError, match="'filters'"):
        S.segnet(filters=())
    with pytest.raises(ValueError, match="'input_shape'"):
        S.segnet(input_shape=(32, 32))
    with pytest.raises(ValueError, match="'size'"):
        S.make_scenes(2, size=4)
    with pytest.raises(ValueError, match="'threshold'"):
        S.iou(np.zeros(4), np.zeros(4), threshold="half")
    with pytest.raises(ValueError, match="'n'"):
        S.make_scenes(0)
    with pytest.raises(ValueError, match="noise"):
        S.make_scenes(2, noise=-1)
    with pytest.raises(ValueError, match="'masks_pred'.*shape"):
        S.iou(np.zeros((2, 4)), np.zeros((2, 5)))
