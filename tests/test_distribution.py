"""distribution: data-parallel training on several devices, a no-op on one."""

import json
import os
import subprocess
import sys
import textwrap

import keras
import numpy as np
import pytest

from deep_unsupervised import distribution, recipes, training


@pytest.mark.parametrize("spec", ["cpu", "gpu:0", "cpu:-1", "2", "everything", 2])
def test_bad_device_spec_is_a_clear_value_error(spec):
    with pytest.raises(ValueError, match="Invalid value for argument 'devices'"):
        distribution.devices(spec)


def test_device_spec_from_environment_and_too_many_devices(monkeypatch):
    assert distribution.parse("CPU:2") == ("cpu", 2) and distribution.parse("off") == ("off", None)
    monkeypatch.setenv("BOOK_DEVICES", "two gpus")
    with pytest.raises(ValueError, match="argument 'BOOK_DEVICES'"):
        distribution.devices()
    monkeypatch.setenv("BOOK_DEVICES", "")
    assert distribution.parse() == ("auto", None)
    if not distribution.accelerators():  # this CPU machine: no GPU to ask for
        with pytest.raises(ValueError, match="expected at most 0 gpu devices"):
            distribution.devices("gpu:2")


def _train_tiny(seed=0):
    keras.utils.set_random_seed(seed)
    model = keras.Sequential([keras.Input((6,)), keras.layers.Dense(8, activation="relu"),
                              keras.layers.Dense(1)])
    x = np.random.default_rng(seed).random((101, 6)).astype("float32")
    training.fit(model, x, x.sum(1, keepdims=True), epochs=2, batch_size=16, loss="mse",
                 progress=False)
    return model.get_weights()


def test_one_device_hook_is_a_no_op(monkeypatch):
    """Without several accelerators the hook creates nothing and changes no number (bit for bit)."""
    monkeypatch.delenv("BOOK_DEVICES", raising=False)
    plain = _train_tiny()
    with distribution.data_parallel() as replicas:
        assert replicas is None and distribution.active() is None
        assert len(distribution.devices()) == 1
        if keras.backend.backend() == "tensorflow":
            import tensorflow as tf

            assert not tf.distribute.has_strategy()
        else:
            assert keras.distribution.distribution() is None
        hooked = _train_tiny()
    for a, b in zip(plain, hooked):
        np.testing.assert_array_equal(a, b)
    # every recipe's train runs inside the hook; the function as written stays reachable
    recipe = recipes.get("mlp")
    assert recipe.train._data_parallel and recipe.train.__wrapped__.__name__ == "train_mlp"


