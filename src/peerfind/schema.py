"""The catalogue's fields, types and vocabularies, as data.

The validator walks these tables; the docs (docs/catalogue.md) describe the
same tables. A field's ``kind`` names a converter in ``validate.py``.
"""

# Annotations are evaluated on import, not kept as strings: see startup.py (4).
import functools
from collections.abc import Collection, Mapping
from typing import Any, NamedTuple

FORMAT_VERSION = 1


class Field(NamedTuple):
    kind: str
    required: bool = False
    choices: tuple[str, ...] = ()
    section: str = ""
    item: str = ""
    doc: str = ""


DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
ATTENDANCE = ("in_person", "online", "hybrid")
STATUSES = ("active", "unverified", "temporarily-closed", "closed")
RESOURCE_KINDS = ("crisis", "treatment", "hospital", "community", "directory")
SOURCE_KINDS = ("bmlt", "meeting-guide")

# key: (full name, approach). Matched case-insensitively on the command line.
FELLOWSHIPS: dict[str, tuple[str, str]] = {
    "AA": ("Alcoholics Anonymous", "12-step"),
    "NA": ("Narcotics Anonymous", "12-step"),
    "CA": ("Cocaine Anonymous", "12-step"),
    "CMA": ("Crystal Meth Anonymous", "12-step"),
    "HA": ("Heroin Anonymous", "12-step"),
    "MA": ("Marijuana Anonymous", "12-step"),
    "GA": ("Gamblers Anonymous", "12-step"),
    "OA": ("Overeaters Anonymous", "12-step"),
    "DRA": ("Dual Recovery Anonymous", "12-step"),
    "ACA": ("Adult Children of Alcoholics", "12-step"),
    "CoDA": ("Co-Dependents Anonymous", "12-step"),
    "Al-Anon": ("Al-Anon Family Groups", "family"),
    "Alateen": ("Alateen", "family"),
    "Nar-Anon": ("Nar-Anon Family Groups", "family"),
    "SMART": ("SMART Recovery", "secular"),
    "SMART-Family": ("SMART Recovery Family & Friends", "family"),
    "LifeRing": ("LifeRing Secular Recovery", "secular"),
    "WFS": ("Women for Sobriety", "secular"),
    "Recovery-Dharma": ("Recovery Dharma", "buddhist"),
    "Celebrate-Recovery": ("Celebrate Recovery", "christian"),
    "All-Recovery": ("All Recovery (any path)", "mixed"),
}

# Readable type slug -> Meeting Guide code (code4recovery/spec data/types.json).
# Labels in English and Spanish come from meeting_guide_types.tsv.
TYPES: dict[str, str] = {
    "11th-step-meditation": "11",
    "12-and-12": "12x12",
    "secular": "A",
    "as-bill-sees-it": "ABSI",
    "concurrent-alateen": "AL",
    "concurrent-al-anon": "AL-AN",
    "asl": "ASL",
    "big-book": "B",
    "babysitting": "BA",
    "beginners": "BE",
    "bisexual": "BI",
    "breakfast": "BRK",
    "closed": "C",
    "candlelight": "CAN",
    "child-friendly": "CF",
    "discussion": "D",
    "digital-basket": "DB",
    "dual-diagnosis": "DD",
    "daily-reflections": "DR",
    "fragrance-free": "FF",
    "gay": "G",
    "grapevine": "GR",
    "birthday": "H",
    "lesbian": "L",
    "lgbtq": "LGBTQ",
    "literature": "LIT",
    "living-sober": "LS",
    "men": "M",
    "meditation": "MED",
    "native-american": "N",
    "non-binary": "NB",
    "indigenous": "NDG",
    "open": "O",
    "outdoor": "OUT",
    "professionals": "P",
    "proof-of-attendance": "POA",
    "people-of-color": "POC",
    "seniors": "SEN",
    "smoking": "SM",
    "speaker": "SP",
    "step-study": "ST",
    "transgender": "T",
    "location-closed": "TC",
    "tradition-study": "TR",
    "women": "W",
    "wheelchair": "X",
    "wheelchair-bathroom": "XB",
    "cross-talk": "XT",
    "young-people": "Y",
}

