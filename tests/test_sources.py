"""Live sources: the BMLT and Meeting Guide readers, fetching, snapshots and sync.

The BMLT server here is a local one on 127.0.0.1 serving the real December 2018
NA listing (data/sources/na-gny.json); the Meeting Guide feed is fictional
(tests/fixtures/feeds/README.md).
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import time
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from hypothesis import given, settings, strategies as st

from peerfind import bmlt, fetch, meetingguide
from peerfind.listing import Context
from tests.conftest import FIXTURES, ROOT, serving

SNAPSHOT = json.loads((ROOT / "data" / "sources" / "na-gny.json").read_text(encoding="utf-8"))
FEED = FIXTURES / "feeds" / "mg-quirks.json"
CONTEXT = Context("x", "NA", "America/New_York", "America/New_York", "origin",
                  dt.date(2026, 11, 27))
SWITCHES = {"GetSearchResults": "meetings", "GetFormats": "formats",
            "GetServiceBodies": "service_bodies"}


class Server(BaseHTTPRequestHandler):
    answer: dict = {}
    feed: bytes | None = None  # the Meeting Guide feed served; None: the quirks fixture
    broken = False

    def do_GET(self):  # noqa: N802 - the http.server API
        parts = urlsplit(self.path)
        if parts.path == "/main_server/client_interface/json/" and not Server.broken:
            switch = parse_qs(parts.query).get("switcher", [""])[0]
            self._send(200, json.dumps(Server.answer[SWITCHES[switch]]).encode())
        elif parts.path == "/trickle":
            self.send_response(200)
            self.end_headers()
            try:
                for _ in range(30):
                    self.wfile.write(b" ")
                    self.wfile.flush()
                    time.sleep(0.1)
            except OSError:
                pass  # the client gave up, as it should
        elif parts.path == "/to-file":
            self.send_response(302)
            self.send_header("Location", "file:///etc/passwd")
            self.end_headers()
        elif parts.path == "/deep":
            self._send(200, b"[" * 100_000 + b"]" * 100_000)
        elif parts.path == "/digits":
            self._send(200, b"[" + b"9" * 5000 + b"]")
        elif parts.path in RAW:
            self.wfile.write(RAW[parts.path])
            self.close_connection = True
        elif parts.path == "/feed.json":
            self._send(200, Server.feed or FEED.read_bytes())
        else:
            self._send(500, b"\x1b[31mno\x1b[0m")

    def _send(self, code, body):
        self.send_response(code, "Server \x1b[2JError" if code == 500 else None)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            self.wfile.write(body)
        except BrokenPipeError:
            pass

    def log_message(self, *args):
        pass


RAW = {  # answers that are not well-formed HTTP, written straight to the socket
    "/garbled": b"SPDY/9 two hundred\r\n\r\n[]",
    "/chunks": b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n[]\r\n",
    "/short": b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n[]",
}


@pytest.fixture
def server():
    Server.answer = json.loads(json.dumps(SNAPSHOT["answer"]))
    Server.feed = None
    Server.broken = False
    with serving(Server) as address:
        yield address


@pytest.fixture
def bundled(tmp_path, server, monkeypatch):
    """A copy of the bundled catalogue whose NA source is the local server."""
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    path = data / "groups.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "https://bmlt.newyorkna.org/main_server/", f"{server}/main_server/"), encoding="utf-8")
    monkeypatch.setenv("PEERFIND_CATALOGUE", str(path))
    return path


def rows(output: str, name: str) -> list[str]:
    lines = output.splitlines()
    return [" ".join(lines[i:i + 2]) for i, line in enumerate(lines) if name in line]


def test_fresh_clone_shows_2018_na_meetings_as_leads(run):
    result = run("list", "--fellowship", "NA", "--town", "poughkeepsie", "--at",
                 "2026-11-30T09:00")
    assert result.exit_code == 0
    found = rows(result.stdout, "What A Way To Start")
    assert len(found) == 5
    assert all("lead" in row and "Dec 2018" in row for row in found)
    document = json.loads(run("list", "--fellowship", "NA", "--json").stdout)
    assert {(r["trust"], r["as_of"], r["status"]) for r in document} == {
        ("lead", "2018-12-03", "unverified")}
    assert "listed" not in {r["trust"] for r in document}


def test_sync_turns_leads_into_listings_and_keeps_overrides(run, bundled, server):
    hand_kept = bundled.read_bytes()
    result = run("sync")
    assert result.exit_code == 0, result.stdout + result.stderr
    assert result.stdout.splitlines()[0] == (
        "NA Greater New York Region: 55 records -> 53 meetings; 0 added, 0 changed, "
        "0 removed, 47 unchanged")
    written = (bundled.parent / "sources" / "na-gny.json").read_text(encoding="utf-8")
    snapshot = json.loads(written)
    assert json.dumps(snapshot, indent=1, ensure_ascii=False) + "\n" == written
    assert list(snapshot) == ["peerfind_snapshot", "source", "kind", "url", "fetched", "as_of",
                              "origin", "answer"]  # where it is from, then what it says
    assert (snapshot["fetched"], snapshot["origin"]) == ("2026-11-27", f"{server}/main_server/")
    listed = json.loads(run("list", "--fellowship", "NA", "--json", "--at",
                            "2026-11-27T09:00").stdout)
    assert {(r["trust"], r["as_of"], r["listed_by"]) for r in listed} == {
        ("listed", "2026-11-27", "NA Greater New York Region")}
    # A volunteer confirms one group and closes another in the hand-kept file.
    with bundled.open("a", encoding="utf-8") as handle:
        handle.write("\noverrides:\n  - id: na-gny-g00328665\n    checked: 2026-11-27\n"
                     "    source: phone call to the group, 27 Nov 2026\n"
                     "  - id: na-gny-00011734\n    checked: 2026-11-20\n"
                     "    source: phone call\n")
    hand_kept = bundled.read_bytes()
    # The source changes: one meeting gone, one renamed.
    meetings = Server.answer["meetings"]
    Server.answer["meetings"] = [m for m in meetings if m["id_bigint"] != "287"]
    for m in Server.answer["meetings"]:
        if m["id_bigint"] == "291":
            m["meeting_name"] = "Saturday Night Newcomers"
    again = run("sync")
    assert again.exit_code == 0
    assert again.stdout.splitlines() == [
        "NA Greater New York Region: 54 records -> 52 meetings; 0 added, 1 changed, "
        "1 removed, 45 unchanged",
        "  changed: Saturday Night Newcomers (na-gny-00003715)",
        "  removed: Up Front (na-gny-00011734)",
        "  warning: record 28 ('Miracles Happen Group'): listed twice ('Miracles Happen' at "
        "the same time); kept once",
        "  check: NA Greater New York Region no longer lists Up Front (na-gny-00011734), "
        "which you confirmed on 2026-11-20: check it, then update or remove its override",
    ]
    assert bundled.read_bytes() == hand_kept  # sync never writes the hand-kept file
    shown = json.loads(run("show", "na-gny-g00328665", "--json").stdout)
    assert (shown["trust"], shown["as_of"], shown["status"]) == ("confirmed", "2026-11-27",
                                                                "active")
    warned = run("validate", str(bundled))
    assert "no source lists a group 'na-gny-00011734' any more" in warned.stdout
    assert warned.exit_code == 0


def test_a_failing_source_keeps_its_snapshot(run, bundled):
    snapshot = bundled.parent / "sources" / "na-gny.json"
    before = snapshot.read_bytes()
    Server.broken = True
    result = run("sync")
    assert result.exit_code == 1
    assert len(result.stdout.splitlines()) == 1
    assert result.stdout.startswith("NA Greater New York Region: failed, previous snapshot "
                                    "kept: http://127.0.0.1:")
    assert "HTTP 500 Server Error" in result.stdout and "\x1b" not in result.stdout
    assert snapshot.read_bytes() == before


def test_dry_run_writes_nothing(run, bundled):
    folder = bundled.parent
    before = {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    result = run("sync", "--dry-run")
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0].endswith("(dry run: nothing written)")
    assert {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()} == before


def test_unknown_source_id(run, bundled):
    result = run("sync", "na-gnyy")
    assert result.exit_code == 2
    assert result.stderr == ("peerfind: error: 'na-gnyy' is not a source of this catalogue "
                             "(did you mean 'na-gny'?); expected one of na-gny\n")


def test_handout_leaves_leads_out_and_says_so(run):
    text = run("handout", "--at", "2026-11-30T09:00").stdout
    assert "What A Way To Start" not in text
    assert "57 meetings from old, unconfirmed lists were left out" in text
    assert "What A Way To Start" in run("handout", "--at", "2026-11-30T09:00",
                                        "--include-leads").stdout


def test_bmlt_reader_on_the_real_listing():
    reading = bmlt.read(SNAPSHOT["answer"], CONTEXT, {})
    assert (reading.records, len(reading.groups)) == (55, 47)
    assert sum(len(g["meetings"]) for g in reading.groups) == 53  # unpublished + twin left out
    by_id = {g["id"]: g for g in reading.groups}
    assert "x-00010708" not in by_id  # published: "0"
    pawling = by_id["x-g00306622"]
    assert [(m["day"], m["time"], m["minutes"]) for m in pawling["meetings"]] == [
        ("saturday", "11:00", 60), ("sunday", "18:00", 60)]  # weekday 1 = Sunday
    assert pawling["venue"] == "The Lutheran Church of Christ the King"
    assert pawling["notes"] == "Intersection of Route 22"
    assert by_id["x-00011743"]["types"] == ["open", "speaker", "wheelchair"]  # O,SD,WC
    assert by_id["x-00003715"]["other_types"] == ["Basic Text"]


def test_bmlt_reader_newer_fields():
    formats = [{"key_string": "O", "name_string": "Open", "world_id": "OPEN", "lang": "en"},
               {"key_string": "TC", "name_string": "Temporarily Closed", "world_id": "TC"}]
    record = {"id_bigint": "9", "worldid_mixed": "", "weekday_tinyint": "2",
              "start_time": "19:00:00", "duration_time": "01:00:00", "formats": "O,XX",
              "meeting_name": "Fictional Online", "venue_type": "2",
              "virtual_meeting_link": "https://example.org/j/9",
              "phone_meeting_number": "+16465550100,,999#", "time_zone": "America/Chicago",
              "published": "1"}
    reading = bmlt.read({"meetings": [record, {**record, "id_bigint": "10",
                                               "formats": "TC", "venue_type": "1",
                                               "location_municipality": "Testville"}],
                         "formats": formats}, CONTEXT, {})
    online, closed = reading.groups
    assert online["online"] == {"url": "https://example.org/j/9", "phone": "+16465550100",
                                "meeting_id": "999"}
    assert online["meetings"] == [{"day": "monday", "time": "20:00", "slug": "9", "minutes": 60}]
    assert online["types"] == ["open"]
    assert online["other_types"] == ["XX"]
    assert closed["status"] == "temporarily-closed"
    assert reading.warnings == [
        "record 0 ('Fictional Online'): format keys the server's GetFormats does not list: "
        "XX; kept as other types",
        "2 records in America/Chicago converted to America/New_York"]


def test_meeting_guide_quirks():
    records = json.loads(FEED.read_text(encoding="utf-8"))
    reading = meetingguide.read(records, CONTEXT._replace(prefix="", fellowship="AA"), {})
    assert reading.records == 15
    assert sum(len(g["meetings"]) for g in reading.groups) == 14  # one unreadable record
    by_name: dict[str, list] = {}
    for group in reading.groups:
        by_name.setdefault(group["name"], []).append(group)
    (dawn,) = by_name["Fictional Dawn Group"]  # own name kept; group beside it
    assert dawn["group"] == "District 25"
    assert [(m["time"], m.get("minutes")) for m in dawn["meetings"]] == [
        ("11:00", 60), ("19:30", 780)]  # "11:00 AM"; an end 13 hours on
    assert dawn["meetings"][0]["notes"] == "Bring a friend.\nSide door."
    assert by_name["Fictional Marathon"][0]["meetings"][0]["minutes"] == 1440
    assert len(by_name["Fictional Two Rooms"]) == 2  # two places: two groups
    assert len(by_name["Fictional Link One"]) == 2  # two links: two groups
    room, zoom = by_name["Fictional Twin"]  # same day and time, both kept
    assert (room["attendance"], zoom["attendance"]) == ("in_person", "online")
    assert "address" not in zoom and "latitude" not in zoom  # approximate: a region
    assert zoom["online"] == {"url": "https://example.org/j/333", "phone": "+16465550100",
                              "meeting_id": "333444555", "notes": "Passcode 1234"}
    chicago = by_name["Fictional Chicago"][0]["meetings"][0]
    assert (chicago["day"], chicago["time"]) == ("monday", "20:30")
    assert by_name["Fictional Regions"][0]["town"] == "Farborough"
    assert by_name["Fictional Paused"][0]["status"] == "temporarily-closed"
    assert by_name["Fictional Closed Room"][0]["status"] == "temporarily-closed"
    assert "Evil Name" in by_name  # the terminal escape is gone
    assert reading.warnings == [
        "record 14 ('Fictional Broken'): day 'someday' cannot be read; left out",
        "1 record in America/Chicago converted to America/New_York"]


def test_import_writes_a_valid_catalogue(run, tmp_path):
    out = tmp_path / "q.yaml"
    result = run("import", str(FEED), "--timezone", "America/New_York", "-o", str(out))
    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines()[-1] == "peerfind: 13 groups, 14 meetings from 15 records"
    assert run("validate", str(out)).exit_code == 0


def test_import_bmlt_from_a_server(run, server, tmp_path):
    out = tmp_path / "na.yaml"
    result = run("import", "--kind", "bmlt", f"{server}/main_server/", "-o", str(out))
    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines()[-1] == "peerfind: 47 groups, 53 meetings from 55 records"
    assert "fellowship: NA" in out.read_text()


@pytest.mark.parametrize(("path", "message"), [
    ("/trickle", "no whole answer within 1 s; try again later, or allow longer with --timeout"),
    ("/to-file", "redirected to 'file:///etc/passwd', which is not an http(s) address; "
                 "refusing to follow it"),
    ("/deep", "JSON nested too deeply to be a Meeting Guide feed (a JSON list of meetings)"),
    ("/digits", "JSON holding a number too long to read; expected a Meeting Guide feed (a JSON "
                "list of meetings)"),
    ("/nothing", "the server answered HTTP 500 Server Error; check the address, or try again "
                 "later"),
    ("/garbled", "the server's answer is broken (BadStatusLine); try again later"),
    ("/chunks", "the answer was cut off before its end; try again later"),
    ("/short", "the answer was cut off before its end; try again later"),
])
def test_bad_answers_are_one_line_errors(path, message, run, server):
    result = run("import", f"{server}{path}", "--timeout", "1")
    assert result.exit_code == 1
    assert result.stderr == f"peerfind: error: {server}{path}: {message}\n"


JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
                    lambda inner: st.lists(inner, max_size=4)
                    | st.dictionaries(st.text(max_size=8), inner, max_size=4), max_leaves=20)
FIELD = st.sampled_from(["name", "slug", "day", "time", "end_time", "city", "types",
                         "conference_url", "conference_phone", "attendance_option",
                         "timezone", "latitude", "regions", "approximate", "address"])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.dictionaries(FIELD, JSON | st.text(max_size=12), max_size=8) | JSON,
                max_size=5))
def test_meeting_guide_reader_takes_any_json(records):
    reading = meetingguide.read(records, CONTEXT, {})
    assert all(group["meetings"] for group in reading.groups)


BMLT_FIELD = st.sampled_from(["id_bigint", "worldid_mixed", "weekday_tinyint", "start_time",
                              "duration_time", "formats", "meeting_name", "venue_type",
                              "location_municipality", "time_zone", "virtual_meeting_link",
                              "published", "latitude"])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.dictionaries(BMLT_FIELD, JSON | st.text(max_size=12), max_size=10),
                max_size=5), JSON)
def test_bmlt_reader_takes_any_json(meetings, formats):
    reading = bmlt.read({"meetings": meetings, "formats": formats if isinstance(formats, list)
                         else []}, CONTEXT, {})
    assert all(group["meetings"] for group in reading.groups)


def test_printable_strips_escapes():
    assert fetch.printable("a\x1b[2J\x1b]0;title\x07b\r\nc") == "ab c"


def test_repository_snapshot_untouched_by_tests():
    assert Path(ROOT / "data" / "sources" / "na-gny.json").read_text(
        encoding="utf-8").count('"fetched": null') == 1


def test_a_listing_is_fresh_for_30_days_then_a_lead():
    from peerfind import trust
    from peerfind.models import Group, Meeting

    listed = Group("x", "Fictional", "NA", "in_person", (Meeting("monday", "19:00"),),
                   "unverified", listed_by="Fictional BMLT", listed=dt.date(2026, 11, 1),
                   live=True)
    assert trust.of(listed, dt.date(2026, 12, 1)) == trust.Trust("listed", dt.date(2026, 11, 1),
                                                                 "Fictional BMLT")
    assert trust.of(listed, dt.date(2026, 12, 2)).kind == "lead"
    archived = listed.__class__(**{**{f: getattr(listed, f) for f in listed.__slots__},
                                   "live": False})
    assert trust.of(archived, dt.date(2026, 11, 1)).kind == "lead"
    assert trust.short(trust.of(archived, dt.date(2026, 11, 1))) == "lead Nov 2026"


def test_meeting_guide_contacts_stay_anonymous():
    record = {"name": "Fictional Contact", "slug": "c", "day": 1, "time": "19:00",
              "city": "Testville", "address": "1 Example St", "contact_1_name": "John Smith",
              "contact_1_phone": "(555) 555-0100", "contact_1_email": "group@example.org"}
    reading = meetingguide.read([record], CONTEXT, {})
    assert reading.groups[0]["contact"] == {"phone": "(555) 555-0100",
                                            "email": "group@example.org"}
    assert reading.warnings == ["record 0 ('Fictional Contact'): contact name left out: "
                                "members stay anonymous (a first name and last initial only)"]
    named = meetingguide.read([{**record, "contact_1_name": "Pat K.",
                                "contact_1_phone": "not a phone", "contact_1_email": "nope"}],
                              CONTEXT, {})
    assert named.groups[0]["contact"] == {"name": "Pat K."}


@pytest.mark.parametrize(("records", "args", "zone", "when", "warning"), [
    ([{"timezone": "America/Chicago"}], (), "America/Chicago", "monday 19:00", None),
    ([{"timezone": "America\\/Chicago"}], (), "America/Chicago", "monday 19:00", None),
    ([{"timezone": "America/Chicago"}], ("--timezone", "Europe/London"), "Europe/London",
     "tuesday 01:00", None),
    ([{"timezone": "America/Chicago"}, {"timezone": "America/Denver"}], (),
     "America/New_York", "monday 20:00", "the feed names several time zones; times are "
     "given in America/New_York (set --timezone)"),
    ([{"timezone": "Mars/Olympus"}, {}], (), "America/New_York", "monday 19:00",
     "the feed names no time zone; times are given in America/New_York (set --timezone)"),
    # A zone nested in a record is not the record's: the feed is read again in its own.
    ([{"timezone": "America/Chicago", "x": {"timezone": "America/Denver"}}], (),
     "America/Chicago", "monday 19:00", None),
    ([{"x": {"timezone": "America/Denver"}}], (), "America/New_York", "monday 19:00",
     "the feed names no time zone; times are given in America/New_York (set --timezone)"),
])
def test_a_one_off_imports_zone(records, args, zone, when, warning, run, tmp_path):
    feed = tmp_path / "feed.json"
    record = {"name": "Fictional Zone", "slug": "z", "day": 1, "time": "19:00",
              "attendance_option": "online", "conference_url": "https://example.org/j/1"}
    text = json.dumps([{**record, **r} for r in records]).replace("\\\\/", "\\/")
    feed.write_text(text, encoding="utf-8")
    result = run("import", str(feed), *args)
    assert f"\ntimezone: {zone}\n" in result.stdout
    day, time = when.split()
    assert f"{{day: {day}, time: \"{time}\", slug: z}}" in result.stdout
    said = [line for line in result.stderr.splitlines() if "the feed names" in line]
    assert said == ([f"peerfind: warning: {warning}"] if warning else [])


def test_bmlt_questions_asked_of_a_root_server():
    root = "https://bmlt.example.org/main_server"
    assert bmlt.query(root, "formats", {"services": [5]}) == (
        "https://bmlt.example.org/main_server/client_interface/json/?switcher=GetFormats")
    assert bmlt.query(root + "/", "meetings", {"services": [5, "12"]}) == (
        "https://bmlt.example.org/main_server/client_interface/json/?switcher=GetSearchResults"
        "&services%5B%5D=5&services%5B%5D=12&recursive=1")
    assert bmlt.query(root, "meetings", {"near": "41.70, -73.92", "within": 12.5}) == (
        "https://bmlt.example.org/main_server/client_interface/json/?switcher=GetSearchResults"
        "&lat_val=41.70&long_val=-73.92&geo_width=12.5")
    assert bmlt.query(root, "meetings", {"near": "41.70,-73.92"}).endswith("&geo_width=25")
    assert bmlt.query(root, "service_bodies", {}).endswith("?switcher=GetServiceBodies")


def test_snapshots_are_sorted_by_the_sources_own_keys():
    from peerfind.sources import normalise

    answer = {"meetings": [{"id_bigint": "10"}, "odd", {"id_bigint": "9"},
                           {"id_bigint": "x1"}, {"id_bigint": "99999999999999999999"},
                           {"id_bigint": "9000000000000000000"}, {"id_bigint": {"z": 1}},
                           {"b": 1, "a": 2, "id_bigint": "5"}, {"a": 3, "id_bigint": "5"}],
              "formats": [{"id": "3"}, {"id": "1"}], "service_bodies": None}
    assert normalise(answer) == {
        "meetings": [{"a": 2, "b": 1, "id_bigint": "5"}, {"a": 3, "id_bigint": "5"},
                     {"id_bigint": "9"}, {"id_bigint": "10"},  # short numbers as numbers,
                     {"id_bigint": {"z": 1}}, {"id_bigint": "9000000000000000000"},  # the
                     {"id_bigint": "99999999999999999999"}, {"id_bigint": "x1"}, "odd"],  # rest
        "formats": [{"id": "1"}, {"id": "3"}], "service_bodies": []}  # as text; then the rest
    bodies = normalise({"service_bodies": [{"id": "2"}, {"id": "1"}]})["service_bodies"]
    assert bodies == [{"id": "1"}, {"id": "2"}]


def test_a_feed_in_any_order_gives_the_same_snapshot(run, server, tmp_path):
    catalogue = tmp_path / "groups.yaml"
    catalogue.write_text(SYNCED.format(server=server), encoding="utf-8")
    records = [{"slug": "b", "name": "Fictional B", "day": 1, "time": "19:00",
                "city": "Testville"}, {"slug": "a", "n": 2}, {"slug": "a", "n": 1}, 7,
               {"slug": "é", "name": "Fictional É"}]
    written, said = [], []
    for order in (records, records[::-1]):
        Server.feed = json.dumps(order).encode()
        result = run("sync", "--catalogue", str(catalogue))
        assert result.exit_code == 0
        said.append(result.stdout.splitlines()[0])
        written.append((tmp_path / "sources" / "mg.json").read_text(encoding="utf-8"))
    assert written[0] == written[1]
    assert said == [  # the second time, its lines show that nothing changed
        "Fictional Intergroup: 5 records -> 1 meeting; 1 added, 0 changed, 0 removed, "
        "0 unchanged",
        "Fictional Intergroup: 5 records -> 1 meeting; 0 added, 0 changed, 0 removed, "
        "1 unchanged"]
    answer = json.loads(written[0])["answer"]
    assert answer[0] == 7 and [r.get("slug") for r in answer[1:]] == ["a", "a", "b", "é"]
    assert [p.name for p in tmp_path.joinpath("sources").iterdir()] == ["mg.json"]


def test_import_bmlt_from_a_folder_of_its_three_answers(run, tmp_path):
    folder = tmp_path / "bmlt"
    folder.mkdir()
    for part, name in (("meetings", "GetSearchResults.json"), ("formats", "GetFormats.json"),
                       ("service_bodies", "GetServiceBodies.json")):
        (folder / name).write_text(json.dumps(SNAPSHOT["answer"][part]))
    result = run("import", "--kind", "bmlt", str(folder), "-o", str(tmp_path / "na.yaml"))
    assert result.stderr.splitlines()[-1] == "peerfind: 47 groups, 53 meetings from 55 records"
    not_a_folder = run("import", "--kind", "bmlt", str(folder / "GetFormats.json"))
    assert not_a_folder.stderr.endswith(  # the long path itself is shortened
        ": expected a BMLT root server's URL, or a folder holding GetSearchResults.json, "
        "GetFormats.json and GetServiceBodies.json\n")
    (folder / "GetFormats.json").write_text('{"not": "a list"}')
    broken = run("import", "--kind", "bmlt", str(folder))
    assert broken.stderr.endswith(": GetFormats did not answer with a JSON list of formats\n")
    (folder / "GetFormats.json").unlink()
    missing = run("import", "--kind", "bmlt", str(folder))
    assert missing.stderr.endswith(": no such file; check the path\n")


EDGES = FIXTURES / "feeds" / "mg-edges.json"


def test_meeting_guide_edge_cases_read_exactly(expected):
    """Every rule of the Meeting Guide reader on one fictional feed, compared whole:
    what is kept, how, and each warning's words (tests/fixtures/feeds/README.md)."""
    records = json.loads(EDGES.read_text(encoding="utf-8"))
    reading = meetingguide.read(records, CONTEXT._replace(prefix="mg", fellowship="AA"), {})
    document = {"records": reading.records, "warnings": reading.warnings,
                "groups": reading.groups}
    expected("mg-edges-read.json", json.dumps(document, indent=1, ensure_ascii=False) + "\n")


