"""The wheel carries the bundled catalogue, and an installed peerfind finds it."""

from __future__ import annotations

import pytest

import os
import subprocess
import sys
import zipfile

from tests.conftest import ROOT

pytestmark = pytest.mark.installed  # the installed peerfind, not mutmut's copy


def test_wheel_ships_the_catalogue_and_finds_it_from_anywhere(tmp_path):
    from hatchling.builders.wheel import WheelBuilder

    wheel = next(WheelBuilder(str(ROOT)).build(directory=str(tmp_path / "dist"),
                                               versions=["standard"]))
    with zipfile.ZipFile(wheel) as archive:
        assert archive.read("peerfind/data/groups.yaml") == (ROOT / "data/groups.yaml").read_bytes()
        archive.extractall(tmp_path / "site")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if k != "PEERFIND_CATALOGUE"}
    env["PYTHONPATH"] = str(tmp_path / "site")
    result = subprocess.run(
        [sys.executable, "-m", "peerfind", "validate"],
        cwd=elsewhere, capture_output=True, text=True, env=env,
    )
    installed = tmp_path / "site" / "peerfind" / "data" / "groups.yaml"
    assert result.stdout == (
        f"{installed}: 2 groups, 5 meetings, 5 help lines, 21 resources - valid\n"
    )
    assert result.returncode == 0
    # The package's own data files (strings, type labels, the handout template) came too.
    for command in (["tonight", "--at", "2026-11-29T18:00"], ["handout", "--format", "html",
                                                              "--include-leads", "-o", "h.html"]):
        ran = subprocess.run([sys.executable, "-m", "peerfind", *command], cwd=elsewhere,
                             capture_output=True, text=True, env=env)
        assert ran.returncode == 0, ran.stderr
    page = (elsewhere / "h.html").read_text(encoding="utf-8")
    assert "St. Luke" in page
    assert "What A Way To Start Your Day Group" in page  # the NA source's snapshot came too
