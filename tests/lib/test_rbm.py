"""Tests of deep_unsupervised.rbm: exact enumeration vs estimates on tiny RBMs, and bad inputs."""

import deep_unsupervised as du

du.setup(seed=0, style=False)

import numpy as np  # noqa: E402
import pytest  # noqa: E402
import keras  # noqa: E402
from keras import ops  # noqa: E402

from deep_unsupervised import rbm as R  # noqa: E402


def tiny_rbm(n_visible=6, n_hidden=4, scale=1.0, seed=0):
    """A small RBM with random, moderately large parameters (so the gradient is not trivial)."""
    rng = np.random.default_rng(seed)
    model = R.RBM(n_visible, n_hidden, seed=seed, weight_decay=0.0)
    model.W.assign(rng.normal(0, scale, (n_hidden, n_visible)))
    model.a.assign(rng.normal(0, 0.5, n_visible))
    model.b.assign(rng.normal(0, 0.5, n_hidden))
    return model


def tiny_data(n=12, n_visible=6, seed=0):
    return (np.random.default_rng(seed + 100).random((n, n_visible)) < 0.4).astype(np.float32)


def flat(grads):
    return np.concatenate([np.ravel(np.asarray(g, np.float64)) for g in grads])


def cosine(u, v):
    return float(u @ v / np.linalg.norm(u) / np.linalg.norm(v))


def test_conditionals_match_numpy():
    model, x = tiny_rbm(), tiny_data()
    W, a, b = model.numpy_parameters()
    ph = 1 / (1 + np.exp(-(x @ W.T + b)))
    np.testing.assert_allclose(ops.convert_to_numpy(model.hidden_probabilities(x)), ph, rtol=1e-5)
    px = 1 / (1 + np.exp(-(ph @ W + a)))
    np.testing.assert_allclose(ops.convert_to_numpy(model.visible_probabilities(ph)), px, rtol=1e-5)


@pytest.mark.parametrize("n_hidden", [3, 9])  # Z summed over hidden states, then over visible ones
def test_probabilities_sum_to_one_and_match_brute_force(n_hidden):
    model = tiny_rbm(n_visible=5, n_hidden=n_hidden)
    W, a, b = model.numpy_parameters()
    xs, hs = R.all_binary_states(5), R.all_binary_states(n_hidden)
    joint = np.exp(xs @ a[:, None] + (hs @ b)[None, :] + xs @ W.T @ hs.T)  # exp(-E(x, h))
    log_z = np.log(joint.sum())
    assert R.exact_log_partition(model) == pytest.approx(log_z, rel=1e-9)
    # free energy: P(x) = Σ_h exp(-E) / Z = exp(-F(x)) / Z
    free = ops.convert_to_numpy(model.free_energy(xs.astype(np.float32)))
    np.testing.assert_allclose(-free, np.log(joint.sum(axis=1)), rtol=1e-4, atol=1e-4)
    assert np.exp(-free.astype(np.float64) - log_z).sum() == pytest.approx(1.0, abs=1e-4)


def test_exact_gradient_matches_finite_differences():
    model, x = tiny_rbm(), tiny_data()
    dW, da, db = R.exact_gradient(model, x)
    eps = 1e-4
    for variable, grad, index in ((model.W, dW, (1, 2)), (model.a, da, (3,)), (model.b, db, (0,))):
        value = np.asarray(ops.convert_to_numpy(variable), np.float64)
        up, down = value.copy(), value.copy()
        up[index] += eps
        down[index] -= eps
        variable.assign(up)
        ll_up = R.exact_log_likelihood(model, x)
        variable.assign(down)
        ll_down = R.exact_log_likelihood(model, x)
        variable.assign(value)
        # float32 parameters limit the precision of the difference quotient
        assert (ll_up - ll_down) / (2 * eps) == pytest.approx(grad[index], abs=2e-3)


def test_cd_gradient_points_along_exact_gradient():
    model, x = tiny_rbm(), tiny_data()
    exact = flat(R.exact_gradient(model, x))
    many = np.repeat(x, 3000, axis=0)  # many chains per example average out the sampling noise
    cos_1 = cosine(flat(model.cd_gradient(many, k=1)[:3]), exact)
    cos_10 = cosine(flat(model.cd_gradient(many, k=10)[:3]), exact)
    assert cos_1 > 0.95, cos_1
    assert cos_10 > 0.99, cos_10


def test_cd_training_raises_exact_log_likelihood():
    x = tiny_data()
    model = R.RBM(6, 4, seed=3, weight_decay=0.0)
    model.compile(optimizer=R.hinton_sgd())
    before = R.exact_log_likelihood(model, x)
    model.fit(np.repeat(x, 50, axis=0), epochs=10, batch_size=60, verbose=0)
    after = R.exact_log_likelihood(model, x)
    assert after > before + 0.2, (before, after)