def test_meeting_guide_records_are_chosen_by_town_or_region():
    records = json.loads(EDGES.read_text(encoding="utf-8"))
    context = CONTEXT._replace(prefix="mg", fellowship="AA")
    for selection, names in (
            ({"towns": ["farborough"]}, ["Fictional Street Only"]),
            ({"regions": ["Example County"]}, ["Fictional Street Only"]),
            ({"regions": ["example valley"]}, ["Fictional Region Only"]),
            ({"towns": ["Otherton"]}, ["Fictional Online Paused"])):
        found = meetingguide.read(records, context, selection).groups
        assert [group["name"] for group in found] == names, selection


@pytest.mark.parametrize("text", [
    "[1,,2]", "[1 2]", "[1,]", "[1] x", "[", "[1", '{"a" 1}', '{"a": 1,}', "{1: 2}", " "])
def test_broken_json_is_named_however_it_is_read(text):
    message = (f"feed: not JSON (it starts with {text.strip()!r}); expected a feed: check the "
               "address")
    with pytest.raises(fetch.FetchError) as whole:
        fetch.parse_json(text, "feed", "a feed")
    assert str(whole.value) == message
    with pytest.raises(fetch.FetchError) as streamed:
        list(fetch.feed_records(fetch.Reader(text, "feed", "a feed")))
    assert str(streamed.value) == message


