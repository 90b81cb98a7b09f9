"""Tests for deep_unsupervised.cyclegan: the data transform, the networks, every loss term of the
training step against a gradient computed here from the formulas, bad input and saving."""

import deep_unsupervised as du

du.setup(seed=0, style=False)

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from keras import ops  # noqa: E402

from deep_unsupervised import autodiff, cyclegan  # noqa: E402


def _images(n=4, seed=0):
    return np.random.default_rng(seed).uniform(size=(n, 28, 28, 1)).astype("float32")


def _model(cycle_weight=10.0, identity_weight=0.0, lr=1e-2):
    keras.utils.set_random_seed(0)
    nets = [cyclegan.translator(filters=4), cyclegan.translator(filters=4),
            cyclegan.patch_discriminator(filters=(4, 4)),
            cyclegan.patch_discriminator(filters=(4, 4))]
    for g in nets[:2]:  # leave the identity start, so that the cycle term is not zero
        g.layers[-3].set_weights([w + 0.05 for w in g.layers[-3].get_weights()])
    model = cyclegan.CycleGAN(*nets, cycle_weight=cycle_weight, identity_weight=identity_weight)
    model.compile(keras.optimizers.SGD(lr), keras.optimizers.SGD(lr))
    return model


def _reference_update(model, a, b, lr):
    """The weights after one step, from the loss written out here (least squares, L1); the
    gradients come from autodiff.value_and_grad, tested on its own in test_autodiff.py."""
    mse1 = lambda t: ops.mean(ops.square(t - 1.0))  # noqa: E731
    l1 = lambda u, v: ops.mean(ops.abs(u - v))  # noqa: E731
    fake_b, fake_a = model.g_ab(a), model.g_ba(b)

    def g_total():
        fb, fa = model.g_ab(a), model.g_ba(b)
        return (mse1(model.d_b(fb)) + mse1(model.d_a(fa))
                + model.cycle_weight * (l1(model.g_ba(fb), a) + l1(model.g_ab(fa), b))
                + model.identity_weight * (l1(model.g_ab(b), b) + l1(model.g_ba(a), a))), None

    def d_loss():
        return (mse1(model.d_a(a)) + ops.mean(ops.square(model.d_a(fake_a)))
                + mse1(model.d_b(b)) + ops.mean(ops.square(model.d_b(fake_b)))), None

    new = []
    for nets, loss in (((model.g_ab, model.g_ba), g_total), ((model.d_a, model.d_b), d_loss)):
        weights = [w for net in nets for w in net.trainable_weights]
        grads = autodiff.value_and_grad(loss, weights, model)[2]
        new.append([ops.convert_to_numpy(v) - lr * ops.convert_to_numpy(g)
                    for v, g in zip(weights, grads)])
    return new


@pytest.mark.backend
@pytest.mark.parametrize("cycle_weight, identity_weight", [(10.0, 0.0), (10.0, 5.0), (0.0, 2.0)])
def test_train_step_follows_the_formula(cycle_weight, identity_weight):
    lr = 0.1
    model = _model(cycle_weight, identity_weight, lr=lr)
    a, b = _images(4, 0), cyclegan.thicken_strokes(_images(4, 1))
    a, b = ops.convert_to_tensor(a), ops.convert_to_tensor(b)
    g_new, d_new = _reference_update(model, a, b, lr)
    logs = model.train_step((a, b))
    g_vars = model.g_ab.trainable_weights + model.g_ba.trainable_weights
    d_vars = model.d_a.trainable_weights + model.d_b.trainable_weights
    for got, want in zip(g_vars + d_vars, g_new + d_new):
        np.testing.assert_allclose(ops.convert_to_numpy(got), want, rtol=1e-4, atol=1e-6)
    assert ("identity" in logs) == (identity_weight > 0)


def test_cycle_and_identity_terms_are_the_l1_formulas():
    model = _model(identity_weight=1.0)
    a, b = _images(4, 0), _images(4, 1)
    tensors = ops.convert_to_tensor(a), ops.convert_to_tensor(b)
    fake_a, fake_b, adv, cycle, identity = model.generator_losses(*tensors)
    ab, ba = model.g_ab.predict(a, verbose=0), model.g_ba.predict(b, verbose=0)
    want_cycle = (np.abs(model.g_ba.predict(ab, verbose=0) - a).mean()
                  + np.abs(model.g_ab.predict(ba, verbose=0) - b).mean())
    want_identity = (np.abs(model.g_ab.predict(b, verbose=0) - b).mean()
                     + np.abs(model.g_ba.predict(a, verbose=0) - a).mean())
    want_adv = (np.square(model.d_b.predict(ab, verbose=0) - 1).mean()
                + np.square(model.d_a.predict(ba, verbose=0) - 1).mean())
    np.testing.assert_allclose([float(cycle), float(identity), float(adv)],
                               [want_cycle, want_identity, want_adv], rtol=1e-4)
    assert float(cycle) > 0 and float(identity) > 0


