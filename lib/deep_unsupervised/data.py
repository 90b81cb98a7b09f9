"""MNIST from its original IDX files, checked against known checksums.

Where the files come from, in order:

1. the directory passed as ``data_dir`` (or the directory named by the environment variable
   ``BOOK_DATA_DIR``); it may hold the four ``*-ubyte.gz`` files itself or in a ``mnist/``
   sub-directory;
2. otherwise ``keras.datasets.mnist.load_data()``, which downloads the full set on a machine that
   is online;
3. otherwise :class:`MnistNotFoundError`, whose message says how to provide the files.

Every file read from disk is checked against :data:`KNOWN_FILES` (SHA-256, or the MD5 that the
MNIST authors published) before it is parsed, so a corrupt or foreign file never turns into
silently wrong pixels.
"""

from __future__ import annotations

import dataclasses
import gzip
import hashlib
import os
import struct
from pathlib import Path

import numpy as np

from ._backend.validation import described, invalid

ENV_VAR = "BOOK_DATA_DIR"

FILES = {
    "train_images": "train-images-idx3-ubyte.gz",
    "train_labels": "train-labels-idx1-ubyte.gz",
    "test_images": "t10k-images-idx3-ubyte.gz",
    "test_labels": "t10k-labels-idx1-ubyte.gz",
}

# file name -> {hex digest: what that digest identifies}. SHA-256 digests are 64 hex digits,
# MD5 digests 32; the official training files' SHA-256 is the one TensorFlow Datasets records.
KNOWN_FILES = {
    FILES["train_images"]: {
        "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609": "official, 60,000 images",
        "f68b3c2dcbeaaa9fbdd348bbdeb94873": "official, 60,000 images (published MD5)",
        "83d9fb42879d4e052efa1295136ec9ce47f46cfe7e35fe9e26407487b7f61488": "offline copy, first 22,699 images",
    },
    FILES["train_labels"]: {
        "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c": "official, 60,000 labels",
        "d53e105ee54ea40749a09fcbcd1e9432": "official, 60,000 labels (published MD5)",
        "59d1b48c6c21d598e50635f3fcf85f5fb3c3db0aaee55920c514a77718135624": "offline copy, first 22,699 labels",
    },
    FILES["test_images"]: {
        "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6": "official, 10,000 images",
        "9fb629c4189551a2d022fa330f9573f3": "official, 10,000 images (published MD5)",
    },
    FILES["test_labels"]: {
        "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6": "official, 10,000 labels",
        "ec29112dd5afa0611ce80d1b7f02629c": "official, 10,000 labels (published MD5)",
    },
}

HOW_TO_PROVIDE = (
    "MNIST could not be found on disk and could not be downloaded.\n"
    "Provide the four original files ({files}) in one directory, then either\n"
    "  * pass it:            load_mnist(data_dir='/path/to/mnist'), or\n"
    "  * set the variable:   export {env}=/path/to/datasets   (the files may sit in\n"
    "                        $" "{env} itself or in $" "{env}/mnist).\n"
    "The files are published at https://yann.lecun.com/exdb/mnist/ and mirrored at\n"
    "https://storage.googleapis.com/cvdf-datasets/mnist/ ; on an online machine\n"
    "keras.datasets.mnist.load_data() fetches them by itself."
)


class MnistNotFoundError(FileNotFoundError):
    """No MNIST files on disk and no way to download them."""


class ChecksumError(ValueError):
    """A data file's checksum matches none of the known files."""


class IdxFormatError(ValueError):
    """A file is not a well-formed IDX file of the expected kind."""


@dataclasses.dataclass
class Mnist:
    """MNIST as float32 images in [0, 1] and integer labels, with where it came from.

    ``source`` is the directory the files were read from (or ``keras.datasets.mnist``);
    ``description`` says what was loaded without naming a local path, for printing in the book.
    """

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    source: str
    description: str = ""

    def __repr__(self) -> str:
        return (f"Mnist({len(self.x_train):,} training and {len(self.x_test):,} test digits, "
                f"images {self.x_train.shape[1:]} {self.x_train.dtype}; {self.description})")