_SCRIPT = textwrap.dedent("""
    import dataclasses, json
    import deep_unsupervised as du
    from deep_unsupervised import distribution

    du.setup(seed=0, style=False)
    import keras

    recipe = du.recipes.get("mlp")
    s = dataclasses.replace(recipe.settings("ci"), epochs=2)
    data = recipe.load(s, limit=2001)  # the last batch, 81, does not split
    model = recipe.train(s, data, label="2 devices")           # BOOK_DEVICES=cpu:2
    if keras.backend.backend() == "tensorflow":
        replicas = model.distribute_strategy.num_replicas_in_sync
    else:
        replicas = len(model.trainable_variables[0].value.sharding.device_set)
    two = recipe.evaluate(s, model, data)
    one = recipe.evaluate(s, recipe.train.__wrapped__(s, data, label="1 device"), data)

    import contextlib, io
    import numpy as np
    from keras import ops

    class OwnStep(keras.Model):      # a train_step of its own, as the GANs and the RBM have
        def train_step(self, *args):  # (data) on TensorFlow, (state, data) on JAX
            return super().train_step(*args)

    class OwnLoss(keras.Model):      # a compute_loss of its own, as the VAE has
        def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
            return ops.mean(ops.square(y - y_pred))

    def train_tiny(cls):
        keras.utils.set_random_seed(0)
        inputs = keras.Input((4,))
        model = cls(inputs, keras.layers.Dense(1)(inputs))
        x = np.random.default_rng(0).random((64, 4)).astype("float32")
        du.training.fit(model, x, x.sum(1, keepdims=True), epochs=3, batch_size=16,
                        learning_rate=0.1, optimizer="sgd", loss="mse", progress=False)
        return model

    def tiny_recipe(cls):
        return du.recipes.Recipe(name="tiny", chapter="none", description="", train=(
            lambda s, data: train_tiny(cls)), presets={"ci": s, "full": s})

    with contextlib.redirect_stdout(io.StringIO()) as notice:
        own_step = tiny_recipe(OwnStep).train(s, None)
    own_loss = [tiny_recipe(OwnLoss).train(s, None).history.history["loss"],
                train_tiny(OwnLoss).history.history["loss"]]   # 2 replicas, then 1 device
    try:
        distribution.devices("cpu:3")
        too_many = None
    except ValueError as error:
        too_many = str(error)
    result = dict(replicas=replicas, two=two, one=one, too_many=too_many,
                  notice=notice.getvalue(), own_loss=own_loss)
""") + textwrap.dedent("""
    # -- the book's own training steps: a few steps on 2 replicas equal those on one device --
    import tensorflow as tf
    from deep_unsupervised import cyclegan, gan, rbm

    class SeededGAN(gan.GAN):  # the penalty's weights from the model's generator, on 1 device too
        penalty_seed = property(lambda self: self.seed_generator)

    def generator():  # with batch normalisation: global-batch statistics on every replica
        z = keras.Input((2,))
        h = keras.layers.ReLU()(keras.layers.BatchNormalization()(keras.layers.Dense(16)(z)))
        return keras.Model(z, keras.layers.Dense(2)(h))

    def make_gan(loss):
        return SeededGAN(generator(), gan.mlp_discriminator(hidden=(16,)), latent_dim=2,
                         loss=loss, d_steps=2 if loss == "wasserstein" else 1, gp_weight=1.0)

    rng = np.random.default_rng(0)
    points = rng.normal(size=(32, 2)).astype("float32")
    images = rng.random((8, 28, 28, 1)).astype("float32")
    binary = (rng.random((32, 12)) < 0.4).astype("float32")
    sgd = lambda rate: dict(compile_kwargs=dict(                     # noqa: E731
        d_optimizer=keras.optimizers.SGD(rate), g_optimizer=keras.optimizers.SGD(rate)))
    pairs = lambda: tf.data.Dataset.from_tensor_slices(             # noqa: E731
        (images, cyclegan.thicken_strokes(images))).batch(4)
    cases = {  # SGD: Adam would hide a gradient N times too large
        "gan": (lambda: make_gan("non_saturating"), lambda: dict(x=points, **sgd(0.2))),
        "wgan-gp": (lambda: make_gan("wasserstein"), lambda: dict(x=points, **sgd(0.05))),
        "cyclegan": (lambda: cyclegan.CycleGAN(
            cyclegan.translator(4, 2), cyclegan.translator(4, 2),
            cyclegan.patch_discriminator((4,)), cyclegan.patch_discriminator((4,))),
            lambda: dict(x=pairs(), batch_size=None, **sgd(0.05))),
        "rbm": (lambda: rbm.RBM(12, 6, weight_decay=1e-2, seed=1),
                lambda: dict(x=binary, optimizer=rbm.hinton_sgd(0.5, 0.5))),
    }

    def train_case(name):
        build, arguments = cases[name]
        keras.utils.set_random_seed(0)
        model = build()
        start = [w.copy() for w in model.get_weights()]
        fit_args = dict(epochs=2, batch_size=16, shuffle=False, progress=False)
        with gan.remapper_disabled():
            history = du.training.fit(model, **{**fit_args, **arguments()})
        logs = {k: [float(v) for v in values] for k, values in history.history.items()}
        return start, model.get_weights(), logs

    result["steps"] = {}
    for name in cases:
        start, one, one_logs = train_case(name)
        with distribution.data_parallel():
            _, two, two_logs = train_case(name)
        result["steps"][name] = dict(
            moved=max(float(np.max(np.abs(a - b))) for a, b in zip(start, one)),
            differ=max(float(np.max(np.abs(a - b))) for a, b in zip(one, two)),
            logs=[one_logs, two_logs])

    # -- predict/evaluate with a last batch of 1 row (an empty share): as on one device --
    x7 = rng.random((7, 3)).astype("float32")
    y7 = x7.sum(1, keepdims=True)

    def own_loss_net():  # its own compute_loss, as the VAE: NaN on an empty share
        keras.utils.set_random_seed(0)
        inputs = keras.Input((3,))
        h = keras.layers.BatchNormalization()(keras.layers.Dense(4)(inputs))
        return OwnLoss(inputs, keras.layers.Dense(1)(h))

    with distribution.data_parallel():
        model = own_loss_net()
        du.training.fit(model, x7, y7, epochs=1, batch_size=4, progress=False)
        inside = [model.predict(x7, batch_size=2, verbose=0).tolist(),
                  model.evaluate(x7, y7, batch_size=2, verbose=0)]
    single = own_loss_net()  # built outside: one device
    single.set_weights(model.get_weights())
    single.compile(optimizer="sgd")
    result["inference"] = [inside, [single.predict(x7, batch_size=2, verbose=0).tolist(),
                                    single.evaluate(x7, y7, batch_size=2, verbose=0)]]
    print("RESULT" + json.dumps(result))
""")