def test_thicken_strokes_is_a_max_filter():
    x = np.zeros((1, 28, 28, 1), "float32")
    x[0, 10, 12, 0] = 0.7
    y = cyclegan.thicken_strokes(x)
    assert y.shape == x.shape and np.isclose(y.sum(), 9 * 0.7)  # one pixel -> a 3x3 square
    assert np.all(y[0, 9:12, 11:14, 0] == np.float32(0.7))
    assert np.isclose(cyclegan.thicken_strokes(x, size=np.int64(5)).sum(), 25 * 0.7)


def test_translator_starts_as_identity_and_fit_changes_every_net():
    a = _images(8)
    g_ab, g_ba = cyclegan.translator(filters=4), cyclegan.translator(filters=4)
    np.testing.assert_allclose(g_ab.predict(a, verbose=0), a, atol=1e-6)
    d_a, d_b = cyclegan.patch_discriminator((4, 4)), cyclegan.patch_discriminator((4, 4))
    assert tuple(d_a(a).shape) == (8, 7, 7, 1)
    model = cyclegan.CycleGAN(g_ab, g_ba, d_a, d_b)
    model.compile(keras.optimizers.Adam(1e-2), keras.optimizers.Adam(1e-2))
    before = [[w.copy() for w in n.get_weights()] for n in (g_ab, g_ba, d_a, d_b)]
    history = model.fit(a, cyclegan.thicken_strokes(a), batch_size=4, epochs=1, verbose=0)
    assert set(history.history) == {"g_adv", "cycle", "d_loss"}
    for b, n in zip(before, (g_ab, g_ba, d_a, d_b)):
        assert any(not np.allclose(x, y) for x, y in zip(b, n.get_weights()))
    errors = cyclegan.translation_errors(model, a)
    assert set(errors) == {"mse_ab", "mse_ba", "mse_cycle", "mse_do_nothing"}


def test_save_and_load_round_trip(tmp_path):
    model = _model(cycle_weight=7.0, identity_weight=1.5)
    model.save(tmp_path / "cyclegan.keras")
    loaded = keras.saving.load_model(tmp_path / "cyclegan.keras", compile=False)
    assert isinstance(loaded, cyclegan.CycleGAN)
    assert (loaded.cycle_weight, loaded.identity_weight) == (7.0, 1.5)
    a = _images(2)
    for name in ("g_ab", "g_ba", "d_a", "d_b"):
        np.testing.assert_allclose(getattr(loaded, name).predict(a, verbose=0),
                                   getattr(model, name).predict(a, verbose=0), rtol=1e-6)


@pytest.mark.parametrize("call, name", [
    (lambda: cyclegan.thicken_strokes(np.zeros((2, 28, 28))), "images"),
    (lambda: cyclegan.thicken_strokes(np.zeros((2, 28, 28, 3))), "images"),
    (lambda: cyclegan.thicken_strokes(np.zeros((2, 28, 28, 1)), size=0), "size"),
    (lambda: cyclegan.translator(filters=0), "filters"),
    (lambda: cyclegan.translator(depth=0), "depth"),
    (lambda: cyclegan.patch_discriminator(filters=()), "filters"),
    (lambda: cyclegan.CycleGAN(*_nets(), cycle_weight=-1.0), "cycle_weight"),
    (lambda: cyclegan.CycleGAN(*_nets(), identity_weight=float("nan")), "identity_weight"),
    (lambda: cyclegan.translation_errors(_model(), np.full((2, 28, 28, 1), 2.0)), "test_a"),
])
def test_bad_arguments(call, name):
    with pytest.raises(ValueError, match=f"Invalid value for argument '{name}'"):
        call()


def test_bad_types():
    with pytest.raises(TypeError, match="'d_b'"):
        cyclegan.CycleGAN(*_nets()[:3], d_b=None)
    with pytest.raises(TypeError, match="'g_optimizer'"):
        _model().compile(keras.optimizers.Adam(), "adam")


def _nets():
    return [cyclegan.translator(filters=2), cyclegan.translator(filters=2),
            cyclegan.patch_discriminator((2, 2)), cyclegan.patch_discriminator((2, 2))]
