"""runtime: setup() and the environment; the package's import is cheap and changes nothing."""

import os
import subprocess
import sys

import numpy as np
import pytest

import deep_unsupervised as du


def test_setup_seeds_repeat():
    du.setup(seed=5, style=False)
    a = np.random.rand(3)
    du.setup(seed=5, style=False)
    assert np.array_equal(a, np.random.rand(3))


def test_setup_rejects_bad_seed():
    with pytest.raises(ValueError, match="Invalid value for argument 'seed'"):
        du.setup(seed=-1)


def test_import_is_cheap_and_changes_nothing():
    """Importing the package loads no Keras/TensorFlow and sets no environment variable."""
    code = ("import os, sys; before = dict(os.environ); import deep_unsupervised as du; "
            "from deep_unsupervised import data, pca, clustering, shapes; "
            "from deep_unsupervised._backend import validation; "
            "from deep_unsupervised.book import recipes; "
            "assert 'keras' not in sys.modules and 'tensorflow' not in sys.modules, 'keras loaded'; "
            "assert dict(os.environ) == before, 'environment changed'")
    env = {"PATH": "/usr/bin:/bin"}
    subprocess.run([sys.executable, "-c", code], check=True, env=env)


def test_timer_measures_wall_time():
    import time

    with du.Timer() as t:
        time.sleep(0.01)
    assert 0.005 < t.seconds < 1.0


def test_setup_on_tensorflow_does_not_load_jax_but_leaves_it_importable():
    # TensorFlow imports JAX at start-up when it is installed (tf.lite); setup() keeps it out of
    # TensorFlow kernels (about 120 MB each), and a reader can still import it.
    code = ("import sys, deep_unsupervised as du; du.setup(style=False); import keras; "
            "assert keras.backend.backend() == 'tensorflow'; "
            "assert 'jax' not in sys.modules, 'setup loaded JAX'; "
            "import importlib.util; "
            "assert importlib.util.find_spec('jax') is None or __import__('jax')")
    env = {k: v for k, v in os.environ.items() if k != "KERAS_BACKEND"}
    subprocess.run([sys.executable, "-c", code], check=True, env=env)
