"""Shared test fixtures: tiny IDX files written on the fly, and the real MNIST when available."""

import gzip
import os
import struct
from pathlib import Path

import numpy as np
import pytest

from deep_unsupervised import data, runtime

runtime.configure_environment()  # before any test imports Keras: quiet TensorFlow, CPU defaults

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


@pytest.fixture(scope="session")
def mnist_dir():
    """The real offline MNIST directory ($BOOK_DATA_DIR), or skip when it is not on this machine."""
    directory = data.find_mnist_dir()
    if directory is None:
        pytest.skip(f"no MNIST files under ${data.ENV_VAR}={os.environ.get(data.ENV_VAR)!r}")
    return directory
