"""A build's stages are timed in one place; a stage inside another is not counted twice."""

from __future__ import annotations

import pytest

from brochure.commands import stages as stages_module
from brochure.commands.stages import Stages


def test_stages_are_timed_in_order_and_an_inner_stage_stops_the_outer_clock(monkeypatch):
    clock = iter([0.0, 1.0, 1.5, 4.0, 4.25, 10.0])
    monkeypatch.setattr(stages_module.time, "monotonic", lambda: next(clock))
    steps, timed, decided = [], [], []
    stages = Stages(steps.append, lambda name, seconds: timed.append((name, seconds)), decided.append)
    with stages.stage("layout", "Laying out"):  # 0 -> 1
        stages("Laying out page 1")  # a step within it
    with stages.stage("writing", "Writing brochure.pdf"), stages.stage("preflight", "Checking the print preflight"):
        pass  # writing: 1.5 -> 10, the preflight inside it: 4 -> 4.25
    stages.add("reading", 0.25)
    stages.decided("theme: default (built in)", "output: build/brochure.pdf")
    assert steps == ["Laying out", "Laying out page 1", "Writing brochure.pdf", "Checking the print preflight"]
    # writing: its own 1.5 -> 4 and 4.25 -> 10, the preflight's quarter not counted twice
    assert stages.timings == {"layout": 1.0, "writing": pytest.approx(2.5 + 5.75), "preflight": 0.25,
                              "reading": 0.25}
    assert timed == [("layout", 1.0), ("preflight", 0.25), ("writing", pytest.approx(8.25)), ("reading", 0.25)]
    assert decided == ["theme: default (built in)", "output: build/brochure.pdf"]


def test_a_stage_that_fails_is_counted_but_not_told_as_done():
    timed: list = []
    stages = Stages(timed=lambda name, seconds: timed.append(name))
    with pytest.raises(ValueError), stages.stage("layout"):
        raise ValueError("a template error")
    assert list(stages.timings) == ["layout"] and timed == []
    stages.start()  # the next build
    assert stages.timings == {}
