"""Fetching a source's answer: redirects, refusals and the request itself, against a
local server on 127.0.0.1 (nothing here reaches the internet)."""

from __future__ import annotations

import os
import socket
from http.server import BaseHTTPRequestHandler

import pytest

from peerfind import __version__
from peerfind.fetch import FEED, FetchError, get, parse_json, read
from tests.conftest import serving


class Handler(BaseHTTPRequestHandler):
    """/ok answers; /code/N redirects to /ok with status N; /rel/x redirects to ../ok;
    /ftp redirects off the web; /chain/N redirects N times; /size/N and /stream/N
    answer N bytes, saying how many or not; /bare is a 302 without a Location."""

    seen: list[tuple[str, str | None, str | None]] = []

    def do_GET(self):  # noqa: N802 - the http.server API
        Handler.seen.append((self.path, self.headers["User-Agent"], self.headers["Accept"]))
        parts = self.path.strip("/").split("/")
        if parts[0] in ("", "ok") or self.path == "/chain/0":
            self._answer(200, b"fine")
        elif parts[0] == "code":
            self._answer(int(parts[1]), "/ok")
        elif parts[0] == "rel":
            self._answer(302, "../ok")
        elif parts[0] == "ftp":
            self._answer(302, "ftp://example.org/feed.json")
        elif parts[0] == "chain":
            self._answer(302, f"/chain/{int(parts[1]) - 1}")
        elif parts[0] in ("size", "stream"):  # N bytes, with or without their length
            self.send_response(200)
            if parts[0] == "size":
                self.send_header("Content-Length", parts[1])
            self.end_headers()
            self.wfile.write(b" " * int(parts[1]))
        else:
            self._answer(302)

    def _answer(self, code, location=None):
        body = b"fine" if code == 200 else b""
        self.send_response(code)
        if location is not None:
            self.send_header("Location", location)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def site():
    with serving(Handler) as address:
        yield address


@pytest.mark.parametrize("code", [301, 302, 303, 307, 308])
def test_every_kind_of_redirect_is_followed(site, code):
    assert get(f"{site}/code/{code}") == b"fine"
    assert Handler.seen[-1][0] == "/ok"


def test_a_relative_redirect_is_resolved_against_the_address(site):
    assert get(f"{site}/rel/x") == b"fine"
    assert Handler.seen[-1][0] == "/ok"


def test_five_redirects_are_followed_and_a_sixth_is_refused(site):
    assert get(f"{site}/chain/5") == b"fine"
    with pytest.raises(FetchError) as error:
        get(f"{site}/chain/6")
    assert str(error.value) == f"{site}/chain/6: more than 5 redirects; check the address"


def test_a_redirect_elsewhere_than_the_web_or_nowhere_is_refused(site):
    with pytest.raises(FetchError) as error:
        get(f"{site}/ftp")
    assert str(error.value) == (f"{site}/ftp: redirected to "
                                "'ftp://example.org/feed.json', which is not an http(s) "
                                "address; refusing to follow it")
    with pytest.raises(FetchError) as error:
        get(f"{site}/bare")
    assert str(error.value) == (f"{site}/bare: the server answered HTTP 302 Found; check the "
                                "address, or try again later")


def test_the_request_names_peerfind_and_asks_for_json(site):
    get(site)
    assert Handler.seen[-1] == ("/", f"peerfind/{__version__}", "application/json")


def test_no_host_and_no_server_are_said_plainly(site):
    with pytest.raises(FetchError) as error:
        get("http:///feed.json")
    assert str(error.value) == "http:///feed.json: not a web address with a host; check it"
    with socket.socket() as spare:  # a port nobody listens on once it is closed
        spare.bind(("127.0.0.1", 0))
        port = spare.getsockname()[1]
    with pytest.raises(FetchError) as error:
        get(f"http://127.0.0.1:{port}/feed.json")
    assert str(error.value) == (f"http://127.0.0.1:{port}/feed.json: cannot connect "
                                "(Connection refused); check the address and your connection")


def test_an_address_past_its_deadline_is_not_asked(site):
    count = len(Handler.seen)
    with pytest.raises(FetchError) as error:
        get(f"{site}/ok", deadline=0)
    assert str(error.value) == (f"{site}/ok: no whole answer within 0 s; try again later, or "
                                "allow longer with --timeout")
    assert len(Handler.seen) == count


def test_an_https_address_is_asked_securely(site):
    plain = site.replace("http://", "https://")  # the local server speaks plain HTTP
    with pytest.raises(FetchError) as error:
        get(f"{plain}/ok")
    assert str(error.value).startswith(f"{plain}/ok: secure connection failed (")
    assert str(error.value).endswith("); check the address")


@pytest.mark.parametrize(("data", "hint", "message"), [
    (b"\xff\xfe[]", None, "feed.json: not UTF-8 text; expected a Meeting Guide feed (a JSON "
     "list of meetings)"),
    ("<html><head><title>Moved</title></head><body>" + "x" * 60, None,
     "feed.json: not JSON (it starts with '<html><head><title>Moved</title></head><'); "
     "expected a Meeting Guide feed (a JSON list of meetings): check the address"),
    ("nope", "; try again", "feed.json: not JSON (it starts with 'nope'); expected a Meeting "
     "Guide feed (a JSON list of meetings); try again"),
])
def test_an_answer_that_is_not_json_is_said_with_its_start(data, hint, message):
    with pytest.raises(FetchError) as error:
        parse_json(data, "feed.json", FEED, *([hint] if hint else []))
    assert str(error.value) == message


def test_a_feed_file_that_is_not_utf_8_is_refused_by_name(run, tmp_path):
    feed = tmp_path / "feed.json"
    feed.write_bytes(b"\xff\xfe[]")
    result = run("import", str(feed), "-o", str(tmp_path / "out.yaml"))
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (f"peerfind: error: {feed}: not UTF-8 text; expected a Meeting "
                             "Guide feed (a JSON list of meetings)\n")
    assert not (tmp_path / "out.yaml").exists()


MIB = 1024 * 1024


@pytest.mark.parametrize("kind", ["size", "stream"])
def test_an_answer_over_the_limit_is_refused(site, kind):
    assert len(get(f"{site}/{kind}/{MIB}", limit=MIB)) == MIB
    with pytest.raises(FetchError) as error:
        get(f"{site}/{kind}/{MIB + 1}", limit=MIB)
    assert str(error.value) == (f"{site}/{kind}/{MIB + 1}: the answer is larger than 1 MiB; "
                                "check the address")
    with pytest.raises(FetchError):
        read(f"{site}/{kind}/{MIB + 1}", limit=MIB)


def test_a_file_is_read_whole_up_to_the_limit(tmp_path):
    path = tmp_path / "feed.json"
    path.write_bytes(b" " * MIB)
    assert len(read(str(path), limit=MIB)) == MIB
    path.write_bytes(b" " * (MIB + 1))
    with pytest.raises(FetchError) as error:
        read(str(path), limit=MIB)
    assert str(error.value) == (f"{path}: larger than 1 MiB; check that this is the right "
                                "file")


def test_a_folder_or_a_pipe_is_not_a_feed(tmp_path):
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    for where, what in ((tmp_path, "is a folder"),
                        (pipe, "is not a regular file (a device, pipe or socket)")):
        with pytest.raises(FetchError) as error:
            read(str(where))
        assert str(error.value) == f"{where}: {what}; give a JSON file or an http(s) URL"
