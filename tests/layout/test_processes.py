"""Child processes hand back results, progress and exceptions as if the call ran here."""

from __future__ import annotations

import os

import pytest

from brochure.errors import ContentError, Problem
from brochure.layout.processes import Children, ChildTraceback, StandBy


def _square(number: int) -> int:
    return number * number


def _steps(count: int, progress) -> str:
    for step in range(count):
        progress(f"step {step}")
    return "done"


def _wrong_content(name: str):
    raise ContentError([Problem(name, 3, 1, "date", "not a date", "write 2019-04-11")])


def _broken(_):
    raise ValueError("deep inside the layout")


def _unpicklable(_):
    return lambda: None


def _dies(_):
    os._exit(9)


def test_a_stand_by_child_runs_calls_with_their_progress():
    heard = []
    with StandBy(lambda: None) as child:
        assert child.call(_square, 7) == 49
        assert child.call(_steps, 3, progress=heard.append) == "done"
        with pytest.raises(ContentError) as raised:
            child.call(_wrong_content, "entries/a.yaml")
        assert child.call(_square, 3) == 9  # still there after a failed call
    assert heard == ["step 0", "step 1", "step 2"]
    assert [str(problem) for problem in raised.value.problems] == \
           ["entries/a.yaml:3:1: date: not a date (write 2019-04-11)"]


def test_a_failed_preparation_is_raised_at_the_first_call():
    def prepare():
        raise ImportError("no Pango here")

    with StandBy(prepare) as child, pytest.raises(ImportError, match="no Pango here"):
        child.call(_square, 2)


def test_children_hand_back_results_and_exceptions_with_the_child_traceback():
    with Children() as children:
        for number in range(3):
            children.start(("square", number), _square, number)
        assert sorted(children.wait() for _ in range(3)) == [(("square", 0), 0), (("square", 1), 1),
                                                            (("square", 2), 4)]
        children.start("broken", _broken, None)
        with pytest.raises(ValueError, match="deep inside the layout") as raised:
            children.wait()
        assert isinstance(raised.value.__cause__, ChildTraceback)
        assert "_broken" in str(raised.value.__cause__)
        children.start("odd", _unpicklable, None)
        with pytest.raises(RuntimeError, match="function"):
            children.wait()
        children.start("dies", _dies, None)
        with pytest.raises(RuntimeError, match=r"died .exit code 9"):
            children.wait()
        assert len(children) == 0
        with pytest.raises(RuntimeError, match="none is running"):
            children.wait()


def _leave_a_temporary_file() -> str:
    import tempfile

    handle, name = tempfile.mkstemp()  # and never removed, as an import's compiler run may leave it
    os.close(handle)
    return name


def test_what_a_child_leaves_in_the_temporary_folder_goes_with_it(tmp_path, monkeypatch):
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    with StandBy(lambda: None) as child:
        left = child.call(_leave_a_temporary_file)
    with Children() as children:
        children.start("one", _leave_a_temporary_file)
        _, also_left = children.wait()
    assert left.startswith(str(tmp_path)) and also_left.startswith(str(tmp_path))
    assert os.listdir(tmp_path) == []
