"""The parsed-catalogue cache: used when the file is the same, rebuilt otherwise."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil

import pytest

from peerfind import cache
from peerfind.catalogue import Source, load, load_data
from peerfind.problems import CatalogueError
from tests.conftest import FIXTURES

TODAY = dt.date(2026, 11, 27)


@pytest.fixture
def copy(tmp_path):
    path = tmp_path / "catalogue.yaml"
    shutil.copy(FIXTURES / "catalogue.yaml", path)
    return Source(path, "catalogue.yaml")


def entries(folder):
    return sorted(folder.glob("*.json"))


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


@pytest.mark.parametrize("content", ["not json", "[]", '{"kind": "peerfind-catalogue-cache"}',
                                     "\x00\xff", '{"kind": "something else", "data": {}}'])
def test_corrupt_or_foreign_cache_is_ignored_and_rebuilt(content, copy, tmp_path):
    folder = tmp_path / "cache"
    load(copy, TODAY, cache=folder)
    (entry,) = entries(folder)
    entry.write_text(content, errors="surrogateescape")
    assert len(load(copy, TODAY, cache=folder).groups) == 8
    assert json.loads(entry.read_text())["kind"] == "peerfind-catalogue-cache"


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
