"""tools/notebooks.py: the order in which CI re-executes the notebooks."""

import json

from tools import notebooks


def test_longest_recorded_notebook_runs_first(tmp_path):
    paths = [notebooks.ROOT / "chapters" / f"{name}.ipynb" for name in ("a", "b", "c")]
    times = tmp_path / "notebook_times.json"
    times.write_text(json.dumps({"notebooks": {"chapters/a.ipynb": {"seconds": 10.0},
                                               "chapters/c.ipynb": {"seconds": 200.0}}}))
    order = notebooks.longest_first(paths, times)
    assert [p.stem for p in order] == ["c", "b", "a"]   # b is unrecorded: 60 s