def test_a_feed_is_read_a_record_at_a_time():
    text = EDGES.read_text(encoding="utf-8")
    streamed = fetch.feed_records(fetch.Reader(text, "feed", "a feed"))
    assert next(streamed) == json.loads(text)[0]  # before the rest is parsed
    assert meetingguide.read(fetch.feed_records(fetch.Reader(text, "feed", "a feed")),
                             CONTEXT, {}) == meetingguide.read(json.loads(text), CONTEXT, {})
    with pytest.raises(fetch.FetchError, match="^feed: expected a JSON list of meetings, "
                                               "found dict$"):
        fetch.feed_records(fetch.Reader('{"a": []}', "feed", "a feed"))


SYNCED = """\
# FICTIONAL test catalogue: the source and every meeting it lists are invented.
catalogue: 1
area: Testville County (fictional)
timezone: America/New_York
updated: 2026-11-01
sources:
  - id: mg
    name: Fictional Intergroup
    kind: meeting-guide
    url: {server}/feed.json
groups: []
"""
OVERRIDES = """\
overrides:
  - id: mg-dawn-mon
    checked: 2026-11-20
    source: phone call to the group, 20 Nov 2026
  - id: mg-marathon
    checked: 2026-11-21
    source: phone call
  - id: mg-evil
    notes: Corrected by a volunteer.
  - id: mg-twin-room
    hide: true
    notes: The same meeting as its online twin.
  - id: mg-twin-zoom
    attendance: in_person
    address: 9 Example Road
    town: Testville
  - id: mg-paused
    checked: 2026-11-22
    status: temporarily-closed
    source: the group's web page
  - id: mg-regions
    notes: A note changes nothing else.
"""


