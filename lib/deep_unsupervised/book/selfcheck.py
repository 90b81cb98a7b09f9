"""Self-check for exercises: compare a student's answer with a reference and explain the difference.

A plain ``assert np.allclose(...)`` says only "wrong". :func:`check` says *how* an answer is wrong
when the mistake is a common one: a wrong shape or a transposed matrix, NaNs, a wrong sign, a
constant factor (a forgotten ½, σ² used for σ), an offset, or a few wrong entries.

Example:
    >>> from deep_unsupervised.book.selfcheck import check
    >>> check("KL divergence", 2.0, 1.0)                           # doctest: +SKIP
    AnswerError: KL divergence: your value is 2 times the expected one (a missing or extra factor?)
"""

from __future__ import annotations

import numpy as np


class AnswerError(AssertionError):
    """An exercise answer that does not match; the message says how it differs."""


def check(name: str, answer, expected, rtol: float = 1e-4, atol: float = 1e-6) -> None:
    """Check ``answer`` against ``expected``; print a confirmation or raise :class:`AnswerError`.

    It returns ``None``, so that a notebook cell ending with ``check(...)`` shows the confirmation
    once (a returned string would be displayed a second time, quoted).

    Args:
        name: what the answer is ("the softmax of z"), used in the messages.
        answer, expected: numbers or array-likes.
        rtol, atol: tolerances as in ``numpy.allclose``.
    """
    if answer is None:
        raise AnswerError(f"{name}: your answer is None. Did the function forget to `return` it?")
    try:
        a = np.asarray(answer, dtype=np.float64)
    except (TypeError, ValueError):
        raise AnswerError(f"{name}: expected numbers, got {type(answer).__name__} that cannot be "
                          "converted to an array of numbers") from None
    e = np.asarray(expected, dtype=np.float64)
    if a.shape != e.shape:
        raise AnswerError(_shape_hint(name, a, e))
    if not np.all(np.isfinite(a)):
        bad = int(np.sum(~np.isfinite(a)))
        raise AnswerError(f"{name}: {bad} of {a.size} values are NaN or infinite (an overflow in "
                          "exp, a log of 0, or a division by zero?)")
    if np.allclose(a, e, rtol=rtol, atol=atol):
        print(f"✓ {name}: correct.")
        return None
    raise AnswerError(f"{name}: {_value_hint(a, e, rtol, atol)}")


def _shape_hint(name: str, a: np.ndarray, e: np.ndarray) -> str:
    hint = f"{name}: your answer has shape {a.shape}, expected {e.shape}."
    if a.ndim == 2 and a.shape == e.shape[::-1]:
        hint += " It looks transposed (rows and columns swapped)."
    elif a.size == e.size:
        hint += " Same number of values: a reshape or a flatten is missing or extra."
    elif a.ndim == e.ndim - 1:
        hint += " One axis is missing: did you sum or average over an axis you should keep?"
    elif a.ndim == e.ndim + 1:
        hint += " One axis too many: did you forget to sum or average over an axis?"
    return hint


def _value_hint(a: np.ndarray, e: np.ndarray, rtol: float, atol: float) -> str:
    close = np.isclose(a, e, rtol=rtol, atol=atol)
    diff = float(np.max(np.abs(a - e)))
    if np.allclose(a, -e, rtol=rtol, atol=atol):
        return "the sign is flipped (a minus sign missing or extra?)"
    nonzero = np.abs(e) > atol
    if nonzero.any():
        ratios = a[nonzero] / e[nonzero]
        if np.allclose(ratios, ratios[0], rtol=1e-3) and np.allclose(a[~nonzero], 0, atol=atol):
            r = float(ratios[0])
            return (f"your value is {r:.4g} times the expected one (a missing or extra factor"
                    f"{', such as ½' if np.isclose(r, 2) or np.isclose(r, 0.5) else ''}?)")
    offset = a - e
    if np.allclose(offset, offset.flat[0], rtol=1e-3, atol=atol):
        return f"your value is off by a constant {float(offset.flat[0]):.4g} (a missing or extra term?)"
    if a.size > 1 and close.mean() >= 0.5:
        wrong = np.argwhere(~close)[:3].tolist()
        return (f"{int((~close).sum())} of {a.size} entries differ (first at index {wrong}); "
                f"largest difference {diff:.4g}")
    return f"values differ from the expected ones (largest difference {diff:.4g})"
