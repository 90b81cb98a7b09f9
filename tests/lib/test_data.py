import gzip
import shutil

import numpy as np
import pytest

from deep_unsupervised import data
from conftest import write_idx


def _no_network(monkeypatch):
    def fail():
        raise ConnectionError("Name or service not known")
    monkeypatch.setattr(data, "_load_from_keras", fail)


def test_real_files_pass_checksums_and_load(mnist_dir):
    for name in data.FILES.values():
        assert data.verify_checksum(mnist_dir / name)
    mnist = data.load_mnist(mnist_dir)
    assert mnist.x_train.dtype == np.float32 and mnist.x_train.shape[1:] == (28, 28, 1)
    assert 0.0 <= mnist.x_train.min() and mnist.x_train.max() <= 1.0
    assert len(mnist.x_train) == len(mnist.y_train) and len(mnist.x_test) == 10_000
    assert set(np.unique(mnist.y_test)) == set(range(10))


def test_flatten_and_binarize(mnist_dir):
    mnist = data.load_mnist(mnist_dir, flatten=True, binarize=True)
    assert mnist.x_test.shape == (10_000, 784)
    assert set(np.unique(mnist.x_test)) == {0.0, 1.0}


def test_env_var_and_mnist_subdirectory(mnist_dir, monkeypatch):
    monkeypatch.setenv(data.ENV_VAR, str(mnist_dir.parent))
    assert data.find_mnist_dir() == mnist_dir


def test_training_size_is_read_not_assumed(tiny_mnist_dir):
    mnist = data.load_mnist(tiny_mnist_dir, verify=False)
    assert len(mnist.x_train) == 12 and len(mnist.x_test) == 5


def test_missing_directory_without_network_explains_how_to_provide(tmp_path, monkeypatch):
    _no_network(monkeypatch)
    with pytest.raises(data.MnistNotFoundError, match="BOOK_DATA_DIR") as err:
        data.load_mnist(tmp_path / "does-not-exist")
    message = str(err.value)
    assert "does-not-exist" in message and "train-images-idx3-ubyte.gz" in message
    assert "load_mnist(data_dir=" in message


def test_no_directory_and_no_network(monkeypatch):
    monkeypatch.delenv(data.ENV_VAR, raising=False)
    _no_network(monkeypatch)
    with pytest.raises(data.MnistNotFoundError, match="is not set"):
        data.load_mnist()


def test_checksum_mismatch(mnist_dir, tmp_path):
    for name in data.FILES.values():
        shutil.copy(mnist_dir / name, tmp_path / name)
    with gzip.open(tmp_path / data.FILES["test_labels"], "rb") as f:
        raw = bytearray(f.read())
    raw[-1] = (raw[-1] + 1) % 10  # one label changed: still valid IDX, wrong content
    with gzip.open(tmp_path / data.FILES["test_labels"], "wb") as f:
        f.write(bytes(raw))
    with pytest.raises(data.ChecksumError, match="checksum mismatch"):
        data.load_mnist(tmp_path)


def test_checksum_rejects_unknown_file_name(tmp_path):
    (tmp_path / "other.gz").write_bytes(b"x")
    with pytest.raises(data.ChecksumError, match="not an MNIST file name"):
        data.verify_checksum(tmp_path / "other.gz")


def test_wrong_magic(tiny_mnist_dir):
    write_idx(tiny_mnist_dir / data.FILES["train_images"], np.zeros((12, 28, 28)), magic_ndim=2)
    with pytest.raises(data.IdxFormatError, match="wrong IDX magic"):
        data.load_mnist(tiny_mnist_dir, verify=False)


def test_truncated_file(tiny_mnist_dir):
    write_idx(tiny_mnist_dir / data.FILES["test_images"], np.zeros((5, 28, 28)), truncate=100)
    with pytest.raises(data.IdxFormatError, match="truncated"):
        data.load_mnist(tiny_mnist_dir, verify=False)


def test_truncated_gzip_stream(tiny_mnist_dir):
    path = tiny_mnist_dir / data.FILES["test_labels"]
    path.write_bytes(path.read_bytes()[:-12])
    with pytest.raises(data.IdxFormatError, match="truncated"):
        data.load_mnist(tiny_mnist_dir, verify=False)


def test_image_label_count_mismatch(tiny_mnist_dir):
    write_idx(tiny_mnist_dir / data.FILES["train_labels"], np.zeros(11))
    with pytest.raises(data.IdxFormatError, match="12 images but 11 labels"):
        data.load_mnist(tiny_mnist_dir, verify=False)


def test_train_val_split_is_seeded_and_disjoint():
    x, y = np.arange(100)[:, None], np.arange(100)
    a = data.train_val_split(x, y, val_fraction=0.2, seed=3)
    b = data.train_val_split(x, y, val_fraction=0.2, seed=3)
    assert all(np.array_equal(u, v) for u, v in zip(a, b))
    x_tr, y_tr, x_val, y_val = a
    assert len(x_val) == 20 and len(x_tr) == 80
    assert not set(y_tr) & set(y_val) and np.array_equal(x_tr[:, 0], y_tr)


@pytest.mark.parametrize("fraction", [0.0, 1.0, -0.1, 1.5])
def test_train_val_split_rejects_bad_fraction(fraction):
    with pytest.raises(ValueError, match="val_fraction"):
        data.train_val_split(np.zeros((10, 2)), val_fraction=fraction)


def test_stratified_subset():
    y = np.repeat(np.arange(3), 10)
    idx = data.stratified_subset(y, per_class=4, seed=0)
    assert np.array_equal(np.bincount(y[idx]), [4, 4, 4])
    with pytest.raises(ValueError, match="argument .per_class.: expected at most 10"):
        data.stratified_subset(y, per_class=11)


@pytest.mark.parametrize("flatten, binarize", [(False, False), (True, False), (True, True)])
def test_each_label_stays_with_its_image(labelled_mnist_dir, flatten, binarize):
    """Fails if the loader reorders, shifts or swaps labels against images (or the splits)."""
    from conftest import labels_shown

    mnist = data.load_mnist(labelled_mnist_dir, flatten=flatten, binarize=binarize, verify=False)
    assert len(mnist.y_train) == 300 and len(mnist.y_test) == 50
    np.testing.assert_array_equal(labels_shown(mnist.x_train), mnist.y_train)
    np.testing.assert_array_equal(labels_shown(mnist.x_test), mnist.y_test)
