"""Reading a source's answer: a file, or an http(s) URL under one deadline.

Every failure is a ``FetchError`` naming the source and what to do: no
network, an HTTP error, a redirect to anything but http(s), a body over the
size cap, a server that trickles bytes past the deadline (one deadline for
the whole download, not per read), a broken status line or chunked body, text
that is not JSON, JSON nested too deeply or holding a number too long to read.
"""

from __future__ import annotations

import http.client
import json
import re
import socket
import ssl
import time
from pathlib import Path
from collections.abc import Iterator
from typing import Any
from urllib.parse import urljoin, urlsplit

from peerfind import __version__
from peerfind.problems import PeerfindError

MAX_BYTES = 256 * 1024 * 1024  # a Meeting Guide feed of 100,000 meetings is about 70 MiB
DEADLINE = 60.0
MAX_REDIRECTS = 5
MAX_DEPTH = 64
_CHUNK = 256 * 1024
# Terminal escape sequences, then any other control character but tab and newline.
ESCAPES = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b.?")
CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


class FetchError(PeerfindError):
    """A source that could not be read or understood."""


def printable(text: str, limit: int = 80) -> str:
    """Text from outside, safe for one line of a terminal: escapes and controls removed."""
    cleaned = CONTROLS.sub("", ESCAPES.sub("", text.replace("\r\n", " ").replace("\n", " ")))
    return cleaned if len(cleaned) <= limit else cleaned[: limit - 3] + "..."


def is_web(location: str) -> bool:
    return bool(re.match(r"https?://", location, re.IGNORECASE))


def read(location: str, *, deadline: float = DEADLINE, limit: int = MAX_BYTES) -> bytes:
    """The bytes of a file, or of an http(s) URL's answer."""
    if is_web(location):
        return get(location, deadline=deadline, limit=limit)
    path = Path(location)
    shown = printable(location)
    if path.is_dir():
        raise FetchError(f"{shown}: is a folder; give a JSON file or an http(s) URL")
    if path.exists() and not path.is_file():
        raise FetchError(f"{shown}: is not a regular file (a device, pipe or socket); give a "
                         "JSON file or an http(s) URL")
    try:
        with path.open("rb") as stream:
            data = stream.read(limit + 1)
    except FileNotFoundError:
        raise FetchError(f"{shown}: no such file; check the path") from None
    except OSError as error:
        raise FetchError(f"{shown}: cannot be read ({error.strerror or error})") from None
    if len(data) > limit:
        raise FetchError(f"{shown}: larger than {_mib(limit)}; check that this is the right "
                         "file")
    return data


def _mib(size: int) -> str:
    return f"{size // 1024 // 1024} MiB"


def get(url: str, *, deadline: float = DEADLINE, limit: int = MAX_BYTES) -> bytes:
    """GET ``url``, following up to five redirects to http(s) only, all within ``deadline``
    seconds, and refusing an answer over ``limit`` bytes."""
    shown = printable(url)
    stop = time.monotonic() + deadline
    for _ in range(MAX_REDIRECTS + 1):
        try:
            status, reason, location, body = _once(url, stop, limit, shown)
        except TimeoutError:
            raise FetchError(f"{shown}: no whole answer within {deadline:g} s; try again later, "
                             "or allow longer with --timeout") from None
        except http.client.IncompleteRead:
            raise FetchError(f"{shown}: the answer was cut off before its end; try again "
                             "later") from None
        except (http.client.HTTPException, ValueError) as error:
            raise FetchError(f"{shown}: the server's answer is broken "
                             f"({type(error).__name__}); try again later") from None
        except ssl.SSLError as error:
            raise FetchError(f"{shown}: secure connection failed ({printable(str(error))}); "
                             "check the address") from None
        except OSError as error:
            why = printable(str(error.strerror or error))
            raise FetchError(f"{shown}: cannot connect ({why}); check the address and your "
                             "connection") from None
        if status in (301, 302, 303, 307, 308) and location is not None:
            target = urljoin(url, location)
            if not is_web(target):
                raise FetchError(f"{shown}: redirected to {printable(target)!r}, which is not "
                                 "an http(s) address; refusing to follow it")
            url = target
            continue
        if status != 200:
            raise FetchError(f"{shown}: the server answered HTTP {status} {printable(reason)}; "
                             "check the address, or try again later")
        return body
    raise FetchError(f"{shown}: more than {MAX_REDIRECTS} redirects; check the address")


def _once(url: str, stop: float, limit: int, shown: str
          ) -> tuple[int, str, str | None, bytes]:
    parts = urlsplit(url)
    if not parts.hostname:
        raise FetchError(f"{shown}: not a web address with a host; check it")
    remaining = stop - time.monotonic()
    if remaining <= 0:
        raise TimeoutError
    kind = http.client.HTTPSConnection if parts.scheme.lower() == "https" else \
        http.client.HTTPConnection
    connection = kind(parts.hostname, parts.port, timeout=remaining)
    target = parts.path or "/"
    if parts.query:
        target += "?" + parts.query
    try:
        connection.request("GET", target, headers={
            "User-Agent": f"peerfind/{__version__}", "Accept": "application/json",
            "Accept-Encoding": "identity"})
        _tighten(connection, stop)
        answer = connection.getresponse()
        location = answer.getheader("Location")
        if answer.status != 200:
            return answer.status, answer.reason, location, b""
        length = answer.getheader("Content-Length")
        if length and length.strip().isascii() and length.strip().isdigit() and int(length) > limit:
            raise FetchError(f"{shown}: the answer is larger than {_mib(limit)}; check the "
                             "address")
        chunks, size = [], 0
        while True:
            _tighten(connection, stop)
            chunk = answer.read1(_CHUNK) if hasattr(answer, "read1") else answer.read(_CHUNK)
            if not chunk:
                break
            size += len(chunk)
            if size > limit:
                raise FetchError(f"{shown}: the answer is larger than {_mib(limit)}; check "
                                 "the address")
            chunks.append(chunk)
        if length and length.strip().isascii() and length.strip().isdigit() and size != int(length):
            raise http.client.IncompleteRead(b"", int(length) - size)
        return answer.status, answer.reason, location, b"".join(chunks)
    finally:
        connection.close()


