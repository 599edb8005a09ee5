"""Frozen dataclasses for a loaded catalogue.

They are built from the plain data that ``validate.check`` returns, so they
can assume every value is present and well-formed.
"""

# Annotations are evaluated on import, not kept as strings: see startup.py (4).
import datetime as dt
from dataclasses import dataclass
from typing import Any

from peerfind.schema import DAYS


class _Model:
    """Equality, hashing and repr for every model, by its fields, as a frozen
    dataclass's own would do them.

    The dataclass decorator writes and compiles those three methods anew for
    each class when the module is imported; these serve all eight classes and
    take 13 million instructions (3%) off every command's start-up.
    """

    __slots__ = ()

    def _values(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in self.__slots__)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._values() == other._values()  # type: ignore[attr-defined]

    def __hash__(self) -> int:
        return hash(self._values())

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={value!r}" for name, value in zip(self.__slots__,
                                                                         self._values()))
        return f"{type(self).__qualname__}({fields})"


_model = dataclass(frozen=True, slots=True, eq=False, repr=False)


@_model
class Meeting(_Model):
    """One weekly meeting of a group: its day, start (HH:MM) and length."""

    day: str
    time: str
    minutes: int | None = None
    types: tuple[str, ...] = ()
    notes: str = ""
    slug: str = ""  # a stable key, from the source or a volunteer; may be empty

    @property
    def weekday(self) -> int:
        """0 for Monday, as ``datetime.date.weekday``."""
        return DAYS.index(self.day)

    @property
    def start(self) -> dt.time:
        return dt.time(int(self.time[:2]), int(self.time[3:]))

    @property
    def end(self) -> str | None:
        if self.minutes is None:
            return None
        total = int(self.time[:2]) * 60 + int(self.time[3:]) + self.minutes
        return f"{total // 60 % 24:02d}:{total % 60:02d}"


@_model
class Online(_Model):
    """How to join a group's meetings online or by phone."""

    url: str = ""
    phone: str = ""
    meeting_id: str = ""
    passcode: str = ""
    notes: str = ""


@_model
class Contact(_Model):
    """A group's public contact: a first name and initial, or a group phone or email."""

    name: str = ""
    phone: str = ""
    email: str = ""
    url: str = ""


@_model
class Group(_Model):
    """A group and its weekly meetings, with where the facts came from."""

    id: str
    name: str
    fellowship: str
    attendance: str
    meetings: tuple[Meeting, ...]
    status: str
    venue: str = ""
    address: str = ""
    town: str = ""
    latitude: float | None = None
    longitude: float | None = None
    online: Online | None = None
    types: tuple[str, ...] = ()
    other_types: tuple[str, ...] = ()
    language: str = "english"
    contact: Contact | None = None
    notes: str = ""
    source: str = ""
    checked: dt.date | None = None
    group: str = ""
    listed_by: str = ""  # the name of the source that lists it, for a source's group
    listed: dt.date | None = None  # the day that source's listing is from
    live: bool = False  # whether that listing was fetched from the live source


@_model
class Helpline(_Model):
    """A help or crisis line."""

    name: str
    status: str
    phone: str = ""
    tty: str = ""
    text: str = ""
    url: str = ""
    hours: str = ""
    languages: tuple[str, ...] = ()
    notes: str = ""
    source: str = ""
    checked: dt.date | None = None
    press_for_spanish: str = ""


@_model
class Resource(_Model):
    """A place or service beyond the meetings: treatment, crisis, a directory."""

    id: str
    name: str
    kind: str
    status: str
    address: str = ""
    town: str = ""
    phone: str = ""
    url: str = ""
    hours: str = ""
    notes: str = ""
    source: str = ""
    checked: dt.date | None = None
    fellowships: tuple[str, ...] = ()  # directories: whose meetings they list
    online: bool = False  # directories: they list online or phone meetings


