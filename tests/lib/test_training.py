"""training: fit(), make_optimizer(), the ProgressBar callback."""

import keras
import numpy as np
import pytest

import deep_unsupervised as du
from deep_unsupervised._backend import training


def _tiny_model():
    return keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])


def test_progress_bar_prints_bar_then_wrapped_metrics(capsys):
    du.setup(seed=0, style=False)
    model = _tiny_model()
    logs = {f"metric_number_{i}": 0.123456 for i in range(8)}
    bar = du.ProgressBar("tiny")
    model.compile("sgd", "mse")
    model.fit(np.zeros((8, 2)), np.zeros((8, 1)), epochs=3, verbose=0, callbacks=[bar])
    out = capsys.readouterr().out.strip().splitlines()
    assert out[0].startswith("tiny:") and "epoch 3/3" in out[0] and "loss" in out[1]
    text = bar._text(1.0, logs, final=True).splitlines()
    assert len(text) >= 3 and max(map(len, text)) <= 80  # fits the book's text column


def test_make_optimizer_cosine_decays_to_alpha():
    opt = training.make_optimizer(1e-2, schedule="cosine", steps=10, decay_alpha=0.1)
    rate = opt.learning_rate if callable(opt.learning_rate) else None
    schedule = opt._learning_rate
    assert float(schedule(0)) == pytest.approx(1e-2)
    assert float(schedule(10)) == pytest.approx(1e-3)
    assert rate is not None or schedule is not None
    const = training.make_optimizer(1e-3)
    assert float(const.learning_rate) == pytest.approx(1e-3)


@pytest.mark.parametrize("kwargs, match", [
    (dict(schedule="linear"), "schedule"),
    (dict(schedule="cosine"), "steps"),
    (dict(name="adagrad"), "name"),
    (dict(learning_rate=0.0), "learning_rate"),
    (dict(decay_alpha=2.0, schedule="cosine", steps=5), "decay_alpha"),
])
def test_make_optimizer_rejects_bad_input(kwargs, match):
    with pytest.raises(ValueError, match=f"Invalid value for argument '{match}'"):
        training.make_optimizer(**kwargs)


def test_fit_compiles_with_one_steps_per_execution_and_cosine_steps():
    du.setup(seed=0, style=False)
    model = _tiny_model()
    x, y = np.ones((40, 2), "float32"), np.ones((40, 1), "float32")
    rates = keras.callbacks.LambdaCallback(on_epoch_end=lambda epoch, logs: logs.update(
        rate=float(model.optimizer.learning_rate)))
    history = training.fit(model, x, y, epochs=2, batch_size=8, loss="mse", schedule="cosine",
                           learning_rate=0.1, decay_alpha=0.0, progress=False, callbacks=[rates])
    assert len(history.history["loss"]) == 2
    assert model.steps_per_execution == training.STEPS_PER_EXECUTION > 5
    # the cosine decay spans exactly epochs * ceil(40 / 8) = 10 steps (not one epoch's 5, nor
    # calls of 32 steps): half-way after the first epoch, 0 after the second
    assert history.history["rate"] == pytest.approx([0.05, 0.0], abs=1e-6)


def test_fit_rejects_bad_input():
    model = _tiny_model()
    with pytest.raises(ValueError, match="'epochs'"):
        training.fit(model, np.zeros((4, 2)), np.zeros((4, 1)), epochs=0, batch_size=2)
    with pytest.raises(ValueError, match="'y'"):
        training.fit(model, np.zeros((4, 2)), np.zeros((3, 1)), epochs=1, batch_size=2)
    with pytest.raises(ValueError, match="'batch_size'"):
        training.fit(model, np.zeros((4, 2)), None, epochs=1, batch_size=np.float32(2.5))


def test_steps_per_execution_changes_no_result():
    """Running several steps per call (the library's default) gives the same weights as one."""
    x = np.random.default_rng(0).random((300, 20)).astype("float32")
    weights = []
    for spe in (1, training.STEPS_PER_EXECUTION):
        keras.utils.set_random_seed(0)
        model = keras.Sequential([keras.Input((20,)), keras.layers.Dense(8, activation="relu"),
                                  keras.layers.Dense(20)])
        training.fit(model, x, x, epochs=2, batch_size=16, shuffle=False, loss="mse",
                     learning_rate=1e-2, steps_per_execution=spe, progress=False)
        weights.append(model.get_weights())
    for a, b in zip(*weights):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


class _Interrupt(Exception):
    pass


class _StopAfter(keras.callbacks.Callback):
    """Raises at the end of epoch ``epoch`` (after BackupAndRestore saved it): a cut-off run."""

    def __init__(self, epoch):
        super().__init__()
        self.epoch = epoch

    def on_epoch_end(self, epoch, logs=None):
        if epoch + 1 == self.epoch:
            raise _Interrupt


@pytest.mark.backend
def test_interrupted_run_resumes_to_the_weights_of_an_uninterrupted_one(tmp_path, monkeypatch):
    """With $BOOK_CHECKPOINT_DIR set, a fit cut off after epoch 2 of 4 and started again (a new
    model, as a new kernel would build) restores the weights, Adam's moments and the epoch, and
    ends with the weights of a run never interrupted (no shuffling: the same batches)."""
    x = np.random.default_rng(0).normal(size=(64, 3)).astype("float32")
    y = x @ np.array([[1.0], [-2.0], [0.5]], "float32")

    def run(callbacks=()):
        keras.utils.set_random_seed(0)
        model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4, activation="tanh"),
                                  keras.layers.Dense(1)])
        history = training.fit(model, x, y, epochs=4, batch_size=16, learning_rate=0.05,
                               schedule="cosine", loss="mse", shuffle=False, progress=False,
                               label="resume test", callbacks=callbacks)
        return model, history

    uninterrupted = run()[0].get_weights()
    monkeypatch.setenv(training.CHECKPOINT_VARIABLE, str(tmp_path))
    with pytest.raises(_Interrupt):
        run([_StopAfter(2)])
    assert any(tmp_path.iterdir())  # the backup of epoch 2 is on disk
    model, history = run()
    assert len(history.epoch) == 2  # only epochs 3 and 4 ran
    for got, want in zip(model.get_weights(), uninterrupted):
        np.testing.assert_array_equal(got, want)
    assert not any(p.is_file() for p in tmp_path.rglob("*"))  # a finished run deletes its backup