# Language slug -> Meeting Guide code. A group's ``language`` is one of these;
# they are also valid in ``types``.
LANGUAGES: dict[str, str] = {
    "afrikaans": "AF",
    "amharic": "AM",
    "arabic": "AR",
    "bulgarian": "BG",
    "croatian": "HR",
    "danish": "DA",
    "dutch": "NL",
    "english": "EN",
    "finnish": "FI",
    "french": "FR",
    "georgian": "KA",
    "german": "DE",
    "greek": "EL",
    "hebrew": "HE",
    "hindi": "HI",
    "hungarian": "HU",
    "icelandic": "IS",
    "italian": "ITA",
    "japanese": "JA",
    "korean": "KOR",
    "lithuanian": "LT",
    "malayalam": "ML",
    "maltese": "MT",
    "nepali": "NE",
    "norwegian": "NO",
    "persian": "FA",
    "polish": "POL",
    "portuguese": "POR",
    "punjabi": "PUN",
    "russian": "RUS",
    "slovak": "SK",
    "slovenian": "SL",
    "spanish": "S",
    "swedish": "SV",
    "tagalog": "TL",
    "thai": "TH",
    "turkish": "TUR",
    "ukrainian": "UK",
}

ALL_TYPES: dict[str, str] = {**TYPES, **LANGUAGES}

# Words the command line accepts besides the catalogue's own values.
# Start-time buckets for --time; night wraps past midnight.
TIME_BUCKETS: dict[str, tuple[str, str]] = {
    "morning": ("05:00", "12:00"),
    "afternoon": ("12:00", "17:00"),
    "evening": ("17:00", "21:00"),
    "night": ("21:00", "05:00"),
}
DAY_ALIASES: dict[str, str] = {day[:3]: day for day in DAYS} | {
    "tues": "tuesday", "thur": "thursday", "thurs": "thursday"}
# Common ways of writing a value that the catalogue spells one way: the validator
# says which to write instead.
CHOICE_ALIASES: dict[str, dict[str, str]] = {
    "fellowship": {key.casefold(): key for key in FELLOWSHIPS}
    | {name.casefold(): key for key, (name, _) in FELLOWSHIPS.items()},
    "day": dict(DAY_ALIASES),
    "attendance": {"in-person": "in_person", "in person": "in_person", "inperson": "in_person",
                   "virtual": "online", "zoom": "online", "both": "hybrid"},
    "status": {"verified": "active", "confirmed": "active", "unconfirmed": "unverified",
               "temporarily closed": "temporarily-closed"},
}
def fold(text: str) -> str:
    """Case- and accent-insensitive form of text, for matching what people type."""
    folded = text.casefold()
    if folded.isascii():
        return folded
    import unicodedata  # rarely needed: not loaded at start-up

    decomposed = unicodedata.normalize("NFKD", folded)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


DEFAULT_MINUTES = 60  # how long a meeting of unknown length counts as "in progress"
SURE = 120  # minutes: more than any change of the clock
# Weekdays (0 = Monday) whose meetings a lookup needs, each with the minute of the day
# (wall clock, from that day's midnight) by which its meetings that have surely ended
# may be left out (0: none); a plain collection of weekdays means their whole days.
Window = Mapping[int, int] | Collection[int]


def cutoffs(window: Window) -> Mapping[int, int]:
    return window if isinstance(window, Mapping) else dict.fromkeys(window, 0)


def _minute(clock: str) -> int:
    return int(clock[:2]) * 60 + int(clock[3:5])


