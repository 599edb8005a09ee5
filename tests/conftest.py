"""Shared fixtures: every test runs in an isolated home with fixed terminal settings."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from typer.testing import CliRunner

from peerfind.cli import app

ROOT = Path(__file__).resolve().parents[1]
CATALOGUES = ROOT / "tests" / "catalogues"
FIXTURES = ROOT / "tests" / "fixtures"


@contextlib.contextmanager
def serving(handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    """A local server (127.0.0.1, a free port) answering with ``handler``, and its
    address; stopped afterwards."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test reads the user's settings or writes outside its temp dir."""
    home = tmp_path / "home"
    home.mkdir()
    for var in ("HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME"):
        monkeypatch.setenv(var, str(home) if var == "HOME" else str(home / var.lower()))
    monkeypatch.delenv("PEERFIND_CATALOGUE", raising=False)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "100")
    # Listings print as on a terminal (a table) unless a test says otherwise: plain,
    # piped output has tests of its own (tests/test_plain.py).
    monkeypatch.setattr("peerfind.output.terminal", lambda: True)
    monkeypatch.delenv("TTY_COMPATIBLE", raising=False)
    for var in ("PEERFIND_PAGER", "PAGER", "LESS"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("TZ", "UTC")
    # Validation warns about checked dates over a year old: the tests' "today" is fixed,
    # so their expected output does not change with the calendar.
    monkeypatch.setenv("PEERFIND_TODAY", "2026-11-27")


@pytest.fixture
def run():
    """Invoke peerfind in-process; a traceback fails the test instead of being hidden."""
    runner = CliRunner()

    def invoke(*args: str, **kwargs):
        return runner.invoke(app, list(args), catch_exceptions=False, **kwargs)

    return invoke


EXPECTED = ROOT / "tests" / "expected"


@pytest.fixture
def expected():
    """Exact expected output kept in tests/expected/NAME.

    PEERFIND_UPDATE_EXPECTED=1 rewrites the files instead: review the diff before
    committing it.
    """
    import os

    def check(name: str, actual: str) -> None:
        path = EXPECTED / name
        if os.environ.get("PEERFIND_UPDATE_EXPECTED") == "1":
            path.write_text(actual, encoding="utf-8")
        assert actual == path.read_text(encoding="utf-8")

    return check
