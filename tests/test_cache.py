"""The parsed-catalogue cache: used when the file is the same, rebuilt otherwise."""

from __future__ import annotations

import datetime as dt
import marshal
import os
import shutil
import zlib
from copy import deepcopy as copy_of
from dataclasses import replace
from pathlib import Path

import pytest

from peerfind import cache
from peerfind.catalogue import Source, load, load_data, on_days
from peerfind.search import tonight_window
from peerfind.problems import CatalogueError
from tests.conftest import FIXTURES

TODAY = dt.date(2026, 11, 27)


@pytest.fixture
def copy(tmp_path):
    path = tmp_path / "catalogue.yaml"
    shutil.copy(FIXTURES / "catalogue.yaml", path)
    return Source(path, "catalogue.yaml")


def entries(folder):
    return sorted(folder.glob("*.cache"))


def test_second_load_comes_from_the_cache(copy, tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    fresh = load(copy, TODAY, cache=folder)
    assert len(entries(folder)) == 1

    def no_parsing(*args, **kwargs):
        raise AssertionError("parsed again")

    monkeypatch.setattr("peerfind.catalogue.check_source", no_parsing)
    assert load(copy, TODAY, cache=folder) == fresh


def test_a_changed_file_is_parsed_again(copy, tmp_path):
    folder = tmp_path / "cache"
    load(copy, TODAY, cache=folder)
    text = copy.path.read_text().replace("Monday Night Group", "Monday Evening Group")
    copy.path.write_text(text)
    assert "Monday Evening Group" in {g.name for g in load(copy, TODAY, cache=folder).groups}


def test_same_size_and_time_but_other_content_is_parsed_again(copy, tmp_path):
    folder = tmp_path / "cache"
    load(copy, TODAY, cache=folder)
    stat = copy.path.stat()
    text = copy.path.read_text().replace("Otherton Hope", "Otherton Jump")
    copy.path.write_text(text)
    os.utime(copy.path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert "Otherton Jump" in {g.name for g in load(copy, TODAY, cache=folder).groups}


def damaged(good: bytes) -> list[bytes]:
    """Ways a cache file can be wrong: not ours, cut short, a flipped bit, another shape."""
    body = marshal.dumps(("other", "shape"))
    return [b"", b"not a cache", b"[]", b"\x00\xff" * 40, good[: len(good) // 2],
            good[:-1] + bytes([good[-1] ^ 1]), cache.TAG + b"\x00\x00\x00\x00" + body,
            cache.TAG + zlib.crc32(body).to_bytes(4, "big") + body]


@pytest.mark.parametrize("case", range(8))
def test_corrupt_or_foreign_cache_is_ignored_and_rebuilt(case, copy, tmp_path):
    folder = tmp_path / "cache"
    load(copy, TODAY, cache=folder)
    (entry,) = entries(folder)
    good = entry.read_bytes()
    entry.write_bytes(damaged(good)[case])
    assert cache.read(folder, copy.path, copy.path.read_bytes()) is None
    assert len(load(copy, TODAY, cache=folder).groups) == 8
    assert entry.read_bytes() == good


def test_a_lookup_by_town_reads_only_that_towns_groups(copy, tmp_path):
    folder = tmp_path / "cache"
    whole = load(copy, TODAY, cache=folder)
    some = load(copy, TODAY, cache=folder, towns=[" otherton ", "FARBOROUGH"])
    assert some.groups == tuple(g for g in whole.groups if g.town in ("Otherton", "Farborough"))
    assert len(some.groups) == 3 < len(whole.groups)
    assert some.towns_only == ("farborough", "otherton") and whole.towns_only == ()
    assert replace(some, groups=whole.groups, towns_only=()) == whole


def only_days(catalogue, days):
    """The catalogue's groups with only their meetings on these days (names)."""
    return tuple(replace(g, meetings=tuple(m for m in g.meetings if m.day in days))
                 for g in catalogue.groups if set(days) & {m.day for m in g.meetings})


def test_a_lookup_of_some_days_builds_only_their_meetings(copy, tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    zones = []
    parsed = load(copy, TODAY, cache=folder, days=lambda zone: zones.append(zone) or {4, 6})
    whole = load(copy, TODAY, cache=folder)  # from the cache, which stays whole
    monkeypatch.setattr("peerfind.catalogue.check_source", None)  # never parsed again
    cached = load(copy, TODAY, cache=folder, days=lambda zone: zones.append(zone) or {6, 4})
    assert zones == ["America/New_York"] * 2
    assert parsed == cached
    assert parsed.groups == only_days(whole, ("friday", "sunday"))
    assert [g.id for g in parsed.groups] == ["smart-online", "farborough-women", "night-owls",
                                             "paused-al-anon"]
    assert parsed.days_only == (4, 6) and whole.days_only == ()
    assert replace(parsed, groups=whole.groups, days_only=()) == whole
    some = load(copy, TODAY, cache=folder, towns=["Testville"], days=lambda zone: {6})
    assert [(g.id, [m.time for m in g.meetings]) for g in some.groups] == [
        ("night-owls", ["01:30", "02:30"])]
    assert (some.towns_only, some.days_only) == (("testville",), (6,))
    assert load(copy, TODAY, cache=folder, days=lambda zone: None) == whole


def test_a_lookup_of_what_is_left_of_some_days_builds_only_that(copy, tmp_path, monkeypatch):
    """Tonight at 4 am on Sunday: Saturday's meetings that may still be on (none), and
    Sunday's not surely over; read alike from the catalogue and from the cache."""
    folder = tmp_path / "cache"
    window = tonight_window(dt.datetime(2026, 11, 29, 4, 0))  # a Sunday
    assert window == {5: 24 * 60 + 4 * 60, 6: 4 * 60}
    parsed = load(copy, TODAY, cache=folder, days=lambda zone: window)
    monkeypatch.setattr("peerfind.catalogue.check_source", None)  # never parsed again
    cached = load(copy, TODAY, cache=folder, days=lambda zone: window)
    assert parsed == cached
    assert [(g.id, [(m.day, m.time) for m in g.meetings]) for g in parsed.groups] == [
        ("night-owls", [("sunday", "01:30"), ("sunday", "02:30")])]
    assert parsed.days_only == (5, 6)


OVERLAY = """\
# FICTIONAL overlay for the cache tests.
catalogue: 1
groups:
  - id: night-owls
    name: Night Owls Moved
    fellowship: NA
    attendance: online
    online: {url: "https://example.org/owls"}
    meetings: [{day: monday, time: "23:00"}, {day: friday, time: "23:00"}]
    source: fictional
  - id: new-friday
    name: New Friday
    fellowship: AA
    attendance: online
    online: {url: "https://example.org/new"}
    meetings: [{day: tuesday, time: "07:00"}]
    source: fictional
"""


def test_overlays_are_narrowed_to_the_days_too(copy, tmp_path):
    folder = tmp_path / "cache"
    overlay = tmp_path / "overlay.yaml"
    overlay.write_text(OVERLAY)
    extra = [Source(overlay, "overlay.yaml", overlay=True)]
    whole = load(copy, TODAY, extra, cache=folder)
    for _ in range(2):  # parsed, then from the cache
        some = load(copy, TODAY, extra, cache=folder, days=lambda zone: {4})
        assert some.groups == only_days(whole, ("friday",))
        assert "Night Owls Moved" in [g.name for g in some.groups]
        assert "New Friday" not in [g.name for g in some.groups]


def test_a_groups_meetings_keep_their_order_through_the_cache(tmp_path):
    path = tmp_path / "catalogue.yaml"
    path.write_text(
        "# FICTIONAL: meetings out of weekly order.\ncatalogue: 1\narea: x\n"
        "timezone: UTC\nupdated: 2026-01-01\ngroups:\n"
        "  - {id: a, name: A, fellowship: AA, attendance: online, source: fictional,\n"
        "     online: {url: 'https://example.org/a'}, meetings: [{day: friday, time: '09:00'},"
        " {day: monday, time: '19:00'}, {day: friday, time: '07:00'}]}\n")
    source = Source(path, "catalogue.yaml")
    fresh = load(source, TODAY, cache=tmp_path / "cache")
    again = load(source, TODAY, cache=tmp_path / "cache")
    friday = load(source, TODAY, cache=tmp_path / "cache", days=lambda zone: {4})
    assert [(m.day, m.time) for m in again.groups[0].meetings] == [
        ("friday", "09:00"), ("monday", "19:00"), ("friday", "07:00")]
    assert again == fresh
    assert [m.time for m in friday.groups[0].meetings] == ["09:00", "07:00"]


def test_on_days_leaves_its_data_as_it_was():
    data = {"timezone": "UTC", "groups": [
        {"id": "a", "meetings": [{"day": "monday"}, {"day": "friday"}]},
        {"id": "b", "meetings": [{"day": "tuesday"}]},
        {"id": "c", "meetings": [{"day": "friday"}]},
        {"id": "d", "meetings": []}]}
    before = copy_of(data)
    assert on_days(data, {4}) == {"timezone": "UTC", "days_only": [4], "groups": [
        {"id": "a", "meetings": [{"day": "friday"}]}, {"id": "c", "meetings": [{"day": "friday"}]}]}
    assert data == before


@pytest.mark.parametrize("towns", [["Nowhere"], ["Otherton", "Nowhere"]])
def test_a_town_the_catalogue_does_not_know_gets_every_group(towns, copy, tmp_path):
    """So the error for the unknown town can list every town there is."""
    folder = tmp_path / "cache"
    whole = load(copy, TODAY, cache=folder)
    assert load(copy, TODAY, cache=folder, towns=towns) == whole


def test_an_entry_from_another_version_is_ignored(copy, tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    load(copy, TODAY, cache=folder)
    monkeypatch.setattr(cache, "STAMP", "0.0.0/1")
    assert cache.read(folder, copy.path, copy.path.read_bytes()) is None


def test_errors_are_never_cached(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("catalogue: 1\n")
    folder = tmp_path / "cache"
    with pytest.raises(CatalogueError):
        load_data(Source(bad, "bad.yaml"), TODAY, folder)
    assert entries(folder) == []


def test_an_unwritable_cache_is_not_an_error(copy, tmp_path):
    folder = tmp_path / "cache"
    folder.write_text("a file where the folder should be")
    assert len(load(copy, TODAY, cache=folder).groups) == 8


def test_an_overlay_without_groups_is_cached_as_it_is(copy, tmp_path):
    overlay = tmp_path / "mine.yaml"
    overlay.write_text("catalogue: 1\nhelplines:\n  - name: My Sponsor's Line\n"
                       "    phone: (555) 555-0199\n    status: unverified\n")
    folder = tmp_path / "cache"
    source = Source(overlay, "mine.yaml", overlay=True)
    first = load_data(source, TODAY, folder)
    assert "groups" not in first
    assert len(entries(folder)) == 1
    assert load_data(source, TODAY, folder) == first
    whole = load(copy, TODAY, [source], folder)
    assert [h.name for h in whole.helplines][-1] == "My Sponsor's Line"
    assert len(whole.groups) == 8


def test_peerfind_no_cache_reads_the_file_and_writes_no_cache(run, tmp_path, monkeypatch):
    import os

    copy = tmp_path / "groups.yaml"
    copy.write_bytes((FIXTURES / "catalogue.yaml").read_bytes())
    monkeypatch.setenv("PEERFIND_NO_CACHE", "1")
    assert run("list", "-c", str(copy)).exit_code == 0
    cache = Path(os.environ["XDG_CACHE_HOME"]) / "peerfind"
    assert not cache.exists() or not list(cache.glob("*.cache"))
    monkeypatch.delenv("PEERFIND_NO_CACHE")
    assert run("list", "-c", str(copy)).exit_code == 0
    assert list(cache.glob("*.cache"))


def test_the_cache_stamp_names_the_python_and_marshal_versions():
    import marshal
    import sys

    from peerfind import cache

    assert cache.STAMP.endswith(f"/{sys.version_info[:3]}/{marshal.version}")


def test_a_catalogues_cache_notices_its_snapshots_change(copy, tmp_path, monkeypatch):
    from peerfind import catalogue

    folder = tmp_path / "cache"
    load(copy, TODAY, cache=folder)
    snapshots = copy.path.parent / "sources"
    snapshots.mkdir()
    parsed = []
    check = catalogue.check_source
    monkeypatch.setattr(catalogue, "check_source", lambda *args, **kwargs: parsed.append(
        len(list(snapshots.iterdir()))) or check(*args, **kwargs))
    (snapshots / "east.json").write_text("{}")
    load(copy, TODAY, cache=folder)  # parsed again: a snapshot came
    load(copy, TODAY, cache=folder)  # from the cache
    (snapshots / "east.json").write_text("{ }")  # another size
    load(copy, TODAY, cache=folder)
    (snapshots / "notes.txt").write_text("not a snapshot")
    load(copy, TODAY, cache=folder)
    assert parsed == [1, 1]
