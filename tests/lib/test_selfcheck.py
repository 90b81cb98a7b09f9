import numpy as np
import pytest

from deep_unsupervised.book.selfcheck import AnswerError, check


def test_correct_answer_passes(capsys):
    assert check("x", [1.0, 2.0], [1.0, 2.0 + 1e-9]) is None
    assert "correct" in capsys.readouterr().out


@pytest.mark.parametrize("answer, expected, hint", [
    (None, 1.0, "forget to `return`"),
    (np.zeros((3, 2)), np.zeros((2, 3)), "transposed"),
    (np.zeros(6), np.zeros((2, 3)), "reshape"),
    (np.zeros(3), np.zeros((3, 4)), "axis is missing"),
    ([np.nan, 1.0], [1.0, 1.0], "NaN or infinite"),
    ([-1.0, 2.0], [1.0, -2.0], "sign is flipped"),
    ([2.0, 4.0], [1.0, 2.0], "such as ½"),
    ([3.0, 4.0], [1.0, 2.0], "constant 2"),
    ([1.0, 2.0, 3.0, 9.0], [1.0, 2.0, 3.0, 4.0], "1 of 4 entries differ"),
    ("abc", 1.0, "cannot be converted"),
])
def test_wrong_answers_get_specific_hints(answer, expected, hint):
    with pytest.raises(AnswerError, match="^thing: ") as err:
        check("thing", answer, expected)
    assert hint in str(err.value) and str(err.value).startswith("thing")