def _tighten(connection: http.client.HTTPConnection, stop: float) -> None:
    """Let the next socket read wait only as long as the whole download has left."""
    remaining = stop - time.monotonic()
    if remaining <= 0:
        raise TimeoutError
    sock: socket.socket | None = connection.sock
    if sock is not None:
        sock.settimeout(remaining)


def decode(data: bytes, shown: str, expected: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FetchError(f"{shown}: not UTF-8 text; expected {expected}") from None


def parse_json(data: bytes | str, shown: str, expected: str,
               hint: str = ": check the address") -> Any:
    """JSON from a source, or a FetchError saying what came instead (``shown``: the
    message). (Give a large answer as text from ``decode``, its bytes dropped: then it is
    not held twice.)"""
    reader = Reader(data if isinstance(data, str) else decode(data, shown, expected), shown,
                    expected, hint)
    value = reader.value()
    reader.end()
    return value


FEED = "a Meeting Guide feed (a JSON list of meetings)"


def feed_reader(location: str, shown: str, deadline: float = DEADLINE) -> Reader:
    """A Meeting Guide feed's text, ready to be read a record at a time (its bytes are
    let go once decoded: 70 MiB for 100,000 meetings, not held twice)."""
    return Reader(decode(read(location, deadline=deadline), shown, FEED), shown, FEED)


def feed_records(reader: Reader) -> Iterator[Any]:
    """The records of a Meeting Guide feed, one at a time, then a check that nothing
    follows the list; a FetchError at once when the feed is not a JSON list."""
    if not reader.at("["):
        found = reader.value()
        reader.end()
        raise FetchError(f"{reader.shown}: expected a JSON list of meetings, found "
                         f"{type(found).__name__}")
    return _then_end(reader)


def _then_end(reader: Reader) -> Iterator[Any]:
    yield from reader.items()
    reader.end()


_SPACE = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()


class Reader:
    """JSON text read a value at a time, with parse_json's errors: the items of a long
    list one by one (``items``), so that a feed of 100,000 meetings is never held as
    100,000 objects at once, and an object's keys in the order written (``keys``)."""

    def __init__(self, text: str, shown: str, expected: str,
                 hint: str = ": check the address") -> None:
        self.text, self.shown, self.expected, self.hint = text, shown, expected, hint
        self.pos = 0

    def _failed(self) -> FetchError:
        start = printable(self.text[:40].strip(), 40)
        return FetchError(f"{self.shown}: not JSON (it starts with {start!r}); expected "
                          f"{self.expected}{self.hint}")

    def _skip(self) -> int:
        """Past any white space; the position reached."""
        self.pos = _SPACE.match(self.text, self.pos).end()  # type: ignore[union-attr]
        return self.pos

    def at(self, char: str) -> bool:
        """Whether the next thing, after white space, is ``char`` (then it is passed)."""
        self._skip()
        if self.text.startswith(char, self.pos):
            self.pos += 1
            return True
        return False

    def value(self, depth: int = 0) -> Any:
        """The next whole value, nested at ``depth``."""
        self._skip()
        try:
            value, self.pos = _DECODER.raw_decode(self.text, self.pos)
        except RecursionError:
            raise FetchError(f"{self.shown}: JSON nested too deeply to be "
                             f"{self.expected}") from None
        except ValueError as error:  # JSONDecodeError, or an integer too long to convert
            if isinstance(error, json.JSONDecodeError):
                raise self._failed() from None
            raise FetchError(f"{self.shown}: JSON holding a number too long to read; "
                             f"expected {self.expected}") from None
        if depth + _depth(value) > MAX_DEPTH:
            raise FetchError(f"{self.shown}: JSON nested more than {MAX_DEPTH} levels deep; "
                             f"expected {self.expected}")
        return value

    def items(self, depth: int = 1) -> Iterator[Any]:
        """The items of the list that comes next (its ``[`` already passed), one by one."""
        if self.at("]"):
            return
        while True:
            yield self.value(depth)
            if self.at("]"):
                return
            if not self.at(","):
                raise self._failed()

    def keys(self) -> Iterator[str]:
        """The keys of the object that comes next (its ``{`` already passed), each with
        its ``:`` passed: read its value before asking for the next key."""
        if self.at("}"):
            return
        while True:
            key = self.value()
            if not isinstance(key, str) or not self.at(":"):
                raise self._failed()
            yield key
            if self.at("}"):
                return
            if not self.at(","):
                raise self._failed()

    def end(self) -> None:
        """Nothing but white space may follow."""
        if self._skip() != len(self.text):
            raise self._failed()


def _depth(value: Any) -> int:
    """How deeply lists and objects nest, counted without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict):
            item = list(item.values())
        if isinstance(item, list):
            deepest = max(deepest, level)
            stack.extend((child, level + 1) for child in item if isinstance(child, (dict, list)))
    return deepest