@pytest.mark.backend
def test_fit_tracks_reconstruction_and_pseudo_likelihood():
    x = tiny_data(n=64)
    model = R.RBM(6, 4, seed=0)
    model.compile(optimizer=R.hinton_sgd())
    history = model.fit(x, epochs=2, batch_size=32, validation_data=x, verbose=0).history
    assert {"recon", "free_energy", "val_recon", "val_pll", "val_free_energy"} <= set(history)
    assert all(p < 0 for p in history["val_pll"])


def test_pseudo_likelihood_matches_exact_conditionals():
    model, x = tiny_rbm(), tiny_data(n=4)
    W, a, b = model.numpy_parameters()
    exact = []  # Σ_i log P(x_i | x_rest) from the exact joint by enumeration
    for row in x.astype(np.float64):
        total = 0.0
        for i in range(len(row)):
            flipped = row.copy()
            flipped[i] = 1 - flipped[i]
            f, f_flip = R._free_energy(W, a, b, np.stack([row, flipped]))
            total += -np.logaddexp(0, f - f_flip)
        exact.append(total)
    many = np.repeat(x, 4000, axis=0)
    estimate = ops.convert_to_numpy(model.pseudo_log_likelihood(many)).reshape(4, -1).mean(axis=1)
    np.testing.assert_allclose(estimate, exact, rtol=0.05)


def test_gibbs_chain_shapes():
    model = tiny_rbm()
    records = model.gibbs_chain(tiny_data(n=3), steps=10, record_every=5)
    assert records.shape == (2, 3, 6)
    assert records.min() >= 0 and records.max() <= 1


class ReplayedRBM(R.RBM):
    """The package's RBM drawing its Bernoulli samples from given uniform numbers, in order."""

    uniforms: list

    def sample(self, p):
        u = ops.convert_to_tensor(self.uniforms.pop(0), "float32")
        return ops.cast(u < p, "float32")


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def cd_k_reference(x, W, a, b, uniforms, k):
    """CD-k written out in NumPy: returns (dW, da, db, P(x|h) of the first up-down pass)."""
    u = list(uniforms)
    p_data = sigmoid(x @ W.T + b)
    h = (u.pop(0) < p_data).astype(float)
    reconstruction = sigmoid(h @ W + a)
    x_model = (u.pop(0) < reconstruction).astype(float)
    for _ in range(k - 1):
        h = (u.pop(0) < sigmoid(x_model @ W.T + b)).astype(float)
        x_model = (u.pop(0) < sigmoid(h @ W + a)).astype(float)
    p_model = sigmoid(x_model @ W.T + b)  # probabilities, not samples, of the last state
    n = len(x)
    dW = (p_data.T @ x - p_model.T @ x_model) / n
    return dW, (x - x_model).mean(0), (p_data - p_model).mean(0), reconstruction


def replayed(k=1, weight_decay=0.0, seed=0):
    rng = np.random.default_rng(seed)
    model = ReplayedRBM(6, 4, k=k, weight_decay=weight_decay, seed=seed)
    W, a, b = rng.normal(0, 1.5, (4, 6)), rng.normal(0, 0.5, 6), rng.normal(0, 0.5, 4)
    for variable, value in zip((model.W, model.a, model.b), (W, a, b)):
        variable.assign(value)
    x = tiny_data(n=10)
    uniforms = [rng.random((10, 4)) if i % 2 == 0 else rng.random((10, 6)) for i in range(12)]
    return model, x.astype(np.float64), model.numpy_parameters(), uniforms


@pytest.mark.backend
@pytest.mark.parametrize("k", [1, 2, 5])
def test_cd_k_matches_the_chain_written_out(k):
    """Pins both phases, their signs, k, and probabilities (not samples) where meant."""
    model, x, (W, a, b), uniforms = replayed(k)
    model.uniforms = list(uniforms)
    ours = [ops.convert_to_numpy(t) for t in model.cd_gradient(x.astype(np.float32))]
    expected = cd_k_reference(x, W, a, b, uniforms, k)
    for name, got, want in zip(("dW", "da", "db", "reconstruction"), ours, expected):
        np.testing.assert_allclose(got, want, atol=1e-5, err_msg=name)
    if k > 1:  # the test can tell k from 1: the longer chain gives another estimate
        shorter = cd_k_reference(x, W, a, b, uniforms, 1)
        assert np.abs(shorter[0] - expected[0]).max() > 1e-3


@pytest.mark.backend
def test_train_step_ascends_the_cd_estimate_with_weight_decay():
    """One SGD step (lr 1, no momentum): W += dW - decay W, a += da, b += db; recon uses P(x|h)."""
    decay = 0.05
    model, x, (W, a, b), uniforms = replayed(k=2, weight_decay=decay)
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=1.0))
    model.uniforms = list(uniforms)
    logs = model.train_step(x.astype(np.float32))
    dW, da, db, reconstruction = cd_k_reference(x, W, a, b, uniforms, 2)
    W1, a1, b1 = model.numpy_parameters()
    np.testing.assert_allclose(W1, W + dW - decay * W, atol=1e-5)
    np.testing.assert_allclose(a1, a + da, atol=1e-5)
    np.testing.assert_allclose(b1, b + db, atol=1e-5)
    recon = float(ops.convert_to_numpy(logs["recon"]))
    assert recon == pytest.approx(np.mean((x - reconstruction) ** 2), abs=1e-5)


