"""Data-parallel training with Keras's own distribution API (JAX backend, 2 virtual CPU devices)."""

import json
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

pytest.importorskip("jax")

# Run in a fresh process: JAX must be told how many host devices to make before it starts.
_SCRIPT = textwrap.dedent("""
    import contextlib
    import json
    import jax
    import keras
    import numpy as np
    from deep_unsupervised import rbm, vae

    assert len(jax.devices()) == 2, jax.devices()
    rng = np.random.default_rng(0)
    binary = (rng.random((64, 12)) < 0.4).astype("float32")
    images = rng.random((64, 6, 6, 1)).astype("float32")

    def train_rbm():  # the book's hand-written step: CD-1, applied with SGD
        model = rbm.RBM(12, 6, weight_decay=1e-2, seed=1)
        model.compile(optimizer=keras.optimizers.SGD(0.5))
        return model, dict(x=binary, lr=0.5)

    def train_vae():  # Keras's own train_step around the VAE's compute_loss
        model = vae.VAE(vae.dense_encoder((6, 6, 1), latent_dim=2, hidden=(8,)),
                        vae.dense_decoder((6, 6, 1), latent_dim=2, hidden=(8,)), seed=1)
        model.compile(optimizer=keras.optimizers.SGD(1e-3))
        return model, dict(x=images, lr=1e-3)

    def run(build, distribution):
        keras.utils.set_random_seed(0)
        with distribution.scope() if distribution else contextlib.nullcontext():
            model, args = build()
            start = [np.array(w) for w in model.get_weights()]
            model.fit(args["x"], epochs=2, batch_size=16, shuffle=False, verbose=0)
        shards = len(model.trainable_variables[0].value.sharding.device_set)
        return start, [np.array(w) for w in model.get_weights()], shards, args["lr"]

    result = {}
    parallel = keras.distribution.DataParallel(devices=keras.distribution.list_devices())
    for name, build in (("rbm", train_rbm), ("vae", train_vae)):
        start, one, one_shards, lr = run(build, None)
        _, two, two_shards, _ = run(build, parallel)
        result[name] = dict(
            shards=[one_shards, two_shards], lr=lr,
            moved=max(float(np.max(np.abs(a - b))) for a, b in zip(start, one)),
            differ=max(float(np.max(np.abs(a - b))) for a, b in zip(one, two)))
    print("RESULT" + json.dumps(result))
""")


@pytest.mark.backend
@pytest.mark.skipif(os.environ.get("KERAS_BACKEND", "tensorflow") != "jax",
                    reason="JAX's distribution API: runs in the JAX pass (KERAS_BACKEND=jax "
                           "pytest -m backend), as make test does")
def test_data_parallel_matches_one_device_on_two_virtual_cpus():
    """A hand-written step (the RBM's CD-1) and a ``compute_loss`` model (the VAE), trained for 8
    SGD steps from the same seed, give the weights of one device under ``DataParallel``.

    Tolerance. On one device a step's gradient is a mean over the 16 rows of a batch; on two, XLA
    sums 8 rows on each device and adds the two partial sums. The same float32 numbers added in
    another order differ by at most about ``rows * eps`` relative to the sum of their magnitudes
    (``eps`` = 2**-23 is float32's spacing at 1), so one step's update moves by about
    ``rows * eps * step`` where a step is at most the distance the weights moved. Over 8 steps
    these add up; the tolerance is 100 times that (``8 * 16 * eps * moved * 100``, about
    ``1.5e-3 * moved``), which still lies far below ``moved``: a gradient summed over the devices
    instead of averaged (twice too large), or the same noise drawn on both devices, moves the
    weights by a sizeable fraction of ``moved`` and fails.
    """
    env = {**os.environ, "KERAS_BACKEND": "jax",
           "XLA_FLAGS": "--xla_force_host_platform_device_count=2", "CUDA_VISIBLE_DEVICES": ""}
    out = subprocess.run([sys.executable, "-c", _SCRIPT], env=env, capture_output=True,
                         text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-3000:]
    result = json.loads(out.stdout.split("RESULT", 1)[1])
    eps = float(np.finfo(np.float32).eps)
    steps, rows = 2 * 64 // 16, 16
    for name, case in result.items():
        assert case["shards"] == [1, 2], (name, case)  # one device, then both
        assert case["moved"] > 1e-3, (name, case)      # the weights did train
        tolerance = 100 * steps * rows * eps * case["moved"]
        assert case["differ"] <= tolerance, (name, case, tolerance)
