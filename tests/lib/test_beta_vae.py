import keras
import numpy as np
import pytest

from deep_unsupervised import beta_vae as B
from deep_unsupervised import vae as V


def _model(beta=3.0, **kwargs):
    keras.utils.set_random_seed(0)
    return B.BetaVAE(B.conv_encoder((8, 8, 1), latent_dim=3, filters=4, dense_units=8),
                     B.conv_decoder((8, 8, 1), latent_dim=3, filters=4, dense_units=8),
                     beta=beta, seed=0, **kwargs)


def _batch(n=16, seed=0):
    return (np.random.default_rng(seed).random((n, 8, 8, 1)) > 0.6).astype("float32")


def _terms(model, x, outputs):
    """Reconstruction and KL of the outputs, in NumPy (a second computation)."""
    decoded, mean, log_var = (np.asarray(t, dtype="float64") for t in outputs)
    p = np.clip(decoded, 1e-7, 1 - 1e-7)
    rec = -np.mean(np.sum(x * np.log(p) + (1 - x) * np.log(1 - p), axis=(1, 2, 3)))
    kl = np.mean(0.5 * np.sum(mean**2 + np.exp(log_var) - 1 - log_var, axis=1))
    return rec, kl


def _loss(model, x, beta=None):
    model.compile(optimizer="sgd")
    if beta is not None:
        model.beta_weight.assign(beta)
    outputs = model(x, training=True)
    loss = float(model.compute_loss(x, y_pred=outputs))
    return loss, _terms(model, x, outputs)


def test_builders_halve_down_to_four_by_four():
    enc, dec = B.conv_encoder((32, 32, 1)), B.conv_decoder((32, 32, 1))
    assert [layer.strides for layer in enc.layers if isinstance(layer, keras.layers.Conv2D)] == [(2, 2)] * 3
    assert enc.output_shape == [(None, 10), (None, 10)]
    assert dec.output_shape == (None, 32, 32, 1)
    assert len([layer for layer in B.conv_encoder((64, 64, 1)).layers
                if isinstance(layer, keras.layers.Conv2D)]) == 4


def test_the_loss_is_reconstruction_plus_beta_kl():
    x = _batch()
    for beta in (0.0, 3.0):
        loss, (rec, kl) = _loss(_model(beta), x)
        assert kl > 0.01   # the untrained encoder's posterior is not the prior
        assert loss == pytest.approx(rec + beta * kl, rel=1e-4)


def test_the_beta_variable_sets_the_weight_without_recompiling():
    x = _batch()
    model = _model(6.0)
    for beta in (6.0, 1.5, 0.0):
        loss, (rec, kl) = _loss(model, x, beta)
        assert loss == pytest.approx(rec + beta * kl, rel=1e-4), beta


def test_beta_changes_what_training_keeps(eager):
    x = _batch(64)
    kls = {}
    for beta in (0.0, 8.0):
        model = _model(beta)
        model.compile(optimizer=keras.optimizers.Adam(1e-2))
        model.fit(x, epochs=3, batch_size=32, verbose=0)
        kls[beta] = model.evaluate(x, verbose=0, return_dict=True)["kl"]
    assert kls[8.0] < 0.5 * kls[0.0], kls      # β presses the KL down


@pytest.mark.backend
def test_the_compiled_step_reads_beta_at_every_step():
    """A schedule changes ``beta_weight`` between epochs of one compiled training function; a
    step that froze β when it was traced would go on weighting the KL with the old value."""
    x = _batch(32)
    model = _model(6.0)
    model.compile(optimizer=keras.optimizers.Adam(1e-3))
    model.fit(x, epochs=1, batch_size=32, verbose=0)
    model.beta_weight.assign(1.5)
    history = model.fit(x, epochs=1, batch_size=32, verbose=0).history
    assert history["beta"] == [1.5]
    np.testing.assert_allclose(history["loss"][0], history["reconstruction"][0]
                               + 1.5 * history["kl"][0], rtol=1e-5)


def test_beta_norm_matches_the_lecture_setting():
    assert B.beta_norm(4, 10, 64 * 64) == pytest.approx(40 / 4096)
    assert B.beta_from_norm(B.beta_norm(4, 10, 64 * 64), 10, 32 * 32) == pytest.approx(1.0)
    assert B.beta_norm(np.float32(2.0), np.int64(10), 1024) == pytest.approx(20 / 1024)


def test_bad_arguments_are_named():
    enc, dec = _model().encoder, _model().decoder
    with pytest.raises(ValueError, match="argument 'beta'"):
        B.BetaVAE(enc, dec, beta=-1.0)
    with pytest.raises(ValueError, match="argument 'schedule'"):
        B.BetaSchedule({})
    with pytest.raises(ValueError, match="argument 'rotations'"):
        B.rotated_kl(np.zeros((4, 3)), np.zeros((4, 3)), np.eye(2)[None])
    with pytest.raises(ValueError, match="argument 'input_shape'"):
        B.conv_encoder((28, 28, 1))
    with pytest.raises(ValueError, match="argument 'beta'"):
        B.beta_norm(-1, 10, 100)