def may_run_past(time: str, minutes: int | None, minute: int) -> bool:
    """Whether a meeting from ``time`` (HH:MM) for ``minutes`` (None: unknown) may not
    have ended ``minute`` minutes after the midnight that starts its day, by the wall
    clock, allowing for any change of the clock. ``search.upcoming`` skips the others
    at once; a ``Window`` leaves them out."""
    return _minute(time) + (minutes or DEFAULT_MINUTES) + SURE > minute


def may_be_on(meeting: dict[str, Any], minute: int) -> bool:
    """``may_run_past`` for a meeting as checked data (its end given, or its length)."""
    end = meeting.get("end")
    if end:
        return _minute(end) + SURE > minute
    return may_run_past(meeting["time"], meeting.get("minutes"), minute)


def town_key(town: str) -> str:
    """How towns are matched everywhere: ignoring case, accents and spaces around and
    between words. The cache files groups by this key, so the two always agree."""
    return " ".join(fold(town).split())


ATTENDANCE_WORDS = {"in-person": "in_person", "in_person": "in_person", "online": "online",
                    "hybrid": "hybrid"}

TEXT = Field("text")
SOURCE = Field("text", doc="where the facts came from: a web site, a printed list, a phone call")
CHECKED = Field("date", doc="the day someone last confirmed the entry against its source")
# Every help line, resource and group ends with these: what it says and where from.
PROVENANCE: dict[str, Field] = {
    "notes": TEXT,
    "source": SOURCE,
    "checked": CHECKED,
    "status": Field("choice", choices=STATUSES),
}