def test_sync_of_a_feed_exactly(run, server, tmp_path, monkeypatch, expected):
    """A Meeting Guide source synced twice, compared whole: the first sync adds every
    group; the second reports what the feed changed and the overrides it left behind,
    and the layered catalogue obeys every kind of override."""
    catalogue = tmp_path / "data" / "groups.yaml"
    catalogue.parent.mkdir()
    catalogue.write_text(SYNCED.format(server=server), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PEERFIND_CATALOGUE", "data/groups.yaml")
    first = run("sync")
    assert first.exit_code == 0, first.stderr
    snapshot = catalogue.parent / "sources" / "mg.json"
    records = json.loads(FEED.read_text(encoding="utf-8"))
    changed = [r for r in records if r.get("slug") not in ("dawn-wed", "marathon", "evil")]
    for r in changed:
        if r.get("slug") == "regions":
            r["name"] = "Fictional Régions"
    changed.append({**records[0], "slug": "new-one", "name": "Fictional Newcomer", "day": 2})
    changed.append({**records[0], "slug": "long-name", "day": 5,
                    "name": "Fictional " + "Very " * 30 + "Long Name"})  # cut at 100
    Server.feed = json.dumps(changed).encode()
    with catalogue.open("a", encoding="utf-8") as handle:
        handle.write(OVERRIDES)
    second = run("sync")
    assert second.exit_code == 0, second.stderr
    layered = json.loads(run("list", "--json", "--include-closed", "--at",
                             "2026-11-27T06:00").stdout)
    kept = [{key: row.get(key) for key in ("id", "name", "status", "trust", "as_of",
                                           "attendance", "online", "address", "source")}
            for row in layered]
    written = snapshot.read_text(encoding="utf-8").splitlines()
    assert [json.loads(line.rstrip(",")) for line in written[9:-2]] == json.loads(
        "\n".join(written))["answer"]  # one record to a line
    checked = run("validate")
    noted = run("show", "mg-regions")
    due = [(r["id"], r["where"]) for r in json.loads(run("stale", "--days", "0",
                                                         "--json").stdout)]
    handout = run("handout", "--at", "2026-11-27T06:00", "--fellowship", "AA").stdout
    expected("sync-feed.txt", "\n".join([
        "$ peerfind sync", first.stdout, "$ peerfind sync", second.stdout,
        "$ cat sources/mg.json", snapshot.read_text(encoding="utf-8"),
        "$ peerfind list --json --include-closed (some keys)",
        json.dumps(kept, indent=1, ensure_ascii=False), "$ peerfind validate",
        checked.stdout, "$ peerfind show mg-regions", noted.stdout,
        "$ peerfind stale --days 0 --json (id, where)", json.dumps(due, indent=1),
        "$ peerfind handout --fellowship AA", handout]).replace(server, "http://127.0.0.1:PORT")
        + "\n")


GOOD_SNAPSHOT = {"peerfind_snapshot": 1, "source": "mg", "kind": "meeting-guide",
                 "url": "https://example.org/feed.json", "fetched": None,
                 "as_of": "2026-01-31", "origin": "https://example.org/old.json", "answer": []}
NOT_A_SNAPSHOT = ("is not a peerfind snapshot (format 1 or 2); run 'peerfind sync' to fetch "
                  "the source again, or restore the file from git")


@pytest.mark.parametrize(("content", "message"), [
    (json.dumps({**GOOD_SNAPSHOT, "peerfind_snapshot": 3}), NOT_A_SNAPSHOT),
    (json.dumps({**GOOD_SNAPSHOT, "peerfind_snapshot": 2, "late": 1}), "is not JSON that "
     "peerfind wrote (the answer is not last); expected a peerfind snapshot; run 'peerfind "
     "sync' to fetch it again"),
    (json.dumps({**GOOD_SNAPSHOT, "peerfind_snapshot": 2})[:-3] + ", oops]}", "is not JSON "
     "(it starts with '{\"peerfind_snapshot\": 2, \"source\": \"mg\",'); expected a peerfind "
     "snapshot; run 'peerfind sync' to fetch it again"),
    (json.dumps([GOOD_SNAPSHOT]), NOT_A_SNAPSHOT),
    (json.dumps({k: v for k, v in GOOD_SNAPSHOT.items() if k != "origin"}), NOT_A_SNAPSHOT),
    (json.dumps({**GOOD_SNAPSHOT, "kind": "rss"}), NOT_A_SNAPSHOT),
    (json.dumps({**GOOD_SNAPSHOT, "as_of": "January"}), NOT_A_SNAPSHOT),
    (json.dumps({**GOOD_SNAPSHOT, "fetched": "yesterday"}), NOT_A_SNAPSHOT),
    ("{", "is not JSON (it starts with '{'); expected a peerfind snapshot; run 'peerfind "
          "sync' to fetch it again"),
    ("[" * 100 + "]" * 100, "is JSON nested more than 64 levels deep; expected a peerfind "
                            "snapshot; run 'peerfind sync' to fetch it again"),
    (None, "is not a regular file; run 'peerfind sync' to fetch the source again, or "
           "restore the file from git"),
    ("loop", "cannot be read (Too many levels of symbolic links)"),
    ("x" * 2048, "is larger than 0 MiB; run 'peerfind sync' to fetch the source again"),
    (json.dumps({**GOOD_SNAPSHOT, "answer": {"meetings": []}}), "does not hold a source's "
     "answer (a Meeting Guide feed is a JSON list); run 'peerfind sync' to fetch the source "
     "again, or restore the file from git"),
    (json.dumps({**GOOD_SNAPSHOT, "kind": "bmlt"}), "does not hold a source's answer "
     "(expected the three BMLT answers in one JSON object); run 'peerfind sync' to fetch the "
     "source again, or restore the file from git"),
    (json.dumps({**GOOD_SNAPSHOT, "kind": "bmlt", "answer": {"meetings": [], "formats": {}}}),
     "does not hold a source's answer (GetFormats did not answer with a JSON list of "
     "formats); run 'peerfind sync' to fetch the source again, or restore the file from git"),
    (json.dumps({**GOOD_SNAPSHOT, "kind": "bmlt", "answer": {"meetings": [], "formats": []}}),
     "holds a bmlt answer, but the source is meeting-guide; run 'peerfind sync mg' to fetch "
     "it again"),
])
def test_a_damaged_snapshot_is_one_line_error(content, message, run, tmp_path, monkeypatch):
    catalogue = tmp_path / "data" / "groups.yaml"
    (catalogue.parent / "sources").mkdir(parents=True)
    catalogue.write_text(SYNCED.format(server="https://example.org"), encoding="utf-8")
    snapshot = catalogue.parent / "sources" / "mg.json"
    if content is None:
        snapshot.mkdir()
    elif content == "loop":
        snapshot.symlink_to(snapshot)
    else:
        snapshot.write_text(content, encoding="utf-8")
    monkeypatch.setattr(fetch, "MAX_BYTES", 2047)
    monkeypatch.chdir(tmp_path)
    result = run("list", "--catalogue", "data/groups.yaml")
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == f"data/groups.yaml:7:5: error: sources > mg: sources/mg.json {message}\n"


TWO_SOURCES = SYNCED.replace("groups: []\n", """\
  - id: na
    name: Fictional NA Area
    kind: bmlt
    url: {server}/main_server/
groups: []
""")


@pytest.mark.parametrize(("feed", "part", "message"), [
    (b'{"meetings": []}', None, "Fictional Intergroup: failed, previous snapshot kept: "
     "http://127.0.0.1:PORT/feed.json: expected a JSON list of meetings, found dict"),
    (b"<html>", None, "Fictional Intergroup: failed, previous snapshot kept: "
     "http://127.0.0.1:PORT/feed.json: not JSON (it starts with '<html>'); expected a Meeting "
     "Guide feed (a JSON list of meetings): check the address"),
    (None, "formats", "Fictional NA Area: failed, previous snapshot kept: http://127.0.0.1:"
     "PORT/main_server/: GetFormats did not answer with a JSON list of formats; is this a "
     "BMLT root server?"),
    (None, "meetings", "Fictional NA Area: failed, previous snapshot kept: http://127.0.0.1:"
     "PORT/main_server/: GetSearchResults did not answer with a JSON list of meetings; is "
     "this a BMLT root server?"),
    (None, "service_bodies", "Fictional NA Area: failed, previous snapshot kept: http://127.0."
     "0.1:PORT/main_server/: GetServiceBodies did not answer with a JSON list; is this a "
     "BMLT root server?"),
])
def test_sync_names_what_a_source_answered(feed, part, message, run, server, tmp_path):
    catalogue = tmp_path / "groups.yaml"
    catalogue.write_text(TWO_SOURCES.replace("{server}", server), encoding="utf-8")
    Server.feed = feed
    if part is not None:
        Server.answer[part] = {"not": "a list"}
    result = run("sync", "--catalogue", str(catalogue))
    assert result.exit_code == 1
    assert message in result.stdout.replace(server, "http://127.0.0.1:PORT").splitlines()
    assert len(list((tmp_path / "sources").iterdir())) == 1  # the other source's snapshot


def test_sync_fetches_only_the_sources_named(run, server, tmp_path):
    catalogue = tmp_path / "groups.yaml"
    catalogue.write_text(TWO_SOURCES.replace("{server}", server), encoding="utf-8")
    result = run("sync", "na", "--catalogue", str(catalogue))
    assert [line.split(":")[0] for line in result.stdout.splitlines()
            if not line.startswith(" ")] == ["Fictional NA Area"]
    assert [p.name for p in (tmp_path / "sources").iterdir()] == ["na.json"]
    nothing = tmp_path / "none.yaml"
    nothing.write_text(SYNCED.split("sources:")[0] + "groups: []\n", encoding="utf-8")
    refused = run("sync", "--catalogue", str(nothing))
    assert (refused.exit_code, refused.stderr) == (2, (
        "peerfind: error: this catalogue declares no sources; add a sources: list (see "
        "docs/catalogue.md)\n"))


BMLT_EDGES = FIXTURES / "feeds" / "bmlt-edges.json"


def test_bmlt_edge_cases_read_exactly(expected):
    """Every rule of the BMLT reader on one fictional answer, compared whole
    (tests/fixtures/feeds/README.md); with the service bodies and the circle chosen."""
    answer = json.loads(BMLT_EDGES.read_text(encoding="utf-8"))
    chosen = {"services": [20], "near": "41.70,-73.92", "within": 10}
    reading = bmlt.read(answer, CONTEXT._replace(prefix="na"), chosen)
    document = {"records": reading.records, "warnings": reading.warnings,
                "groups": reading.groups}
    expected("bmlt-edges-read.json", json.dumps(document, indent=1, ensure_ascii=False) + "\n")
    everything = bmlt.read(answer, CONTEXT._replace(prefix="na"), {})
    assert {g["name"] for g in everything.groups} - {g["name"] for g in reading.groups} == {
        "Fictional Other Body", "Fictional Far Away"}
