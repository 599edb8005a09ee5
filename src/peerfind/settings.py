"""The user's settings file and folders (platformdirs).

The config file is TOML; every key is optional:

    home_town = "Beacon"          # listings show miles from here (like --near)
    fellowships = ["AA", "SMART"] # used when no --fellowship is given
    clock = "24h"                 # "12h" (default) or "24h"
    catalogue = "~/groups.yaml"   # used when neither --catalogue nor $PEERFIND_CATALOGUE
    timezone = "America/New_York" # for 'peerfind import' when a feed names none

An overlay catalogue in the data folder (overlay.yaml) adds or replaces groups,
resources and help lines of whatever catalogue is in force.
"""

# Annotations are evaluated on import, not kept as strings: see startup.py (4).
from pathlib import Path
from typing import Any, NamedTuple

from peerfind.problems import PeerfindError

APP = "peerfind"
CONFIG_FILE = "config.toml"
OVERLAY_FILE = "overlay.yaml"
CLOCKS = ("12h", "24h")

TEMPLATE = """\
# peerfind settings. Every key is optional; remove the # to use one.
# home_town = "Poughkeepsie"      # listings show miles from here (like --near)
# fellowships = ["AA", "SMART"]   # used when no --fellowship is given
# clock = "12h"                   # or "24h"
# catalogue = "~/groups.yaml"     # when neither --catalogue nor $PEERFIND_CATALOGUE is set
# timezone = "America/New_York"   # for 'peerfind import' when a feed names no zone
"""


class SettingsError(PeerfindError):
    """A config file that cannot be used."""


class Folders(NamedTuple):
    config: Path
    data: Path
    cache: Path

    @property
    def config_file(self) -> Path:
        return self.config / CONFIG_FILE

    @property
    def overlay(self) -> Path:
        return self.data / OVERLAY_FILE


class Settings(NamedTuple):
    home_town: str | None = None
    fellowships: tuple[str, ...] = ()
    clock: str = "12h"
    catalogue: str | None = None
    timezone: str | None = None

    @property
    def clock24(self) -> bool:
        return self.clock == "24h"


# On Linux, platformdirs follows the XDG base-directory rules below; importing it also
# imports tempfile, shutil, bz2 and lzma, about 5% of a lookup's start-up. So with an
# absolute $HOME (the usual case) the same rules are applied here, and
# tests/test_settings.py checks that they agree with platformdirs; elsewhere
# platformdirs decides.
_XDG = (("XDG_CONFIG_HOME", ".config"), ("XDG_DATA_HOME", ".local/share"),
        ("XDG_CACHE_HOME", ".cache"))


def folders() -> Folders:
    import os
    import sys

    home = os.environ.get("HOME", "")
    if sys.platform == "linux" and os.path.isabs(home):
        found = []
        for variable, default in _XDG:
            base = os.environ.get(variable, "")
            found.append(Path(base if os.path.isabs(base) else os.path.join(home, default), APP))
        return Folders(*found)
    import platformdirs

    return Folders(Path(platformdirs.user_config_dir(APP)), Path(platformdirs.user_data_dir(APP)),
                   Path(platformdirs.user_cache_dir(APP)))


def _check(path: Path, values: dict[str, Any]) -> Settings:
    from peerfind.vocabulary import suggest

    known = Settings._fields
    for key in values:
        if key not in known:
            raise SettingsError(f"{path}: unknown setting '{key}'{suggest(key, known)}; the "
                                f"settings are {', '.join(known)}")
    for key in ("home_town", "catalogue", "timezone"):
        if key in values and not isinstance(values[key], str):
            raise SettingsError(f"{path}: {key} must be text in quotes, e.g. {key} = \"...\"")
    fellowships = values.get("fellowships", [])
    if not isinstance(fellowships, list) or not all(isinstance(f, str) for f in fellowships):
        raise SettingsError(f"{path}: fellowships must be a list of names, e.g. "
                            "fellowships = [\"AA\", \"NA\"]")
    clock = values.get("clock", "12h")
    if clock not in CLOCKS:
        raise SettingsError(f"{path}: clock = {clock!r} is not one of \"12h\" or \"24h\"")
    catalogue = values.get("catalogue")
    return Settings(
        home_town=values.get("home_town"),
        fellowships=tuple(fellowships),
        clock=clock,
        catalogue=catalogue or None,
        timezone=values.get("timezone"),
    )


def load(where: Folders | None = None) -> Settings:
    """The settings in force: the config file's, or the defaults when there is none."""
    path = (where or folders()).config_file
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Settings()
    except (OSError, UnicodeDecodeError) as error:
        raise SettingsError(f"{path}: cannot be read ({error}); fix or remove it") from None
    import tomllib

    try:
        values = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        import re

        found = re.search(r"\s*\(at line (\d+), column (\d+)\)$", str(error))
        where = f"{path}:{found[1]}:{found[2]}" if found else str(path)
        what = str(error)[:found.start()] if found else str(error)
        raise SettingsError(f"{where}: not valid TOML: {what}; fix the line (text goes in "
                            "quotes: clock = \"24h\") or remove the file") from None
    return _check(path, values)