def test_recipe_trains_data_parallel_on_two_virtual_cpus(mnist_dir):
    """The MLP recipe on 2 virtual CPU devices: 2 replicas really used, the same test accuracy
    (within 0.02) and cross-entropy (within 0.05) as on one device; the book's own training
    steps give the weights of one device; predict/evaluate split an uneven last batch.

    It runs in a fresh process (virtual devices must exist before the backend starts) on this
    session's backend; CI runs the unit tests under both TensorFlow and JAX.
    """
    backend = keras.backend.backend()
    env = {**os.environ, "KERAS_BACKEND": backend, "BOOK_DEVICES": "cpu:2",
           "BOOK_DATA_DIR": str(mnist_dir), "BOOK_SCALE": "ci"}
    out = subprocess.run([sys.executable, "-c", _SCRIPT], env=env, capture_output=True,
                         text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-3000:]
    result = json.loads(out.stdout.split("RESULT", 1)[1])
    assert result["replicas"] == 2
    assert abs(result["two"]["accuracy"] - result["one"]["accuracy"]) <= 0.02, result
    assert abs(result["two"]["loss"] - result["one"]["loss"]) <= 0.05, result
    assert result["one"]["accuracy"] > 0.8, result
    assert "expected at most 2 cpu devices" in result["too_many"]
    # TensorFlow sums the replicas' gradients: a model's own train_step (GAN, RBM) is trained on
    # one device after a notice; a model's own compute_loss is divided by the replicas, so SGD
    # steps and the reported loss are those of one device. JAX's DataParallel needs neither.
    one_device = "OwnStep has its own train_step" in result["notice"]
    assert one_device == (backend == "tensorflow"), result["notice"]
    np.testing.assert_allclose(*result["own_loss"], rtol=1e-4)
    # the book's own steps (GAN, WGAN-GP, CycleGAN, RBM's CD-k), 2 epochs of SGD on 2 replicas,
    # give the weights and the reported losses of one device: a gradient not divided by the
    # replicas on TensorFlow, or noise drawn alike by both, would differ by about `moved`
    steps = result["steps"]
    assert all(case["moved"] > 1e-2 for case in steps.values()), steps
    differ = {name: case["differ"] for name, case in steps.items() if not case["differ"] < 1e-5}
    logs = {name: case["logs"] for name, case in steps.items() if not _close(*case["logs"])}
    assert not differ and not logs, (differ, logs)
    # a last batch of 1 row: predict and evaluate agree with one device (TensorFlow gave NaN,
    # JAX failed to split the batch)
    (two_pred, two_eval), (one_pred, one_eval) = result["inference"]
    np.testing.assert_allclose(two_pred, one_pred, rtol=1e-5)
    np.testing.assert_allclose(two_eval, one_eval, rtol=1e-5)


def _close(one: dict, two: dict, rtol=1e-5) -> bool:
    return one.keys() == two.keys() and all(np.allclose(two[k], one[k], rtol=rtol) for k in one)


def test_even_rows_splits_every_batch_across_replicas(monkeypatch):
    """With N replicas the last batch loses its remainder modulo N; the batch must split."""
    assert distribution.even_rows(2001, 128) == 2001  # no data parallelism: nothing dropped
    two = distribution.Replicas("jax", ("cpu:0", "cpu:1"), None)
    monkeypatch.setattr(distribution, "active", lambda: two)
    assert distribution.even_rows(2001, 128) == 2000 and distribution.even_rows(2000, 128) == 2000
    assert distribution.even_rows(None, 128) is None
    with pytest.raises(ValueError, match="'batch_size': expected a multiple of the 2 devices"):
        distribution.even_rows(2000, 129)


def test_even_dataset_cuts_batches_and_keeps_the_count(monkeypatch):
    """A tf.data dataset's batches are cut to a multiple of N, a last batch smaller than N is
    dropped, and the number of batches stays known (TensorFlow's replicas would otherwise run
    one more, empty, step and count it in the model's own metrics)."""
    import tensorflow as tf

    def batches(dataset):
        return [len(b[0]) for b in dataset.as_numpy_iterator()]

    x = np.arange(11, dtype="float32")
    pairs = tf.data.Dataset.from_tensor_slices((x, x)).batch(4)  # batches of 4, 4, 3
    assert distribution.even_dataset(pairs) is pairs  # no data parallelism: unchanged
    monkeypatch.setattr(distribution, "active",
                        lambda: distribution.Replicas("tensorflow", ("cpu:0", "cpu:1"), None))
    even = distribution.even_dataset(pairs)
    assert batches(even) == [4, 4, 2] and int(even.cardinality()) == 3
    nine = distribution.even_dataset(tf.data.Dataset.from_tensor_slices((x[:9], x[:9])).batch(4))
    assert batches(nine) == [4, 4] and int(nine.cardinality()) == 2
