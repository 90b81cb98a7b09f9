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


def _loss(model, x, step=None):
    model.compile(optimizer="sgd")
    if step is not None:
        model.steps_seen.assign(step)
    outputs = model(x, training=True)
    loss = float(model.compute_loss(x, y_pred=outputs))
    return loss, _terms(model, x, outputs)


def test_builders_halve_down_to_four_by_four():
    enc, dec = B.conv_encoder((32, 32, 1)), B.conv_decoder((32, 32, 1))
    assert [l.strides for l in enc.layers if isinstance(l, keras.layers.Conv2D)] == [(2, 2)] * 3
    assert enc.output_shape == [(None, 10), (None, 10)]
    assert dec.output_shape == (None, 32, 32, 1)
    assert len([l for l in B.conv_encoder((64, 64, 1)).layers
                if isinstance(l, keras.layers.Conv2D)]) == 4


def test_the_loss_is_reconstruction_plus_beta_kl():
    x = _batch()
    for beta in (0.0, 3.0):
        loss, (rec, kl) = _loss(_model(beta), x)
        assert kl > 0.01   # the untrained encoder's posterior is not the prior
        assert loss == pytest.approx(rec + beta * kl, rel=1e-4)


def test_the_capacity_target_follows_its_schedule():
    x = _batch()
    model = _model(5.0, capacity=4.0, capacity_start=10, capacity_end=30)
    assert [float(model.capacity_at(s)) for s in (0, 10, 20, 30, 99)] == [0, 0, 2, 4, 4]
    for step, target in ((0, 0.0), (20, 2.0), (40, 4.0)):
        loss, (rec, kl) = _loss(model, x, step)
        assert loss == pytest.approx(rec + 5.0 * abs(kl - target), rel=1e-4), step


def test_beta_and_capacity_change_what_training_keeps():
    x = _batch(64)
    kls = {}
    for name, kwargs in {"0": dict(beta=0.0), "8": dict(beta=8.0),
                         "C": dict(beta=8.0, capacity=6.0, capacity_end=2)}.items():
        model = _model(**kwargs)
        model.compile(optimizer=keras.optimizers.Adam(1e-2))
        model.fit(x, epochs=15, batch_size=16, verbose=0)
        kls[name] = model.evaluate(x, verbose=0, return_dict=True)["kl"]
    assert kls["8"] < 0.5 * kls["0"], kls      # β presses the KL down ...
    assert kls["C"] > 2 * kls["8"], kls        # ... and a capacity target lets it up again


def test_beta_norm_matches_the_lecture_setting():
    assert B.beta_norm(4, 10, 64 * 64) == pytest.approx(40 / 4096)
    assert B.beta_from_norm(B.beta_norm(4, 10, 64 * 64), 10, 32 * 32) == pytest.approx(1.0)
    assert B.beta_norm(np.float32(2.0), np.int64(10), 1024) == pytest.approx(20 / 1024)


def test_bad_arguments_are_named():
    enc, dec = _model().encoder, _model().decoder
    with pytest.raises(ValueError, match="argument 'capacity'"):
        B.BetaVAE(enc, dec, capacity=-1.0)
    with pytest.raises(ValueError, match="argument 'capacity_end'"):
        B.BetaVAE(enc, dec, capacity=1.0, capacity_start=5, capacity_end=5)
    with pytest.raises(ValueError, match="argument 'input_shape'"):
        B.conv_encoder((28, 28, 1))
    with pytest.raises(ValueError, match="argument 'beta'"):
        B.beta_norm(-1, 10, 100)