def test_gibbs_chain_records_probabilities_of_the_sampled_chain():
    model, x, (W, a, b), uniforms = replayed()
    model.uniforms = list(uniforms)
    records = model.gibbs_chain(x, steps=3, record_every=1)
    u, state = list(uniforms), x
    for record in records:
        h = (u.pop(0) < sigmoid(state @ W.T + b)).astype(float)
        p = sigmoid(h @ W + a)
        np.testing.assert_allclose(record, p, atol=1e-5)  # P(x|h), not the binary sample
        state = (u.pop(0) < p).astype(float)
    assert not np.all((records == 0) | (records == 1))


def test_save_and_load_round_trip(tmp_path):
    model = tiny_rbm()
    path = tmp_path / "rbm.keras"
    model.save(path)
    loaded = keras.models.load_model(path)
    assert isinstance(loaded, R.RBM)
    assert (loaded.n_visible, loaded.n_hidden, loaded.k) == (6, 4, 1)
    for w0, w1 in zip(model.numpy_parameters(), loaded.numpy_parameters()):
        np.testing.assert_array_equal(w0, w1)
    x = tiny_data()
    np.testing.assert_allclose(loaded.transform(x), model.transform(x), rtol=1e-6)


def test_numpy_scalars_are_valid_arguments():
    model = R.RBM(np.int64(6), np.int32(4), k=np.int64(2), weight_decay=np.float32(1e-4))
    assert (model.n_visible, model.n_hidden, model.k) == (6, 4, 2)


def test_bad_inputs():
    model = R.RBM(6, 4)
    model.compile(optimizer=R.hinton_sgd())
    with pytest.raises(ValueError, match="'x'.*binary"):
        model.fit(np.full((10, 6), 0.5), epochs=1, verbose=0)
    with pytest.raises(ValueError, match=r"'x'.*shape \(n, 6\).*\(10, 5\)"):
        model.fit(np.zeros((10, 5)), epochs=1, verbose=0)
    with pytest.raises(ValueError, match=r"'x'.*values in \[0, 1\]"):
        model.transform(np.full((2, 6), 2.0))
    with pytest.raises(ValueError, match="'x'.*finite"):
        model.reconstruct(np.full((2, 6), np.nan))
    with pytest.raises(ValueError, match="'validation_data'"):
        model.fit(np.zeros((10, 6)), validation_data=np.zeros((3, 7)), verbose=0)
    with pytest.raises(ValueError, match="'x'"):
        model.evaluate(np.zeros((3, 7)), verbose=0)
    with pytest.raises(ValueError, match="'x'"):
        model.init_visible_bias(np.zeros(6))
    with pytest.raises(ValueError, match="'x0'"):
        model.gibbs_chain(np.zeros((2, 5)), steps=2)
    with pytest.raises(ValueError, match="'steps'"):
        model.gibbs_chain(np.zeros((2, 6)), steps=0)
    with pytest.raises(ValueError, match="'record_every'"):
        model.gibbs_chain(np.zeros((2, 6)), steps=2, record_every=3)
    with pytest.raises(ValueError, match="'k'"):
        model.cd_gradient(np.zeros((2, 6)), k=0)
    with pytest.raises(ValueError, match="'n_hidden'.*n_hidden=0"):
        R.RBM(6, 0)
    with pytest.raises(ValueError, match="'n_visible'"):
        R.RBM(6.0, 4)
    with pytest.raises(ValueError, match="'k'"):
        R.RBM(6, 4, k=0)
    with pytest.raises(ValueError, match="'weight_decay'"):
        R.RBM(6, 4, weight_decay=-1.0)
    with pytest.raises(ValueError, match="'seed'"):
        R.RBM(6, 4, seed=-1)
    with pytest.raises(ValueError, match="'n'.*enumerate"):
        R.exact_log_partition(R.RBM(30, 25))
    with pytest.raises(ValueError, match="'x'"):
        R.exact_log_likelihood(model, np.zeros((2, 5)))
    with pytest.raises(ValueError, match="'x'"):
        R.exact_gradient(model, np.full((2, 6), 0.5))


def test_init_visible_bias_reproduces_pixel_frequencies():
    x = tiny_data(n=200)
    model = R.RBM(6, 4, seed=0).init_visible_bias(x)
    model.W.assign(np.zeros((4, 6)))
    p = ops.convert_to_numpy(model.visible_probabilities(np.zeros((1, 4), np.float32)))[0]
    np.testing.assert_allclose(p, np.clip(x.mean(axis=0), 1e-3, 1 - 1e-3), rtol=1e-4)