SECTIONS: dict[str, dict[str, Field]] = {
    "catalogue": {
        "catalogue": Field("int", required=True, doc="format version; always 1"),
        "area": Field("text", required=True, doc="the area the catalogue covers"),
        "timezone": Field("timezone", required=True, doc="IANA zone of every meeting time"),
        "state": Field("text", doc="two-letter state or province code, for exports"),
        "country": Field("text", doc="the country, for exports (e.g. USA)"),
        "feedback": Field("text", doc="where people send corrections: an issue URL such as "
                          "https://github.com/OWNER/REPO/issues/new, or an e-mail address"),
        "updated": Field("date", required=True, doc="the day the catalogue was last edited"),
        "notes": TEXT,
        "towns": Field("list", section="town", doc="town centres, for --near"),
        "helplines": Field("list", section="helpline"),
        "resources": Field("list", section="resource"),
        "sources": Field("list", section="source", doc="live listings that 'peerfind sync' "
                         "reads into sources/ID.json beside this file"),
        "overrides": Field("list", section="override", doc="a volunteer's confirmations and "
                           "corrections of the sources' groups, by id"),
        "groups": Field("list", required=True, section="group"),
    },
    "overlay": {},
    "town": {
        "name": Field("text", required=True),
        "county": TEXT,
        "latitude": Field("latitude", required=True),
        "longitude": Field("longitude", required=True),
    },
    "helpline": {
        "name": Field("text", required=True),
        "phone": Field("phone"),
        "tty": Field("phone", doc="TTY number for deaf and hard-of-hearing callers"),
        "text": Field("text", doc='how to text, e.g. "988" or "HOPENY to 467369"'),
        "url": Field("url"),
        "hours": TEXT,
        "languages": Field("list", item="text"),
        "press_for_spanish": Field("text", doc="the key a caller presses for Spanish, as its "
                                   "source says (e.g. \"2\"); the Spanish handout shows it"),
        **PROVENANCE,
    },
    "resource": {
        "id": Field("slug", required=True),
        "name": Field("text", required=True),
        "kind": Field("choice", required=True, choices=RESOURCE_KINDS),
        "address": TEXT,
        "town": TEXT,
        "phone": Field("phone"),
        "url": Field("url"),
        "hours": TEXT,
        "fellowships": Field("list", item="choice", choices=tuple(FELLOWSHIPS),
                             doc="directory: the fellowships whose meetings it lists"),
        "online": Field("bool", doc="directory: true when it lists online or phone meetings"),
        **PROVENANCE,
    },
    "group": {
        "id": Field("slug", required=True, doc="unique slug: lower-case letters, digits, hyphens"),
        "name": Field("text", required=True),
        "group": Field("text", doc="the group that holds this meeting, when a source names it "
                       "besides the meeting's own name"),
        "fellowship": Field("choice", required=True, choices=tuple(FELLOWSHIPS)),
        "venue": TEXT,
        "address": TEXT,
        "town": TEXT,
        "latitude": Field("latitude"),
        "longitude": Field("longitude"),
        "attendance": Field("choice", required=True, choices=ATTENDANCE),
        "online": Field("section", section="online"),
        "types": Field("list", item="type"),
        "other_types": Field("list", item="text", doc="types from an imported feed that "
                             "peerfind does not know, kept for the record"),
        "language": Field("choice", choices=tuple(LANGUAGES)),
        "meetings": Field("list", required=True, section="meeting"),
        "contact": Field("section", section="contact"),
        **PROVENANCE,
    },
    "meeting": {
        "day": Field("choice", required=True, choices=DAYS),
        "time": Field("time", required=True, doc='start, "HH:MM" 24-hour, in quotes'),
        "end": Field("time", doc='end, "HH:MM"; or give minutes'),
        "minutes": Field("int", doc="length in minutes (1 to 1440)"),
        "types": Field("list", item="type"),
        "notes": TEXT,
        "slug": Field("text", doc="a stable key for this meeting (letters, digits, - _ .; at "
                      "most 64): kept from its source, or written by a volunteer; calendars "
                      "and feeds know the meeting by it, whatever its day or time"),
    },
    "online": {
        "url": Field("url"),
        "phone": Field("phone"),
        "meeting_id": TEXT,
        "passcode": TEXT,
        "notes": TEXT,
    },
    "source": {
        "id": Field("slug", required=True, doc="unique slug; the start of its groups' ids"),
        "name": Field("text", required=True, doc="shown to people: 'listed by NAME'"),
        "kind": Field("choice", required=True, choices=SOURCE_KINDS),
        "url": Field("url", required=True, doc="a BMLT root server (…/main_server/) or a "
                     "Meeting Guide feed"),
        "fellowship": Field("choice", choices=tuple(FELLOWSHIPS), doc="of its meetings; "
                            "default NA for bmlt, AA for meeting-guide"),
        "timezone": Field("timezone", doc="of meetings that name none; default the "
                          "catalogue's"),
        "services": Field("list", item="int", doc="bmlt: service body ids, each taken with "
                          "every body under it"),
        "near": Field("text", doc='bmlt: "LAT,LON", with within'),
        "within": Field("miles", doc="bmlt: miles from near"),
        "towns": Field("list", item="text", doc="meeting-guide: keep only these towns"),
        "regions": Field("list", item="text", doc="meeting-guide: keep only these regions"),
        "notes": TEXT,
    },
    "contact": {
        "name": Field("first_name", doc="a first name and last initial only, e.g. Pat K."),
        "phone": Field("phone"),
        "email": Field("email"),
        "url": Field("url"),
    },
}


@functools.cache
def type_labels() -> dict[str, tuple[str, str, str]]:
    """Type slug -> (Meeting Guide code, English label, Spanish label)."""
    from pathlib import Path

    text = Path(__file__).with_name("meeting_guide_types.tsv").read_text(encoding="utf-8")
    by_code = {}
    for row in text.splitlines()[1:]:
        code, english, spanish = row.split("\t")
        by_code[code] = (english, spanish)
    return {slug: (code, *by_code[code]) for slug, code in ALL_TYPES.items()}

# An overlay (the user's own groups) has the catalogue's fields, only
# `catalogue: 1` required: it adds to or replaces entries of the catalogue in force.
SECTIONS["overlay"] = {
    name: Field(f.kind, required=name == "catalogue", choices=f.choices, section=f.section,
                item=f.item, doc=f.doc)
    for name, f in SECTIONS["catalogue"].items()
}


