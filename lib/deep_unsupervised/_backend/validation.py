"""One way to check arguments at the library's public entry points, with one message format.

Every check raises ``ValueError`` (or ``TypeError`` for a value of the wrong kind) in the format of
Keras's own source, so that a reader meets one style of message everywhere in the book::

    Invalid value for argument 'rate': expected 0 <= rate < 1, received rate=1.5

NumPy scalars are ordinary numbers here: ``np.int64(4)`` is a valid size and ``np.float32(2.0)`` a
valid weight. This module imports only NumPy.

Example:
    >>> check_int("latent_dim", np.int64(4), low=1)
    4
    >>> check_float("rate", 1.5, low=0, high=1, high_inclusive=False)
    Traceback (most recent call last):
    ...
    ValueError: Invalid value for argument 'rate': expected 0 <= rate < 1, received rate=1.5
"""

from __future__ import annotations

import numbers
from typing import Iterable, Sequence

import numpy as np


def invalid(name: str, expected: str, received) -> ValueError:
    """The book's one error for a bad argument (return it, then ``raise``).

    Args:
        name: the argument's name as the caller wrote it.
        expected: what would have been valid, phrased after "expected".
        received: the value, or a description of it such as ``"shape (3, 4)"``.
    """
    shown = received if isinstance(received, _Shown) else f"{name}={received!r}"
    return ValueError(f"Invalid value for argument '{name}': expected {expected}, received {shown}")


def wrong_type(name: str, expected: str, received) -> TypeError:
    """:func:`invalid` as a ``TypeError``: the value is of the wrong kind (return it, then ``raise``).

    ``received`` is shown as ``name=<type name>`` unless it is already :func:`described`.
    """
    shown = received if isinstance(received, _Shown) else described(
        f"{name}={type(received).__name__}")
    return TypeError(str(invalid(name, expected, shown)))


class _Shown(str):
    """A pre-formatted description of a received value (e.g. ``shape (3, 4)``)."""


def described(text: str) -> _Shown:
    """Mark ``text`` as a description of the value for :func:`invalid` (``shape (3, 4)``)."""
    return _Shown(text)


def _range_text(name: str, low, high, low_inclusive: bool, high_inclusive: bool) -> str:
    parts = []
    if low is not None:
        parts.append(f"{low} {'<=' if low_inclusive else '<'} ")
    parts.append(name)
    if high is not None:
        parts.append(f" {'<=' if high_inclusive else '<'} {high}")
    return "".join(parts)


def _plain(value):
    """NumPy scalars as Python numbers, so that messages read ``4`` and not ``np.int64(4)``."""
    return value.item() if isinstance(value, np.generic) else value


def check_int(name: str, value, *, low: int | None = None, high: int | None = None) -> int:
    """``value`` as a Python ``int`` within ``[low, high]``; booleans and floats are refused."""
    value = _plain(value)
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        bound = f" {_range_text(name, low, high, True, True)}" if (low, high) != (None, None) else ""
        raise invalid(name, f"an integer{bound}", value)
    if (low is not None and value < low) or (high is not None and value > high):
        raise invalid(name, _range_text(name, low, high, True, True), value)
    return int(value)


def check_float(name: str, value, *, low: float | None = None, high: float | None = None,
                low_inclusive: bool = True, high_inclusive: bool = True) -> float:
    """``value`` as a finite Python ``float`` within the given bounds (integers are accepted)."""
    value = _plain(value)
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not np.isfinite(value):
        raise invalid(name, "a finite number", value)
    too_low = low is not None and (value < low if low_inclusive else value <= low)
    too_high = high is not None and (value > high if high_inclusive else value >= high)
    if too_low or too_high:
        raise invalid(name, _range_text(name, low, high, low_inclusive, high_inclusive), value)
    return float(value)


def check_choice(name: str, value, choices: Iterable):
    """``value`` if it is one of ``choices``."""
    choices = tuple(choices)
    if value not in choices:
        raise invalid(name, f"one of {choices}", value)
    return value


def check_ints(name: str, values, *, low: int | None = None, min_len: int = 0) -> tuple[int, ...]:
    """A sequence of integers (layer sizes, filter counts) as a tuple of Python ints."""
    if isinstance(values, (str, bytes)) or not isinstance(values, (Sequence, np.ndarray)):
        raise invalid(name, "a sequence of integers", values)
    out = []
    for v in values:
        v = _plain(v)
        if isinstance(v, bool) or not isinstance(v, numbers.Integral) or (low is not None and v < low):
            bound = f" >= {low}" if low is not None else ""
            raise invalid(name, f"a sequence of integers{bound}", tuple(_plain(x) for x in values))
        out.append(int(v))
    if len(out) < min_len:
        raise invalid(name, f"at least {min_len} integer(s)", tuple(out))
    return tuple(out)


def check_shape(name: str, shape, *, ndim: int | None = None) -> tuple[int, ...]:
    """An input shape (without the batch axis) as a tuple of positive ints, of ``ndim`` axes."""
    if isinstance(shape, numbers.Integral) and not isinstance(shape, bool):
        shape = (shape,)
    dims = check_ints(name, shape, low=1, min_len=1)
    if ndim is not None and len(dims) != ndim:
        raise invalid(name, f"a shape of {ndim} positive integer(s)", dims)
    return dims


def check_array(name: str, value, *, ndim: int | Sequence[int] | None = None,
                shape: Sequence[int | None] | None = None, low: float | None = None,
                high: float | None = None, finite: bool = True, dtype="float32") -> np.ndarray:
    """``value`` as a NumPy array of ``dtype``, checked for rank, shape, range and finiteness.

    Args:
        ndim: the allowed number(s) of axes.
        shape: the expected shape; ``None`` entries match any size (``(None, 784)``).
        low, high: the inclusive range every entry must lie in (pixels: ``low=0, high=1``).
        finite: refuse NaN and infinities.
        dtype: the returned dtype (``None`` keeps the input's).
    """
    try:
        a = np.asarray(value) if dtype is None else np.asarray(value, dtype=dtype)
    except (TypeError, ValueError):
        raise invalid(name, "an array of numbers", described(f"{type(value).__name__}")) from None
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, numbers.Integral) else tuple(ndim)
        if a.ndim not in allowed:
            want = " or ".join(str(n) for n in allowed)
            raise invalid(name, f"an array with {want} axes", described(f"shape {a.shape}"))
    if shape is not None:
        want = tuple(shape)
        if a.ndim != len(want) or any(w is not None and w != s for w, s in zip(want, a.shape)):
            text = "(" + ", ".join("n" if w is None else str(w) for w in want) + ")"
            raise invalid(name, f"an array of shape {text}", described(f"shape {a.shape}"))
    if a.size and np.issubdtype(a.dtype, np.number):
        if finite and not np.all(np.isfinite(a)):
            raise invalid(name, "finite values", described(f"{int(np.sum(~np.isfinite(a)))} "
                                                           "NaN or infinite value(s)"))
        lo, hi = float(np.min(a)), float(np.max(a))
        if (low is not None and lo < low) or (high is not None and hi > high):
            raise invalid(name, f"values in [{low}, {high}]",
                          described(f"values in [{lo:.4g}, {hi:.4g}]"))
    return a
