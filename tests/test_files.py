"""Output files: whole or not at all, with the umask's mode, through links, never over
a device or the catalogue in use, and no temporary files left behind."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from peerfind import files
from peerfind.problems import PeerfindError
from tests.conftest import ROOT

CATALOGUE = "tests/fixtures/catalogue.yaml"


@pytest.fixture(autouse=True)
def here(monkeypatch):
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("PEERFIND_CATALOGUE", CATALOGUE)


@pytest.mark.parametrize(("umask", "mode"), [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_a_new_file_gets_the_mode_the_umask_gives(umask, mode, run, tmp_path):
    old = os.umask(umask)
    try:
        assert run("export", "--format", "csv", "-o", str(tmp_path / "m.csv")).exit_code == 0
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "m.csv").stat().st_mode) == mode


def test_an_existing_file_keeps_its_mode(run, tmp_path):
    out = tmp_path / "m.ics"
    out.write_text("old")
    out.chmod(0o640)
    assert run("export", "--format", "ics", "-o", str(out)).exit_code == 0
    assert stat.S_IMODE(out.stat().st_mode) == 0o640
    assert out.read_text().startswith("BEGIN:VCALENDAR")


def test_a_symlink_is_written_through(run, tmp_path):
    target = tmp_path / "real.csv"
    target.write_text("old")
    link = tmp_path / "link.csv"
    link.symlink_to(target)
    assert run("export", "--format", "csv", "-o", str(link)).exit_code == 0
    assert link.is_symlink()
    assert target.read_text(encoding="utf-8-sig").startswith("id,")


@pytest.mark.skipif(os.geteuid() != 0, reason="making a device node needs root")
def test_a_device_is_written_to_and_never_replaced(run, tmp_path):
    device = tmp_path / "null"  # a node of our own, like /dev/null: never the real one
    os.mknod(device, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    result = run("export", "--format", "json", "-o", str(device))
    assert (result.exit_code, result.stdout) == (0, f"{device}\n")
    assert stat.S_ISCHR(device.stat().st_mode)


def test_a_fifo_is_written_to_directly(run, tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    assert run("export", "--format", "json", "-o", str(fifo)).exit_code == 0
    reader.join(10)
    assert received and received[0].startswith(b"[")
    assert stat.S_ISFIFO(fifo.stat().st_mode)


@pytest.mark.parametrize("command", [["export", "--format", "csv"], ["handout"],
                                     ["import", "tests/fixtures/feed-quirks.json"]])
def test_the_catalogue_in_use_is_never_written_over(command, run, tmp_path):
    copy = tmp_path / "groups.yaml"
    copy.write_bytes((ROOT / CATALOGUE).read_bytes())
    before = copy.read_bytes()
    result = run(*command, "-o", str(copy), *(["-c", str(copy)] if command[0] != "import"
                                              else []),
                 env={"PEERFIND_CATALOGUE": str(copy)})
    assert result.exit_code == 1
    assert result.stderr.endswith(f"cannot write {copy}: it is the catalogue file in use "
                                  f"({copy}); choose another output file\n")
    assert copy.read_bytes() == before


def test_an_interrupted_write_leaves_nothing_behind(tmp_path, monkeypatch):
    def interrupted(*args):
        raise KeyboardInterrupt

    folder = tmp_path / "out"
    folder.mkdir()
    monkeypatch.setattr(os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        files.write_atomic(folder / "out.csv", b"x" * 1_000_000)
    assert list(folder.iterdir()) == []


def test_a_folder_that_does_not_exist_is_one_line(tmp_path):
    with pytest.raises(PeerfindError, match="the folder .* does not exist"):
        files.write_atomic(tmp_path / "no" / "out.csv", b"x")


@pytest.mark.installed
def test_an_input_that_is_a_fifo_is_refused(tmp_path):
    fifo = tmp_path / "feed.json"
    os.mkfifo(fifo)
    result = subprocess.run([sys.executable, "-m", "peerfind", "import", str(fifo)], cwd=ROOT,
                            capture_output=True, text=True, timeout=30)  # never waits forever
    assert (result.returncode, result.stderr) == (1, (
        f"peerfind: error: {fifo}: is not a regular file (a device, pipe or socket); give a "
        "JSON file or an http(s) URL\n"))


@pytest.mark.installed
@pytest.mark.skipif(not (Path("/usr/bin/chromium").exists() or Path("/usr/bin/chromium-browser")
                         .exists()), reason="needs Chromium")
def test_sigterm_during_a_pdf_leaves_no_temporary_files(tmp_path):
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    env = {**os.environ, "TMPDIR": str(temporary), "PEERFIND_CATALOGUE": CATALOGUE}
    process = subprocess.Popen([sys.executable, "-m", "peerfind", "handout", "--format", "pdf",
                                "-o", str(tmp_path / "h.pdf")], cwd=ROOT, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 20
    while not any(temporary.iterdir()) and time.monotonic() < deadline:
        time.sleep(0.02)
    process.send_signal(signal.SIGTERM)
    assert process.wait(30) == 128 + signal.SIGTERM
    assert list(temporary.iterdir()) == []
    assert not (tmp_path / "h.pdf").exists()
