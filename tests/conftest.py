"""Shared test fixtures: tiny IDX files written on the fly, and the real MNIST when available."""

import gzip
import os
import struct
from pathlib import Path

import numpy as np
import pytest

from deep_unsupervised import data, runtime

runtime.configure_environment()  # before any test imports Keras: quiet TensorFlow, CPU defaults

# Tests that check files only (notebooks, benchmark records, slides, the PDF, the citation, the
# corrections page, the results report, the repository): their outcome does not depend on the
# Keras backend, so the second run of the suite, on JAX (tools/test_all.sh), skips them.
BACKEND_FREE = ("test_benchmark_files.py", "test_citation.py", "test_corrections.py",
                "test_pdf.py", "test_repository.py", "test_slides.py", "test_results.py",
                "test_report_sweeps.py", "test_backends.py", "test_full_costs.py",
                "test_full_runs.py")
# The smoke test of every full preset (one step of each of ~50 recipes) is run on TensorFlow only:
# on JAX each recipe's first step compiles for seconds (3.5 min in all), and the models' JAX steps
# are covered by their own unit tests.
TENSORFLOW_ONLY = ("test_full_presets.py",)


def pytest_collection_modifyitems(config, items):
    import keras

    backend = keras.backend.backend()
    if backend == "tensorflow":
        return
    skip = pytest.mark.skip(reason=f"checks files only: run on TensorFlow, skipped on {backend}")
    slow = pytest.mark.skip(reason=f"smoke test of the full presets: run on TensorFlow only, "
                                   f"too slow to compile on {backend} in CI")
    for item in items:
        if item.path.name in BACKEND_FREE:
            item.add_marker(skip)
        elif item.path.name in TENSORFLOW_ONLY:
            item.add_marker(slow)


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