def test_save_and_load_round_trip(tmp_path):
    model = _model(6.0, capacity=3.0, capacity_start=2, capacity_end=9)
    path = tmp_path / "beta_vae.keras"
    model.save(path)
    loaded = keras.saving.load_model(path)
    assert isinstance(loaded, B.BetaVAE) and isinstance(loaded, V.VAE)
    assert (loaded.beta, loaded.capacity, loaded.capacity_start, loaded.capacity_end) == (
        6.0, 3.0, 2, 9)
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
    from deep_unsupervised.recipes import beta_vae as R

    monkeypatch.setattr(shapes, "make_shapes", None)   # the full grid must not be built
    s = dataclasses.replace(R.BETA_VAE.settings("full"), resolution=64)
    data = R.load_shapes(s, limit=24)
    assert data.x_train.shape == data.x_test.shape == (24, 64, 64, 1)
    assert data.x_train.dtype == np.uint8 and data.v_test.shape == (24, 5)
    both = np.concatenate([data.x_train, data.x_test]).reshape(48, -1)
    assert len(np.unique(both, axis=0)) == 48          # distinct, so train and test are disjoint
    again = shapes.render(data.shapes.factors[:24], resolution=64)
    np.testing.assert_array_equal(again[..., None], data.x_test)  # factors match the images


def test_the_capacity_schedule_counts_training_steps_only():
    x = _batch(48)
    model = _model(5.0, capacity=4.0, capacity_start=0, capacity_end=6)
    model.compile(optimizer=keras.optimizers.Adam(1e-3))
    history = model.fit(x, epochs=2, batch_size=16, verbose=0)
    assert int(model.steps_seen.numpy()) == 6             # 3 steps per epoch
    model.evaluate(x, batch_size=16, verbose=0)
    assert int(model.steps_seen.numpy()) == 6             # evaluation is not training
    # mean target of the first epoch's steps 0, 1, 2 and of the second's 3, 4, 5
    np.testing.assert_allclose(history.history["capacity"], [4 / 6, 8 / 3], rtol=1e-5)


def test_beta_drops_at_its_step_and_a_resumed_run_continues_the_schedule():
    import dataclasses

    from deep_unsupervised.recipes import beta_vae as R

    model = _model(6.0, beta_final=1.5, final_from=3)
    assert [float(model.beta_at(s)) for s in (0, 2, 3, 9)] == [6.0, 6.0, 1.5, 1.5]
    x = _batch()
    loss, (rec, kl) = _loss(model, x, step=3)
    assert loss == pytest.approx(rec + 1.5 * kl, rel=1e-4)
    s = R.AnnealedSettings(resolution=16, n_train=32, n_test=32, filters=4, beta=6.0,
                           beta_final=1.5, final_epoch=1, epochs=2, batch_size=16)
    data = R.load_shapes(s, limit=32)
    first = R.train_beta_vae(dataclasses.replace(s, epochs=1), data, model=None)
    first.beta_final = None                                  # as a plain β-VAE would be
    resumed = R.train_beta_vae(s, data, model=first)
    # a fresh Adam at the drop: it has seen only the 2 steps after it
    assert int(resumed.steps_seen.numpy()) == 4 and int(resumed.optimizer.iterations) == 2
    assert (resumed.beta_final, resumed.final_from) == (1.5, 2)
    kept = R.train_beta_vae(dataclasses.replace(s, epochs=1), data, model=None)
    kept = R.train_beta_vae(dataclasses.replace(s, reset_optimizer=False), data, model=kept)
    assert int(kept.optimizer.iterations) == 4                # the same Adam, resumed


def test_annealed_recipe_restarts_adam_at_the_drop_in_one_call():
    import dataclasses

    from deep_unsupervised.recipes import beta_vae as R

    s = R.AnnealedSettings(resolution=16, n_train=32, n_test=32, filters=4, beta=6.0,
                           beta_final=1.5, final_epoch=1, epochs=3, batch_size=16)
    model = R.train_beta_vae(s, R.load_shapes(s, limit=32))
    assert int(model.steps_seen.numpy()) == 6 and int(model.optimizer.iterations) == 4
    beta0, s12 = R.BETA_0.settings("ci"), R.BETA_VAE.settings("ci")   # differ in β, epochs
    assert dataclasses.replace(beta0, beta=s12.beta, epochs=s12.epochs) == s12