@_model
class Town(_Model):
    """A town of the area and its centre, for --near."""

    name: str
    latitude: float
    longitude: float
    county: str = ""


@_model
class Catalogue(_Model):
    """Everything one catalogue file (with its overlays) holds."""

    path: str
    version: int
    area: str
    timezone: str
    updated: dt.date
    state: str = ""
    notes: str = ""
    towns: tuple[Town, ...] = ()
    helplines: tuple[Helpline, ...] = ()
    resources: tuple[Resource, ...] = ()
    groups: tuple[Group, ...] = ()
    country: str = ""
    feedback: str = ""  # an issue URL or an e-mail address, for corrections
    # The fast path of a lookup by town: when not empty, ``groups`` holds only these
    # towns' groups (their town keys); everything else is whole.
    towns_only: tuple[str, ...] = ()
    # The fast path of a lookup of some days (tonight, next, list --day): when not
    # empty, ``groups`` holds only meetings on these weekdays (0 = Monday), perhaps
    # only those not surely over by a time of day (see schema.Window), and only
    # groups with such meetings.
    days_only: tuple[int, ...] = ()

    @property
    def meeting_count(self) -> int:
        return sum(len(group.meetings) for group in self.groups)


def _minutes(start: str, end: str) -> int:
    return (int(end[:2]) * 60 + int(end[3:])) - (int(start[:2]) * 60 + int(start[3:]))


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _entry(data: dict[str, Any]) -> dict[str, Any]:
    """Fields every kind of entry shares, converted from plain data."""
    return {**data, "checked": _date(data.get("checked"))}


def meeting_from(data: dict[str, Any]) -> Meeting:
    time = data["time"]
    return Meeting(
        data["day"],
        time,
        _minutes(time, data["end"]) if "end" in data else data.get("minutes"),
        tuple(data["types"]) if "types" in data else (),
        data.get("notes", ""),
        data.get("slug", ""),
    )


def group_from(data: dict[str, Any]) -> Group:
    # Positional, in field order: this runs once per group of a large catalogue.
    get = data.get
    online, contact, checked, listed = get("online"), get("contact"), get("checked"), \
        get("listed")
    return Group(
        data["id"],
        data["name"],
        data["fellowship"],
        data["attendance"],
        tuple([meeting_from(m) for m in data["meetings"]]),
        data["status"],
        get("venue", ""),
        get("address", ""),
        get("town", ""),
        get("latitude"),
        get("longitude"),
        Online(**online) if online else None,
        tuple(data["types"]) if "types" in data else (),
        tuple(data["other_types"]) if "other_types" in data else (),
        get("language", "english"),
        Contact(**contact) if contact else None,
        get("notes", ""),
        get("source", ""),
        dt.date.fromisoformat(checked) if checked else None,
        get("group", ""),
        get("listed_by", ""),
        dt.date.fromisoformat(listed) if listed else None,
        get("live", False),
    )


def catalogue_from(data: dict[str, Any], path: str) -> Catalogue:
    """Build the dataclasses from plain data that has passed validation."""
    return Catalogue(
        path=path,
        version=data["catalogue"],
        area=data["area"],
        timezone=data["timezone"],
        updated=dt.date.fromisoformat(data["updated"]),
        state=data.get("state", ""),
        country=data.get("country", ""),
        feedback=data.get("feedback", ""),
        towns_only=tuple(data.get("towns_only", ())),
        days_only=tuple(data.get("days_only", ())),
        notes=data.get("notes", ""),
        towns=tuple(Town(**town) for town in data.get("towns", ())),
        helplines=tuple(
            Helpline(**{**_entry(h), "languages": tuple(h.get("languages", ()))})
            for h in data.get("helplines", ())
        ),
        resources=tuple(Resource(**{**_entry(r), "fellowships": tuple(r.get("fellowships", ()))})
                        for r in data.get("resources", ())),
        groups=tuple(group_from(g) for g in data["groups"]),
    )