def file_digests(path: Path) -> tuple[str, str]:
    """Return the (SHA-256, MD5) hex digests of a file."""
    sha, md5 = hashlib.sha256(), hashlib.md5()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            sha.update(block)
            md5.update(block)
    return sha.hexdigest(), md5.hexdigest()


def verify_checksum(path: Path) -> str:
    """Check ``path`` against :data:`KNOWN_FILES`; return what it is, or raise ChecksumError."""
    path = Path(path)
    known = KNOWN_FILES.get(path.name)
    if known is None:
        raise ChecksumError(f"{path}: not an MNIST file name; expected one of {sorted(KNOWN_FILES)}")
    sha, md5 = file_digests(path)
    for digest in (sha, md5):
        if digest in known:
            return known[digest]
    raise ChecksumError(
        f"{path}: checksum mismatch (SHA-256 {sha}). It matches none of the known versions of "
        f"{path.name}: {', '.join(known.values())}. The file is corrupt or not MNIST; "
        "replace it with the original file.")


def read_idx(path: Path, expected_ndim: int) -> np.ndarray:
    """Read a gzipped IDX file of unsigned bytes with ``expected_ndim`` dimensions."""
    path = Path(path)
    with gzip.open(path, "rb") as f:
        try:
            raw = f.read()
        except (OSError, EOFError) as err:
            raise IdxFormatError(f"{path}: truncated or not gzip data ({err})") from None
    if len(raw) < 4:
        raise IdxFormatError(f"{path}: only {len(raw)} bytes, too short for an IDX header")
    zero, dtype_code, ndim = struct.unpack(">HBB", raw[:4])
    if zero != 0 or dtype_code != 0x08 or ndim != expected_ndim:
        raise IdxFormatError(
            f"{path}: wrong IDX magic number 0x{raw[:4].hex()}; expected 0x000008{expected_ndim:02x} "
            f"(unsigned bytes, {expected_ndim} dimensions)")
    header = 4 + 4 * ndim
    if len(raw) < header:
        raise IdxFormatError(f"{path}: truncated IDX header")
    shape = struct.unpack(f">{ndim}I", raw[4:header])
    expected = int(np.prod(shape))
    if len(raw) - header != expected:
        raise IdxFormatError(
            f"{path}: truncated or padded: header says shape {shape} ({expected} bytes of data), "
            f"file holds {len(raw) - header}")
    return np.frombuffer(raw, dtype=np.uint8, offset=header).reshape(shape)


def find_mnist_dir(data_dir: str | os.PathLike | None = None) -> Path | None:
    """The directory holding the four MNIST files, from ``data_dir`` or $BOOK_DATA_DIR, or None."""
    base = data_dir if data_dir is not None else os.environ.get(ENV_VAR)
    if not base:
        return None
    for candidate in (Path(base), Path(base) / "mnist"):
        if all((candidate / name).is_file() for name in FILES.values()):
            return candidate
    return None


def _load_from_dir(directory: Path, verify: bool = True) -> tuple[tuple[np.ndarray, ...], str]:
    """The four arrays and a description of the files (what their checksums identify)."""
    kinds = [verify_checksum(directory / FILES[k]) for k in ("train_images", "test_images")] \
        if verify else []
    for name in (FILES["train_labels"], FILES["test_labels"]):
        if verify:
            verify_checksum(directory / name)
    description = (f"IDX files, checksums verified: training set {kinds[0]}, test set {kinds[1]}"
                   if verify else "IDX files, checksums not verified")
    arrays = []
    for split in ("train", "test"):
        images = read_idx(directory / FILES[f"{split}_images"], 3)
        labels = read_idx(directory / FILES[f"{split}_labels"], 1)
        if len(images) != len(labels):
            raise IdxFormatError(f"{directory}: {split} split has {len(images)} images "
                                 f"but {len(labels)} labels")
        arrays += [images, labels]
    return tuple(arrays), description


