"""Meeting Guide JSON in and out, iCalendar and CSV export."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import threading
import time
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from zoneinfo import ZoneInfo

import pytest
from dateutil.rrule import rrulestr
from icalendar import Calendar

from peerfind import export, feed
from peerfind.catalogue import Source, load
from peerfind.models import Catalogue, Group, Meeting
from peerfind.search import RawFilters, parse_filters, week, weekly
from peerfind.validate import check
from peerfind.yamlio import compose
from tests.conftest import FIXTURES, ROOT

NY = ZoneInfo("America/New_York")
TODAY = dt.date(2026, 11, 27)
NOW = dt.datetime(2026, 11, 27, 18, 30, tzinfo=NY)
CATALOGUE = load(Source(FIXTURES / "catalogue.yaml", "catalogue.yaml"), TODAY)
EVERYTHING = parse_filters(RawFilters(), CATALOGUE, TODAY)


def meeting_keys(catalogue: Catalogue) -> set[tuple]:
    keys = set()
    for g in catalogue.groups:
        for m in g.meetings:
            types = set(g.types) | set(m.types)
            if g.language != "english":
                types.add(g.language)
            keys.add((g.name, m.day, m.time, m.minutes, g.venue, g.town, g.attendance,
                      g.online.url if g.online else "", frozenset(types)))
    return keys


def test_meeting_guide_round_trip():
    feed_text = export.meeting_guide(CATALOGUE, weekly(CATALOGUE, EVERYTHING))
    records = json.loads(feed_text)
    assert len(records) == 12
    assert len({r["slug"] for r in records}) == 12
    assert {r["day"] for r in records} == set(range(7))  # 0 = Sunday .. 6 = Saturday
    imported = feed.convert(records, "feed.json", TODAY)
    root, problems = compose(feed.to_yaml(imported.data, "feed.json"))
    data, found = check(root, TODAY)
    assert problems + [p for p in found if p.severity == "error"] == []
    from peerfind.models import catalogue_from

    again = catalogue_from(data, "again.yaml")
    open_groups = tuple(g for g in CATALOGUE.groups if g.status != "closed")
    assert meeting_keys(again) == meeting_keys(replace(CATALOGUE, groups=open_groups))
    assert {g.status for g in again.groups} == {"unverified"}
    assert {g.source for g in again.groups} == {"Meeting Guide feed feed.json"}


def test_meeting_guide_record_fields():
    records = json.loads(export.meeting_guide(CATALOGUE, weekly(
        CATALOGUE, parse_filters(RawFilters(search="smart"), CATALOGUE, TODAY))))
    assert records[0] == {
        "name": "SMART Online",
        "slug": "smart-online-tue-2000",
        "day": 2,
        "time": "20:00",
        "end_time": "21:30",
        "types": ["A"],
        "conference_url": "https://example.org/smart",
        "conference_url_notes": "Meeting ID 555 555 5555",
        "updated": "2026-10-01 00:00:00",
        "timezone": "America/New_York",
        "group": "SMART Online",
    }


def test_ics_expands_to_exactly_the_listed_occurrences():
    text = export.as_ics(CATALOGUE, week(CATALOGUE, EVERYTHING, NOW), NOW)
    calendar = Calendar.from_ical(text)
    assert [c["TZID"] for c in calendar.walk("VTIMEZONE")] == ["America/New_York"]
    later = NOW + dt.timedelta(weeks=20)  # across the spring daylight-saving change
    start, end = later.replace(hour=0, minute=0), later.replace(hour=0, minute=0) + dt.timedelta(days=7)
    expanded = set()
    for event in calendar.walk("VEVENT"):
        first = event.decoded("DTSTART")
        rule = rrulestr(event["RRULE"].to_ical().decode(), dtstart=first.replace(tzinfo=None))
        for moment in rule.between(start.replace(tzinfo=None), end.replace(tzinfo=None), inc=True):
            expanded.add((str(event["UID"]), moment.replace(tzinfo=NY)))
    listed = {(f"{export.slug(o)}@peerfind", o.start.replace(tzinfo=None).replace(tzinfo=NY))
              for o in week(CATALOGUE, EVERYTHING, start)}
    assert expanded == listed
    assert len(listed) == 12


def test_ics_uids_are_stable_and_text_is_escaped():
    hostile = parse_filters(RawFilters(search="circle"), CATALOGUE, TODAY)
    first = export.as_ics(CATALOGUE, week(CATALOGUE, hostile, NOW), NOW)
    second = export.as_ics(CATALOGUE, week(CATALOGUE, hostile, NOW + dt.timedelta(days=3)),
                           NOW + dt.timedelta(days=3))
    uid = [line for line in first.splitlines() if line.startswith("UID:")]
    assert uid == [line for line in second.splitlines() if line.startswith("UID:")]
    assert uid == ["UID:hostile-names-thu-1900@peerfind"]
    event = Calendar.from_ical(first).walk("VEVENT")[0]
    assert str(event["SUMMARY"]) == "Circle [bold]red[/bold] <b>x</b> \\e[31m (CA)"
    assert str(event["LOCATION"]) == "<script>alert(1)</script>, 5 Example Street, Otherton"
    assert "Meeting times change: call or check before you go." in str(event["DESCRIPTION"])
    assert str(event["STATUS"]) == "TENTATIVE"
    assert "SUMMARY:Circle [bold]red[/bold] <b>x</b> \\\\e[31m (CA)" in first


def test_csv_neutralises_formulas():
    group = Group(id="g", name="=HYPERLINK(\"http://evil\")", fellowship="AA",
                  attendance="online", status="active", notes="fictional",
                  meetings=(Meeting("monday", "19:00", notes="+1 555 0100; -x; @sum"),))
    catalogue = Catalogue(path="x", version=1, area="Fictional", timezone="America/New_York",
                          updated=TODAY, groups=(group,))
    text = export.as_csv(week(catalogue, parse_filters(RawFilters(), catalogue, TODAY), NOW))
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:4] == ["id", "name", "fellowship", "day"]
    assert rows[1][1] == "'=HYPERLINK(\"http://evil\")"
    assert rows[1][-1] == "'+1 555 0100; -x; @sum"
    assert text.endswith("\r\n")


@pytest.mark.parametrize("cell", ["=1+1", "+1", "-1", "@A1", "\tx", "\rx"])
def test_neutralise(cell):
    assert export.neutralise(cell) == "'" + cell
    assert export.neutralise("a" + cell) == "a" + cell


def test_export_command_writes_atomically(run, tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    out = tmp_path / "meetings.ics"
    result = run("export", "-c", "tests/fixtures/catalogue.yaml", "--format", "ics", "-o",
                 str(out), "--town", "otherton")
    assert (result.exit_code, result.stdout) == (0, f"{out}\n")
    assert out.read_text().startswith("BEGIN:VCALENDAR")
    json_out = run("export", "-c", "tests/fixtures/catalogue.yaml", "--at",
                   "2026-11-27T18:30").stdout
    list_out = run("list", "-c", "tests/fixtures/catalogue.yaml", "--at", "2026-11-27T18:30",
                   "--json").stdout
    assert json.loads(json_out) == json.loads(list_out)


# -- import ---------------------------------------------------------------------------


def test_import_handles_every_quirk(run, monkeypatch):
    monkeypatch.chdir(ROOT)
    result = run("import", "tests/fixtures/feed-quirks.json")
    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines() == [
        "peerfind: warning: record 0 ('Fictional Serenity'): type codes peerfind does not "
        "know, kept as other_types: ZZ-UNKNOWN",
        "peerfind: warning: record 0 ('Fictional Serenity'): contact name left out: members "
        "stay anonymous (a first name and last initial only)",
        "peerfind: warning: record 2 ('Fictional Online Hope'): type codes peerfind does not "
        "know, kept as other_types: ONL",
        "peerfind: warning: record 3 ('Fictional Hybrid'): conference_url 'not a url' is not "
        "a web address; left out",
        "peerfind: warning: record 4 ('Fictional By Appointment'): no day or time (by "
        "appointment?); left out",
        "peerfind: 3 groups from 5 feed records",
    ]
    root, problems = compose(result.stdout)
    data, found = check(root, TODAY)
    assert problems + found == []
    serenity, online, hybrid = data["groups"]
    assert [(m["day"], m["time"], m.get("minutes")) for m in serenity["meetings"]] == [
        ("monday", "19:00", 60), ("wednesday", "19:00", 60), ("saturday", "09:30", None)]
    assert serenity["types"] == ["open", "discussion"]
    assert serenity["meetings"][2]["types"] == ["big-book"]
    assert serenity["other_types"] == ["ZZ-UNKNOWN"]
    assert serenity["address"] == "1 Example Street, Testville, NY"
    assert "name" not in serenity["contact"]
    assert (online["attendance"], online["language"]) == ("online", "spanish")
    assert online["online"]["notes"] == "Dial in: +1-555-555-0100,,555# Passcode 1234"
    assert (hybrid["town"], hybrid["attendance"]) == ("Otherton", "in_person")
    assert {g["status"] for g in data["groups"]} == {"unverified"}


@pytest.mark.parametrize(
    ("records", "message"),
    [
        ([{"name": "A", "slug": "a", "day": 1, "time": "7pm"}],
         "record 0 ('A'): time '7pm' is not a time; expected \"HH:MM\""),
        ([{"name": "A", "slug": "a", "day": 1, "time": "19:00"}, "oops"],
         "record 1: expected an object with name, slug, day and time, found str"),
        ([{"slug": "a", "day": 1, "time": "19:00"}],
         "record 0: no name; every Meeting Guide record needs one"),
        ([{"name": "B", "day": 9, "time": "19:00"}],
         "record 0 ('B'): day 9 is not a day; expected 0 (Sunday) to 6, or a list of them"),
    ],
)
def test_malformed_records_are_named(records, message):
    with pytest.raises(feed.FeedError) as caught:
        feed.convert(records, "f.json", TODAY)
    assert str(caught.value) == message


def test_time_zone_comes_from_the_feed_else_the_option():
    record = {"name": "A", "slug": "a", "day": 1, "time": "19:00", "city": "Testville"}
    own = feed.convert([{**record, "timezone": "America/Chicago"}], "f", TODAY,
                       timezone="Europe/London")
    assert (own.data["timezone"], own.warnings) == ("America/Chicago", [])
    fallback = feed.convert([record], "f", TODAY, timezone="Europe/London")
    assert (fallback.data["timezone"], fallback.warnings) == ("Europe/London", [])
    default = feed.convert([record], "f", TODAY)
    assert default.data["timezone"] == "America/New_York"
    assert default.warnings == ["the feed names no single time zone; using America/New_York "
                                "(set --timezone)"]
    with pytest.raises(feed.FeedError, match="'Mars/Base' is not a time zone"):
        feed.convert([record], "f", TODAY, timezone="Mars/Base")
    bad_own = feed.convert([{**record, "timezone": "Mars/Base"}], "f", TODAY,
                           timezone="America/Chicago")
    assert (bad_own.data["timezone"], bad_own.warnings) == (
        "America/Chicago", ["the feed names the time zone 'Mars/Base', which does not exist; "
                            "using America/Chicago"])


def test_not_json(tmp_path):
    path = tmp_path / "page.html"
    path.write_text("<!DOCTYPE html><html>")
    with pytest.raises(feed.FeedError, match=r"not JSON \(it starts with '<!DOCTYPE html><html>'\)"):
        feed.parse(feed.read(str(path)), str(path))


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 - the http.server API
        if self.path == "/feed.json":
            body = (FIXTURES / "feed-quirks.json").read_bytes()
            self._send(200, body, "application/json")
        elif self.path == "/page":
            self._send(200, b"<html>not a feed</html>", "text/html")
        elif self.path == "/huge":
            self.send_response(200)
            self.send_header("Content-Length", str(feed.MAX_FEED_BYTES + 1))
            self.end_headers()
        elif self.path == "/slow":
            time.sleep(1.5)
            self._send(200, b"[]", "application/json")
        else:
            self._send(404, b"no", "text/plain")

    def _send(self, code, body, kind):
        self.send_response(code)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            self.wfile.write(body)
        except BrokenPipeError:  # the client gave up first, as the time-out test wants
            pass

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_import_from_a_url(server, run, tmp_path):
    out = tmp_path / "imported.yaml"
    result = run("import", f"{server}/feed.json", "-o", str(out))
    assert result.exit_code == 0, result.stderr
    assert result.stdout == f"{out}\n"
    assert result.stderr.startswith(f"peerfind: fetching {server}/feed.json ...\n")
    assert "source: Meeting Guide feed http://127.0.0.1" in out.read_text()


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/missing", "/missing: the server answered HTTP 404 Not Found; check the address, or "
         "try again later"),
        ("/page", "/page: not JSON (it starts with '<html>not a feed</html>'); a Meeting Guide "
         "feed is a JSON list of meetings: check the address"),
        ("/huge", "/huge: the answer is larger than 20 MB; a meeting feed is far smaller: check "
         "the address"),
        ("/slow", "/slow: no answer within 0.5 s; try again later"),
    ],
)
def test_url_problems(path, message, server, run, monkeypatch):
    monkeypatch.setattr(feed, "TIMEOUT", 0.5)
    result = run("import", f"{server}{path}")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1] == f"peerfind: error: {server}{message}"


def test_import_nowhere(run):
    result = run("import", "http://127.0.0.1:9/feed.json")
    assert result.exit_code == 1
    assert "cannot connect" in result.stderr


def test_merge_reports_added_changed_removed(run, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    place = {"city": "Testville", "timezone": "America/New_York"}
    first = [{"name": "Fictional A", "slug": "a", "day": 1, "time": "19:00",
              "address": "1 Example St", **place},
             {"name": "Fictional B", "slug": "b", "day": 2, "time": "19:00",
              "address": "2 Example St", **place}]
    (tmp_path / "feed.json").write_text(json.dumps(first))
    assert run("import", "feed.json", "-o", "cat.yaml").exit_code == 0
    with open("cat.yaml", "a", encoding="utf-8") as handle:  # a group of the volunteers' own
        handle.write("- id: own-group\n  name: Own\n  fellowship: NA\n  attendance: online\n"
                     "  online: {url: 'https://example.org'}\n  meetings: [{day: monday, "
                     "time: '10:00'}]\n  source: a flyer\n  status: unverified\n")
    second = [{**first[0], "time": "19:30"},
              {"name": "Fictional C", "slug": "c", "day": 3, "time": "19:00",
               "address": "3 Example St", **place}]
    (tmp_path / "feed.json").write_text(json.dumps(second))
    result = run("import", "feed.json", "--merge", "cat.yaml")
    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines()[:3] == [
        "peerfind: added 1: fictional-c-testville",
        "peerfind: changed 1: fictional-a-testville",
        "peerfind: removed 1: fictional-b-testville",
    ]
    merged = run("validate", "cat.yaml")
    assert merged.stdout == "cat.yaml: 3 groups, 3 meetings, 0 help lines, 0 resources - valid\n"
    assert "own-group" in (tmp_path / "cat.yaml").read_text()
