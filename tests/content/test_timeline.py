"""Periods, selection (--since/--until/--tag/--drafts) and the order of items."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import DATA, outline_titles, run, run_json

from brochure.content.timeline import ordered, period_bounds, select
from brochure.model import Entry, Selection

D = dt.date


@pytest.mark.parametrize("text, first, last", [
    ("2019", D(2019, 1, 1), D(2019, 12, 31)),
    ("2019-02", D(2019, 2, 1), D(2019, 2, 28)),
    ("2020-02", D(2020, 2, 1), D(2020, 2, 29)),
    ("2019-04-11", D(2019, 4, 11), D(2019, 4, 11)),
    ("2019-Q1", D(2019, 1, 1), D(2019, 3, 31)),
    ("2019-q4", D(2019, 10, 1), D(2019, 12, 31)),
])
def test_period_bounds(text, first, last):
    assert period_bounds(text) == (first, last)


@pytest.mark.parametrize("text", ["2019-13", "2019-Q5", "11.04.2019", "2019-02-30", "soon", ""])
def test_bad_periods_are_refused(text):
    with pytest.raises(ValueError):
        period_bounds(text)


def _entry(name, start, end=None, weight=0, tags=(), draft=False):
    return Entry(file=f"entries/{name}.yaml", title=name, date=start, end_date=end, body="x",
                 weight=weight, tags=tuple(tags), draft=draft)


def test_multi_day_item_is_kept_when_it_overlaps_either_end():
    spanning = _entry("spanning", D(2019, 3, 30), D(2019, 4, 2))
    for selection in (Selection(since=D(2019, 4, 1)), Selection(until=D(2019, 3, 31)),
                      Selection(since=D(2019, 3, 31), until=D(2019, 3, 31))):
        kept, excluded = select([spanning], selection)
        assert kept == [spanning] and excluded == []
    kept, excluded = select([spanning], Selection(since=D(2019, 4, 3)))
    assert kept == [] and excluded == [(spanning, "before --since")]
    kept, excluded = select([spanning], Selection(until=D(2019, 3, 29)))
    assert excluded == [(spanning, "after --until")]


def test_tags_are_any_of_and_drafts_need_asking():
    a, b, draft = _entry("a", D(2019, 1, 1), tags=["x"]), _entry("b", D(2019, 1, 2), tags=["y"]), \
        _entry("c", D(2019, 1, 3), tags=["x"], draft=True)
    assert select([a, b, draft], Selection(tags=("x", "z")))[0] == [a]
    assert select([a, b, draft], Selection(tags=("x",), drafts=True))[0] == [a, draft]
    assert dict((e.title, r) for e, r in select([a, b, draft], Selection(tags=("x",)))[1]) == \
        {"b": "tag", "c": "draft"}


def test_order_is_date_then_weight_then_path_in_both_directions():
    early = _entry("early", D(2019, 1, 1))
    heavy = _entry("a-heavy", D(2019, 2, 1), weight=5)
    light_b = _entry("b-light", D(2019, 2, 1), weight=-1)
    light_a = _entry("a-light", D(2019, 2, 1), weight=-1)
    items = [early, heavy, light_b, light_a]
    assert ordered(items) == [light_a, light_b, heavy, early]
    assert ordered(items, "oldest-first") == [early, light_a, light_b, heavy]
    assert ordered(list(reversed(items))) == ordered(items)


def _listed(*args):
    result, document = run_json("list", *args)
    assert result.exit_code == 0, result.output
    return document["entries"]


def test_since_march_2019_keeps_the_seven_items_of_march_and_april():
    entries = _listed("--since", "2019-03")
    assert len(entries) == 7
    assert all(entry["date"] >= "2019-03" for entry in entries)


def test_first_quarter_2019_keeps_the_ten_items_of_january_to_march():
    entries = _listed("--since", "2019-Q1", "--until", "2019-Q1")
    assert len(entries) == 10
    assert [entry["date"] for entry in entries] == sorted((entry["date"] for entry in entries), reverse=True)
    assert entries[0]["date"] == "2019-03-28" and entries[-1]["date"] == "2019-01-31"


def test_until_a_month_keeps_the_whole_month_and_overlapping_items():
    dates = [entry["date"] for entry in _listed("--since", "2019-04-05", "--until", "2019-04")]
    # 4-5 April items overlap 5 April and are kept.
    assert dates == ["2019-04-11", "2019-04-05", "2019-04-04", "2019-04-04"]


def test_list_json_has_dates_titles_tags_and_files():
    entries = _listed()
    assert len(entries) == 14
    two_day = [entry for entry in entries if entry["end_date"]]
    assert [entry["end_date"] for entry in two_day] == ["2019-04-05", "2019-04-05"]
    assert all(entry["title"] and entry["file"].startswith("entries/") and isinstance(entry["tags"], list)
               for entry in entries)


def test_tag_selection_on_the_seed():
    entries = _listed("--tag", "wildlife", "--tag", "sport")
    assert [entry["date"] for entry in entries] == ["2019-02-20", "2019-02-12"]
    assert all({"wildlife", "sport"} & set(entry["tags"]) for entry in entries)


def test_minimal_project_order_drafts_and_weight():
    result = run("-C", str(DATA / "minimal"), "list")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert [line.split("  (")[-1] for line in lines] == [
        "entries/2021-02-15-first-of-the-day.yaml)",
        "entries/2021-02-15-second-of-the-day.yaml)",
        "entries/2021-01-30-crossing-months.yaml)",
    ]
    result, document = run_json("-C", str(DATA / "minimal"), "list", "--drafts")
    assert document["entries"][0]["title"] == "An April draft"


def test_build_of_a_quarter_holds_exactly_its_items(tmp_path):
    output = tmp_path / "q1.pdf"
    result = run("build", "--since", "2019-Q1", "--until", "2019-Q1", "-o", str(output))
    assert result.exit_code == 0, result.output
    titles = outline_titles(output)
    assert len(titles) == 10
    assert titles[0].startswith("UNODC presented the CCP") and titles[-1].startswith("Belgium and UNODC discuss")


def test_build_with_a_tag_across_a_month_boundary(tmp_path):
    output = tmp_path / "feb.pdf"
    result = run("-C", str(DATA / "minimal"), "build", "--since", "2021-02", "--tag", "meetings",
                 "-o", str(output))
    assert result.exit_code == 0, result.output
    assert outline_titles(output) == ["First item of the fifteenth", "A meeting from January into February"]


@pytest.mark.parametrize("args", [["--since", "2019-13"], ["--until", "yesterday"],
                                  ["--since", "2019-05", "--until", "2019-04"]])
def test_bad_periods_are_command_line_errors(args):
    result = run("list", *args)
    assert result.exit_code == 2
    assert "Error" in result.stderr