def _load_from_keras() -> tuple[np.ndarray, ...]:
    import keras

    (x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
    return x_train, y_train, x_test, y_test


def load_mnist(data_dir: str | os.PathLike | None = None, *, flatten: bool = False,
               binarize: bool = False, verify: bool = True) -> Mnist:
    """Load MNIST as float32 in [0, 1].

    Args:
        data_dir: directory with the four IDX ``.gz`` files (or a ``mnist/`` sub-directory);
            defaults to ``$BOOK_DATA_DIR``. When absent, falls back to Keras's download.
        flatten: return images as vectors of 784 instead of 28x28x1 arrays.
        binarize: threshold pixels at 0.5, giving exactly 0.0 or 1.0.
        verify: check each file against :data:`KNOWN_FILES` first (turn off only for your own
            IDX files, e.g. a subset you wrote yourself).

    Returns:
        :class:`Mnist`; the number of training images depends on the source (60,000 for the
        official set, 22,699 for the offline copy), so never assume it.

    Example:
        >>> mnist = load_mnist(flatten=True)          # doctest: +SKIP
        >>> mnist.x_train.shape[1]                     # doctest: +SKIP
        784
    """
    named = data_dir if data_dir is not None else os.environ.get(ENV_VAR)
    directory = find_mnist_dir(data_dir)
    if directory is not None:
        (x_train, y_train, x_test, y_test), description = _load_from_dir(directory, verify)
        source = str(directory)
    else:
        try:
            x_train, y_train, x_test, y_test = _load_from_keras()
        except Exception as err:  # any download failure: no network, proxy, disk full, ...
            where = f"Looked in {named!r} (and its mnist/ sub-directory). " if named else (
                f"No directory was given and ${ENV_VAR} is not set. ")
            raise MnistNotFoundError(
                where + f"The Keras download failed too ({type(err).__name__}: {err}).\n"
                + HOW_TO_PROVIDE.format(files=", ".join(FILES.values()), env=ENV_VAR)) from None
        source = description = "keras.datasets.mnist"
    return Mnist(*(_prepare(a, flatten, binarize) if i % 2 == 0 else a.astype(np.int64)
                   for i, a in enumerate((x_train, y_train, x_test, y_test))), source=source,
                 description=description + (", binarised at 0.5" if binarize else ""))


def _prepare(images: np.ndarray, flatten: bool, binarize: bool) -> np.ndarray:
    x = images.astype(np.float32) / 255.0
    if binarize:
        x = (x >= 0.5).astype(np.float32)
    return x.reshape(len(x), -1) if flatten else x[..., None]


def train_val_split(x: np.ndarray, y: np.ndarray | None = None, val_fraction: float = 0.1,
                    seed: int = 0):
    """Split arrays into a training and a validation part by a seeded random permutation.

    Returns ``(x_tr, x_val)`` or, with labels, ``(x_tr, y_tr, x_val, y_val)``.
    """
    if not 0.0 < val_fraction < 1.0:
        raise invalid("val_fraction", "0 < val_fraction < 1", val_fraction)
    if y is not None and len(x) != len(y):
        raise invalid("y", f"as many rows as x ({len(x)})", described(f"{len(y)} rows"))
    order = np.random.default_rng(seed).permutation(len(x))
    n_val = int(round(len(x) * val_fraction))
    val, tr = order[:n_val], order[n_val:]
    if y is None:
        return x[tr], x[val]
    return x[tr], y[tr], x[val], y[val]


def stratified_subset(y: np.ndarray, per_class: int, seed: int = 0) -> np.ndarray:
    """Indices of ``per_class`` examples of each label, chosen by a seeded permutation."""
    rng = np.random.default_rng(seed)
    picks = []
    for label in np.unique(y):
        members = np.flatnonzero(y == label)
        if len(members) < per_class:
            raise invalid("per_class", f"at most {len(members)}, the examples of label {label}",
                          per_class)
        picks.append(rng.choice(members, per_class, replace=False))
    return np.sort(np.concatenate(picks))