def test_save_and_load_round_trip(tmp_path):
    model = _model(6.0)
    path = tmp_path / "beta_vae.keras"
    model.save(path)
    loaded = keras.saving.load_model(path)
    assert isinstance(loaded, B.BetaVAE) and isinstance(loaded, V.VAE)
    assert loaded.beta == 6.0 and float(loaded.beta_weight.numpy()) == 6.0
    x = _batch(4)
    np.testing.assert_allclose(loaded.encoder(x)[0], model.encoder(x)[0], atol=1e-6)


def test_byte_images_give_the_same_loss_as_floats():
    x = _batch()
    model = _model(3.0)
    model.compile(optimizer="sgd")
    outputs = model(x, training=False)
    as_float = float(model.compute_loss(x, y_pred=outputs))
    as_bytes = float(model.compute_loss(x.astype("uint8"), y_pred=outputs))
    assert as_bytes == pytest.approx(as_float, rel=1e-6)


def test_a_limited_load_renders_only_what_it_returns(monkeypatch):
    import dataclasses

    from deep_unsupervised import shapes
    from deep_unsupervised.book.recipes import beta_vae as R

    monkeypatch.setattr(shapes, "make_shapes", None)   # the full grid must not be built
    s = dataclasses.replace(R.BETA_VAE.settings("full"), resolution=64)
    data = R.load_shapes(s, limit=24)
    assert data.x_train.shape == data.x_test.shape == (24, 64, 64, 1)
    assert data.x_train.dtype == np.uint8 and data.v_test.shape == (24, 5)
    both = np.concatenate([data.x_train, data.x_test]).reshape(48, -1)
    assert len(np.unique(both, axis=0)) == 48          # distinct, so train and test are disjoint
    again = shapes.render(data.shapes.factors[:24], resolution=64)
    np.testing.assert_array_equal(again[..., None], data.x_test)  # factors match the images


def test_beta_schedule_drops_beta_at_its_epoch_and_a_second_fit_has_a_fresh_adam(eager):
    from deep_unsupervised.book.recipes import beta_vae as R

    s = R.AnnealedSettings(resolution=16, n_train=32, n_test=32, filters=4, dense_units=8,
                           beta=6.0, beta_final=1.5, final_epoch=1, epochs=3, batch_size=16)
    data = R.load_shapes(s, limit=32)
    scores = B.CodeScores(data.x_test, data.v_test)
    model = R.train_beta_vae(s, data, callbacks=[scores])
    assert float(model.beta_weight.numpy()) == 1.5
    assert int(model.optimizer.iterations) == 4           # the second fit's 2 epochs × 2 steps
    assert scores.steps == [2, 4, 6]                      # steps count across both fits
    history = model.history.history
    assert history["beta"] == [1.5, 1.5]
    np.testing.assert_allclose(history["loss"], np.add(history["reconstruction"],
                                                       1.5 * np.array(history["kl"])), rtol=1e-5)
    first = R.train_beta_vae(R.BetaVAESettings(**{k: getattr(s, k) for k in (
        "resolution", "n_train", "n_test", "filters", "dense_units", "batch_size")},
        beta=6.0, epochs=1), data)
    assert float(first.beta_weight.numpy()) == 6.0
    resumed = R.train_beta_vae(s, data, model=first)     # the second phase only
    assert int(resumed.optimizer.iterations) == 4
    np.testing.assert_allclose(resumed.encoder(data.x_test)[0], model.encoder(data.x_test)[0],
                               atol=1e-5)              # the same run, in one call or two
    with pytest.raises(ValueError, match="AnnealedSettings"):
        R.train_beta_vae(R.BETA_VAE.settings("ci"), data, model=first)


def test_rotating_a_diagonal_posterior_costs_kl():
    from deep_unsupervised import disentanglement as dis

    rng = np.random.default_rng(0)
    mean = np.c_[rng.normal(size=(200, 2)), np.zeros((200, 2))]     # 2 active, 2 switched off
    log_var = np.c_[np.full((200, 2), np.log(0.01)), np.zeros((200, 2))]
    kl, rotated = B.rotated_kl(mean, log_var, dis.random_rotations(20, 4))
    expected = 0.5 * np.mean(np.sum(mean**2, 1)) + 2 * 0.5 * (0.01 - 1 - np.log(0.01))
    assert kl == pytest.approx(expected)
    assert np.all(rotated > kl + 0.5)                      # every rotation costs KL ...
    _, same = B.rotated_kl(mean, log_var, np.eye(4)[None, :, [1, 0, 3, 2]] * [1, -1, 1, 1])
    assert same[0] == pytest.approx(kl)                    # ... a permutation or a flip none
    # the 45° mixture of an active and an off element, by hand: precision diag (100 + 1) / 2
    q = np.eye(4)
    q[np.ix_([0, 2], [0, 2])] = np.array([[1, -1], [1, 1]]) / np.sqrt(2)
    var = 2 / 101
    _, mixed = B.rotated_kl(mean, log_var, q[None])
    hand = (0.5 * np.mean(np.sum(mean**2, 1)) + 0.5 * (0.01 - 1 - np.log(0.01))
            + 2 * 0.5 * (var - 1 - np.log(var)))
    assert mixed[0] == pytest.approx(hand)
