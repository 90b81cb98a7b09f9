"""Shared test fixtures: tiny IDX files written on the fly, and the real MNIST when available.

The book's command-line tools (``tools/``) and benchmarks (``benchmarks/``) are scripts, run as
``python tools/records.py``, and packages too: their tests import them as the scripts import their
neighbours (``from tools import records``), since requirements.txt installs the top folder's
``pyproject.toml`` in editable mode.
"""

import gzip
import os
import struct
from pathlib import Path

import numpy as np
import pytest

import deep_unsupervised as du
from deep_unsupervised import data

du.configure_environment()  # before any test imports Keras: quiet TensorFlow, CPU defaults


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "backend: the outcome can change with the Keras backend (code with a branch per "
        "backend: hand-written training steps, gradients, random draws inside a step, "
        "multi-device training, checkpoints); the JAX run is `KERAS_BACKEND=jax pytest -m backend`")


def write_idx(path: Path, array: np.ndarray, magic_ndim: int | None = None, truncate: int = 0):
    """Write a uint8 array as a gzipped IDX file (optionally with a wrong header or cut short)."""
    ndim = array.ndim if magic_ndim is None else magic_ndim
    raw = struct.pack(">HBB", 0, 0x08, ndim) + struct.pack(f">{array.ndim}I", *array.shape)
    raw += array.astype(np.uint8).tobytes()
    if truncate:
        raw = raw[:-truncate]
    with gzip.open(path, "wb") as f:
        f.write(raw)


@pytest.fixture
def tiny_mnist_dir(tmp_path):
    """A directory with the four MNIST file names holding 12 train and 5 test random images."""
    rng = np.random.default_rng(0)
    for split, n in (("train", 12), ("test", 5)):
        write_idx(tmp_path / data.FILES[f"{split}_images"], rng.integers(0, 256, (n, 28, 28)))
        write_idx(tmp_path / data.FILES[f"{split}_labels"], rng.integers(0, 10, n))
    return tmp_path


@pytest.fixture
def eager():
    """On TensorFlow, every model compiles with ``run_eagerly=True``, for tests that train a few
    steps to check what a recipe passes on (settings, optimisers, options) or what a step records
    (trackers, optimiser counts, saved weights): for so few steps, tracing the graph costs far
    more than the steps. Each model's graph-compiled step stays under test: every module keeps
    tests that train without this fixture. On JAX, op-by-op execution is slower than compiling
    the step, so it is left alone."""
    import keras

    if keras.backend.backend() != "tensorflow":
        yield
        return
    compile_ = keras.Model.compile
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(keras.Model, "compile",
                      lambda self, *a, **k: compile_(self, *a, **{**k, "run_eagerly": True}))
        yield


@pytest.fixture(scope="session")
def mnist_dir():
    """The real offline MNIST directory ($BOOK_DATA_DIR), or skip when it is not on this machine."""
    directory = data.find_mnist_dir()
    if directory is None:
        pytest.skip(f"no MNIST files under ${data.ENV_VAR}={os.environ.get(data.ENV_VAR)!r}")
    return directory


def label_marked_images(labels) -> np.ndarray:
    """Black 28×28 images with one white pixel at (5 + label, 5 + label): each shows its label."""
    images = np.zeros((len(labels), 28, 28), np.uint8)
    images[np.arange(len(labels)), 5 + labels, 5 + labels] = 255
    return images


def labels_shown(x) -> np.ndarray:
    """The label each image of :func:`label_marked_images` shows (after any flatten, scaling,
    binarisation or float conversion): the row of its brightest pixel, less 5."""
    x = np.asarray(x).reshape(len(x), 28 * 28)
    return np.argmax(x, axis=1) // 28 - 5


@pytest.fixture
def labelled_mnist_dir(tmp_path):
    """MNIST files of 300 training and 50 test images (30 and 5 per class, shuffled) in which
    every image shows its label (:func:`label_marked_images`), to test that loaders keep each
    label with its image."""
    rng = np.random.default_rng(1)
    for split, n in (("train", 300), ("test", 50)):
        labels = rng.permutation(np.arange(n) % 10)
        write_idx(tmp_path / data.FILES[f"{split}_images"], label_marked_images(labels))
        write_idx(tmp_path / data.FILES[f"{split}_labels"], labels)
    return tmp_path