# An override names a source's group by id and holds only the fields it changes.
SECTIONS["override"] = {
    "id": Field("slug", required=True, doc="the id of a group a source lists"),
    "hide": Field("bool", doc="true: leave the source's group out (say why in notes)"),
    **{name: Field(f.kind, choices=f.choices, section=f.section, item=f.item, doc=f.doc)
       for name, f in SECTIONS["group"].items() if name != "id"},
}
for _key in ("sources", "overrides"):  # an overlay adds groups; sources are the catalogue's
    del SECTIONS["overlay"][_key]


# -- JSON Schema, generated from the same tables the validator walks ----------------

_PATTERNS = {
    "slug": r"^[a-z0-9]+(-[a-z0-9]+)*$",
    "time": r"^([01][0-9]|2[0-3]):[0-5][0-9]$",
    "date": r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
    "url": r"^https?://[^\s]+\.[^\s]+$",
    "first_name": r"^[A-Z][A-Za-z'’-]*( [A-Z]\.?)?$",
}
_DESCRIPTIONS = {
    "time": '24-hour "HH:MM", in quotes',
    "date": "YYYY-MM-DD",
    "phone": '10 digits such as "(845) 555-0100", or a 3-digit line such as "988"',
    "timezone": "an IANA time zone such as America/New_York",
    "first_name": "a first name and last initial only, e.g. Pat K.",
}


def _property(field: Field) -> dict[str, object]:
    if field.kind == "section":
        node: dict[str, object] = {"$ref": f"#/$defs/{field.section}"}
    elif field.kind == "list":
        item = ({"$ref": f"#/$defs/{field.section}"} if field.section
                else _property(Field(field.item, choices=field.choices)))
        node = {"type": "array", "items": item}
    elif field.kind == "choice":
        node = {"enum": list(field.choices)}
    elif field.kind == "type":
        node = {"enum": list(ALL_TYPES)}
    elif field.kind == "int":
        node = {"type": "integer"}
    elif field.kind == "bool":
        node = {"type": "boolean"}
    elif field.kind == "miles":
        node = {"type": "number", "exclusiveMinimum": 0, "maximum": 500}
    elif field.kind in ("latitude", "longitude"):
        limit = 90 if field.kind == "latitude" else 180
        node = {"type": "number", "minimum": -limit, "maximum": limit}
    else:
        node = {"type": "string", "minLength": 1}
        if field.kind in _PATTERNS:
            node["pattern"] = _PATTERNS[field.kind]
        if field.kind == "email":
            node["format"] = "email"
    description = field.doc or _DESCRIPTIONS.get(field.kind, "")
    if description:
        node["description"] = description
    return node


def _object(name: str) -> dict[str, object]:
    fields = SECTIONS[name]
    node: dict[str, object] = {
        "type": "object",
        "additionalProperties": False,
        "properties": {key: _property(field) for key, field in fields.items()},
    }
    required = [key for key, field in fields.items() if field.required]
    if required:
        node["required"] = required
    return node


def json_schema() -> dict[str, object]:
    """A JSON Schema (draft 2020-12) of the catalogue, for editors and other tools.

    It knows the fields, kinds and vocabularies; only ``peerfind validate`` knows
    the rules between fields (unique ids, end after start, and so on).
    """
    definitions = {name: _object(name) for name in SECTIONS if name not in ("catalogue",
                                                                               "overlay")}
    group = definitions["group"]
    group["allOf"] = [{
        "if": {"properties": {"attendance": {"enum": ["online", "hybrid"]}},
               "required": ["attendance"]},
        "then": {"required": ["online"]},
    }]
    definitions["meeting"]["not"] = {"required": ["end", "minutes"]}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://peerfind.invalid/catalogue.schema.json",
        "title": "peerfind catalogue",
        "description": f"peerfind catalogue format {FORMAT_VERSION} (docs/catalogue.md)",
        **_object("catalogue"),
        "$defs": definitions,
    }
