"""Check a composed catalogue against the schema and report every problem.

``check`` walks the node tree once. It returns the catalogue as plain data
(JSON-compatible: dates and times stay ISO strings) together with every
problem found, each with the line and column it points at.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from peerfind import schema
from peerfind.problems import Problem
from peerfind.schema import Field
from peerfind.vocabulary import suggest
from peerfind.yamlio import BOOL, FLOAT, INT, NULL, STR, TIMESTAMP, Mapping, Node, Scalar, Sequence

SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
TIME = re.compile(r"([01]\d|2[0-3]):([0-5]\d)")
DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")
PHONE = re.compile(r"\+?[\d(][\d ().-]*\d")
FIRST_NAME = re.compile(r"[A-Z][A-Za-z'’-]*(?: [A-Z]\.?)?")
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")

STALE_DAYS = 365
MEETING_SLUG = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")
MAX_MINUTES = 1440
MAX_MILES = 500
NEAR = re.compile(r"\s*(-?\d{1,2}(?:\.\d+)?)\s*,\s*(-?\d{1,3}(?:\.\d+)?)\s*")

Data = dict[str, Any]


def describe(node: Node) -> str:
    """How a value reads to someone who wrote it, for 'found ...'."""
    if isinstance(node, Mapping):
        return "a mapping (key: value lines)"
    if isinstance(node, Sequence):
        return "a list"
    if node.tag == NULL:
        return "an empty value"
    if node.tag == BOOL:
        return f"the boolean {node.value}"
    if node.tag in (INT, FLOAT):
        return f"the number {node.value}"
    if node.tag == TIMESTAMP:
        return f"the date {node.value}"
    return repr(node.value)


def _yaml_value(node: Scalar) -> Any:
    """What PyYAML itself would load this scalar as (for explaining traps)."""
    from yaml.constructor import SafeConstructor
    from yaml.nodes import ScalarNode

    try:
        return SafeConstructor().construct_object(ScalarNode(node.tag, node.value))
    except Exception:  # noqa: BLE001 - only used to word a message
        return node.value


def trap(node: Scalar, expected: str) -> str:
    """Explain a YAML 1.1 surprise: an unquoted value that is not text."""
    quoted = f'write it in quotes: "{node.value}"'
    if node.tag == INT and ":" in node.value:
        return (f"unquoted {node.value} is read by YAML 1.1 as the number "
                f"{_yaml_value(node)} (base 60), not as {expected}; {quoted}")
    if node.tag == INT and re.fullmatch(r"[-+]?0[0-7_]+", node.value):
        return (f"unquoted {node.value} is read by YAML 1.1 as the octal number "
                f"{_yaml_value(node)}, not as {expected}; {quoted}")
    if node.tag == BOOL:
        return (f"unquoted {node.value} is read by YAML 1.1 as the boolean "
                f"{str(_yaml_value(node)).lower()}, not as {expected}; {quoted}")
    if node.tag == TIMESTAMP:
        return f"unquoted {node.value} is read by YAML as a date, not as {expected}; {quoted}"
    return f"unquoted {node.value} is read by YAML as a number, not as {expected}; {quoted}"


def suggest_time(value: str) -> str:
    """A best guess at the HH:MM someone meant, or ''."""
    from peerfind.vocabulary import clock

    return clock(value) or ""


def is_url(value: str) -> bool:
    try:
        parts = urlsplit(value)
    except ValueError:  # e.g. an unclosed IPv6 bracket: "https://[example.org"
        return False
    return parts.scheme in ("http", "https") and "." in parts.netloc and not re.search(r"\s", value)


def is_phone(value: str) -> bool:
    digits = re.sub(r"\D", "", value)
    return bool(PHONE.fullmatch(value)) and (
        len(digits) in (3, 10) or (len(digits) == 11 and digits[0] == "1"))


def is_first_name(value: str) -> bool:
    return bool(FIRST_NAME.fullmatch(value))


def slugify(value: str) -> str:
    return "-".join(re.findall(r"[a-z0-9]+", value.lower()))


class Checker:
    """One walk over a catalogue's nodes, collecting problems as it goes."""

    def __init__(self, today: dt.date) -> None:
        self.today = today
        self.problems: list[Problem] = []
        self.ids: dict[str, int] = {}
        self.source_ids: dict[str, int] = {}
        self.override_ids: dict[str, int] = {}
        self.spellings: dict[str, tuple[str, int]] = {}  # town_key -> first spelling, line
        self.slots: dict[tuple[str, str, str], tuple[str, int]] = {}  # place, day, time -> id
        self.placeless: list[tuple[Node, list[str], str]] = []  # towns needing the table

    # -- reporting -------------------------------------------------------
    def error(self, node: Node, where: list[str], message: str) -> None:
        self.problems.append(Problem(node.line, node.col, message, " > ".join(where)))

    def warn(self, node: Node, where: list[str], message: str) -> None:
        self.problems.append(
            Problem(node.line, node.col, message, " > ".join(where), severity="warning")
        )

    # -- the document ----------------------------------------------------
    def catalogue(self, root: Node | None, section: str = "catalogue") -> Data | None:
        if root is None:
            self.problems.append(Problem(1, 1, "the file is empty; a catalogue starts with "
                                         "'catalogue: 1' (see docs/catalogue.md)"))
            return None
        if not isinstance(root, Mapping):
            fields = ", ".join(k for k, f in schema.SECTIONS[section].items() if f.required)
            self.error(root, [], f"the top level is {describe(root)}; expected a mapping with "
                       f"the keys {fields} (see docs/catalogue.md)")
            return None
        return self.section(root, section, [])

    def section(self, node: Node, name: str, where: list[str]) -> Data | None:
        spec = schema.SECTIONS[name]
        if not isinstance(node, Mapping):
            self.error(node, where, f"expected a mapping with the keys {', '.join(spec)}, "
                       f"found {describe(node)}")
            return None
        out: Data = {}
        given: dict[str, Node] = {}
        for key, value in node.items:
            field = spec.get(key.value)
            if field is None:
                self.error(key, where, f"unknown key '{key.value}'"
                           f"{suggest(key.value, tuple(spec))}; the keys here are "
                           f"{', '.join(spec)}")
                continue
            given[key.value] = value
            converted = self.convert(value, field, [*where, key.value])
            if converted is not None:
                out[key.value] = converted
        for key, field in spec.items():
            if field.required and key not in given:
                hint = f" ({field.doc})" if field.doc else ""
                self.error(node, where, f"missing required key '{key}'{hint}")
        after = AFTER.get(name)
        if after is not None:
            after(self, out, given, node, where)
        return out

    # -- values ----------------------------------------------------------
    def convert(self, node: Node, field: Field, where: list[str]) -> Any:
        if field.kind == "section":
            return self.section(node, field.section, where)
        if field.kind == "list":
            return self.sequence(node, field, where)
        return CONVERTERS[field.kind](self, node, field, where)

    def sequence(self, node: Node, field: Field, where: list[str]) -> list[Any] | None:
        if not isinstance(node, Sequence):
            self.error(node, where, f"expected a list (lines starting with '- '), "
                       f"found {describe(node)}")
            return None
        out = []
        *parent, key = where
        for i, item in enumerate(node.items):
            label = f"{key}[{i}]"
            if isinstance(item, Mapping):  # by its id; help lines and towns have none: by name
                ident = item.get("name" if field.section in ("helpline", "town") else "id")
                if isinstance(ident, Scalar) and ident.value:
                    label += f" {ident.value}"
            here = [*parent, label]
            if field.section:
                value = self.section(item, field.section, here)
            else:
                value = CONVERTERS[field.item](self, item, field, here)
            if value is not None:
                out.append(value)
        return out

    def text(self, node: Node, where: list[str], expected: str = "text") -> str | None:
        if not isinstance(node, Scalar):
            self.error(node, where, f"expected {expected}, found {describe(node)}")
            return None
        if node.tag == STR:
            control = CONTROL.search(node.value)
            if control:
                self.error(node, where, f"contains the control character "
                           f"U+{ord(control.group()):04X} (written as an escape); remove it")
                return None
            if not node.value.strip():
                self.error(node, where, f"is blank; expected {expected}: fill it in or "
                           "remove the key")
                return None
            return node.value.strip()
        if node.tag == NULL:
            self.error(node, where, f"is empty; expected {expected}: fill it in or remove "
                       "the key")
            return None
        self.error(node, where, trap(node, expected))
        return None

    def convert_text(self, node: Node, field: Field, where: list[str]) -> str | None:
        return self.text(node, where)

    def convert_choice(self, node: Node, field: Field, where: list[str]) -> str | None:
        # an item of a list such as "fellowships[0]" is named like one "fellowship"
        name = where[-1].split("[")[0][:-1] if "[" in where[-1] else where[-1]
        value = self.text(node, where, f"a {name} name")
        if value is None or value in field.choices:
            return value
        meant = schema.CHOICE_ALIASES.get(name, {}).get(value.casefold())
        if meant is None and value.casefold() in field.choices:
            meant = value.casefold()
        if meant is not None:
            self.error(node, where, f"'{value}' is not a valid {name}; write '{meant}'")
            return None
        self.error(node, where, f"'{value}' is not a valid {name}; expected one "
                   f"of {', '.join(field.choices)}{suggest(value, field.choices)}")
        return None

    def convert_type(self, node: Node, field: Field, where: list[str]) -> str | None:
        value = self.text(node, where, "a meeting type such as open or discussion")
        if value is None or value in schema.ALL_TYPES:
            return value
        by_code = {code.lower(): slug for slug, code in schema.ALL_TYPES.items()}
        if value.lower() in by_code:
            fix = f"write its name '{by_code[value.lower()]}' instead of the Meeting Guide code"
        else:
            fix = ("see the list of types in docs/catalogue.md"
                   + suggest(value, tuple(schema.ALL_TYPES)))
        self.error(node, where, f"'{value}' is not a meeting type; {fix}")
        return None

    def convert_slug(self, node: Node, field: Field, where: list[str]) -> str | None:
        return self._matching(
            node, where, "an id of lower-case letters, digits and hyphens",
            lambda v: bool(SLUG.fullmatch(v)),
            lambda v: f"'{v}' is not a valid id; use lower-case letters, digits and single "
                      f"hyphens, e.g. '{slugify(v) or 'beacon-aa'}'")

    def convert_time(self, node: Node, field: Field, where: list[str]) -> str | None:
        value = self.text(node, where, 'a 24-hour time "HH:MM"')
        if value is None or TIME.fullmatch(value):
            return value
        guess = suggest_time(value)
        fix = f'; write "{guess}"' if guess else "; hours go from 00 to 23 and minutes from 00 to 59"
        self.error(node, where, f"'{value}' is not a 24-hour time \"HH:MM\"{fix}")
        return None

    def convert_date(self, node: Node, field: Field, where: list[str]) -> str | None:
        expected = "a date YYYY-MM-DD"
        if not isinstance(node, Scalar) or node.tag not in (TIMESTAMP, STR):
            if isinstance(node, Scalar) and node.tag == NULL:
                self.error(node, where, f"is empty; expected {expected}: fill it in or remove "
                           "the key")
            else:
                found = describe(node)
                self.error(node, where, f"expected {expected}, found {found}")
            return None
        value = node.value.strip()
        if not DATE.fullmatch(value):
            self.error(node, where, f"'{value}' is not {expected}; write the day as e.g. "
                       f"{self.today.isoformat()}")
            return None
        try:
            return dt.date.fromisoformat(value).isoformat()
        except ValueError:
            self.error(node, where, f"'{value}' is not a real date; check the month and day")
            return None

    def convert_int(self, node: Node, field: Field, where: list[str]) -> int | None:
        if isinstance(node, Scalar) and node.tag == INT and re.fullmatch(r"[-+]?\d+", node.value):
            return int(node.value)
        hint = "; remove the quotes" if isinstance(node, Scalar) and node.tag == STR else ""
        self.error(node, where, f"expected a whole number, found {describe(node)}{hint}")
        return None

    def convert_number(self, node: Node, field: Field, where: list[str]) -> float | None:
        if isinstance(node, Scalar) and node.tag in (INT, FLOAT):
            try:
                return float(node.value)
            except ValueError:
                pass
        hint = "; remove the quotes" if isinstance(node, Scalar) and node.tag == STR else ""
        self.error(node, where, f"expected a number in decimal degrees, found {describe(node)}"
                   f"{hint}")
        return None

    def convert_miles(self, node: Node, field: Field, where: list[str]) -> float | None:
        if isinstance(node, Scalar) and node.tag in (INT, FLOAT):
            try:
                miles = float(node.value)
            except ValueError:
                miles = -1.0
            if 0 < miles <= MAX_MILES:
                return miles
        self.error(node, where, f"expected a distance in miles above 0 and at most {MAX_MILES}, "
                   f"found {describe(node)}")
        return None

    def convert_bool(self, node: Node, field: Field, where: list[str]) -> bool | None:
        if isinstance(node, Scalar) and node.tag == BOOL:
            return node.value.lower() in ("true", "yes", "on")  # YAML 1.1's; never y
        self.error(node, where, f"expected true or false, found {describe(node)}")
        return None

    def convert_latitude(self, node: Node, field: Field, where: list[str]) -> float | None:
        return self._degrees(node, field, where, 90)

    def convert_longitude(self, node: Node, field: Field, where: list[str]) -> float | None:
        return self._degrees(node, field, where, 180)

    def _degrees(self, node: Node, field: Field, where: list[str], limit: int) -> float | None:
        value = self.convert_number(node, field, where)
        if value is None or -limit <= value <= limit:
            return value
        self.error(node, where, f"{value:g} is out of range; expected -{limit} to {limit} "
                   "(decimal degrees; places west of Greenwich are negative)")
        return None

    def _matching(self, node: Node, where: list[str], expected: str,
                  ok: Callable[[str], bool], wrong: Callable[[str], str]) -> str | None:
        """Text that passes ``ok``, or an error worded by ``wrong``."""
        value = self.text(node, where, expected)
        if value is None or ok(value):
            return value
        self.error(node, where, wrong(value))
        return None

    def convert_url(self, node: Node, field: Field, where: list[str]) -> str | None:
        def wrong(value: str) -> str:
            fix = f"; write 'https://{value}'" if "://" not in value and "." in value else ""
            return f"'{value}' is not a web address starting with https:// or http://{fix}"

        return self._matching(node, where, "a web address starting with https://", is_url,
                              wrong)

    def convert_email(self, node: Node, field: Field, where: list[str]) -> str | None:
        return self._matching(
            node, where, "an email address", lambda v: bool(EMAIL.fullmatch(v)),
            lambda v: f"'{v}' is not an email address like group@example.org")

    def convert_phone(self, node: Node, field: Field, where: list[str]) -> str | None:
        return self._matching(
            node, where, 'a phone number such as "(845) 555-0100"', is_phone,
            lambda v: f"'{v}' is not a phone number; expected 10 digits such as "
                      "\"(845) 555-0100\", 1 and 10 digits, or a 3-digit line such as "
                      "\"988\"; put extensions and words in notes")

    def convert_timezone(self, node: Node, field: Field, where: list[str]) -> str | None:
        value = self.text(node, where, "a time zone name such as America/New_York")
        if value is None:
            return None
        import zoneinfo

        try:
            zoneinfo.ZoneInfo(value)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):  # OSError: "America"
            names = sorted(zoneinfo.available_timezones())
            self.error(node, where, f"'{value}' is not a time zone; expected an IANA name "
                       f"such as America/New_York{suggest(value, names)}")
            return None
        return value

    def convert_first_name(self, node: Node, field: Field, where: list[str]) -> str | None:
        return self._matching(
            node, where, "a first name and last initial", is_first_name,
            lambda v: f"'{v}' is not a first name and last initial; members stay anonymous, "
                      "so write e.g. 'Pat K.' or give a group phone or email")

    # -- checks that need more than one field -----------------------------
    def after_catalogue(self, out: Data, given: dict[str, Node], node: Mapping,
                        where: list[str]) -> None:
        feedback = out.get("feedback")
        if feedback is not None and not (is_url(feedback) or EMAIL.fullmatch(feedback)):
            self.error(given["feedback"], ["feedback"], f"'{feedback}' is neither a web address "
                       "nor an e-mail address; give e.g. https://github.com/OWNER/REPO/issues/new "
                       "or lists@example.org")
        version = out.get("catalogue")
        if version is not None and version != schema.FORMAT_VERSION:
            self.error(given["catalogue"], ["catalogue"], f"format version {version} is not "
                       f"one this peerfind reads; expected {schema.FORMAT_VERSION}")

    def after_entry(self, out: Data, given: dict[str, Node], node: Mapping,
                    where: list[str]) -> None:
        """Provenance, shared by help lines, resources and groups; and one spelling of
        each town."""
        if "town" in given and out.get("town"):
            self.spelled(given["town"], [*where, "town"], out["town"])
        if "source" not in given:
            self.warn(node, where, "no source; add source: where these facts came from (a web "
                      "site, a printed list, a phone call)")
        checked = out.get("checked")
        status = out.get("status")
        if checked is not None:
            day = dt.date.fromisoformat(checked)
            if day > self.today:
                self.error(given["checked"], [*where, "checked"], f"{checked} is in the future; "
                           "checked is the day someone confirmed the entry: use today's date "
                           "or earlier")
            elif (self.today - day).days > STALE_DAYS:
                self.warn(given["checked"], [*where, "checked"], f"{checked} is over a year "
                          "ago; confirm the entry and update checked, or set status: "
                          "unverified")
            if status == "unverified":
                self.error(given["status"], [*where, "status"], f"status unverified beside "
                           f"checked: {checked}: if a person confirmed it that day, remove "
                           "status: unverified; if nobody did, remove checked")
        elif status == "active":
            self.error(given["status"], [*where, "status"], "status active needs checked: the "
                       "day someone confirmed it; add checked: YYYY-MM-DD, or set status: "
                       "unverified")
        if status is None and "status" not in given:
            out["status"] = "active" if checked else "unverified"
        ident = out.get("id")
        if ident is not None:
            first = self.ids.get(ident)
            if first is not None:
                self.error(given["id"], [*where, "id"], f"duplicate id '{ident}' (first at line "
                           f"{first}); every group and resource needs its own id: rename one")
            else:
                self.ids[ident] = given["id"].line

    def after_helpline(self, out: Data, given: dict[str, Node], node: Mapping,
                       where: list[str]) -> None:
        if not {"phone", "text", "url"} & set(given):
            self.error(node, where, "a help line needs at least one of phone, text or url")
        self.after_entry(out, given, node, where)

    def after_group(self, out: Data, given: dict[str, Node], node: Mapping,
                    where: list[str]) -> None:
        self.after_entry(out, given, node, where)
        attendance = out.get("attendance")
        online = given.get("online")
        joinable = not isinstance(online, Mapping) or bool(
            {"url", "phone"} & {key.value for key, _ in online.items}
        )
        if attendance in ("online", "hybrid") and (online is None or not joinable):
            article = "an" if attendance == "online" else "a"
            self.error(given["attendance"], [*where, "attendance"], f"{article} {attendance} "
                       "group needs online: with a url or phone so people can join; add e.g. "
                       "online: {url: https://...}")
        if "town" in given and out.get("town"):
            if (attendance in ("in_person", "hybrid") and "latitude" not in given
                    and out.get("status") != "closed"):
                self.placeless.append((given["town"], [*where, "town"], out["town"]))
        if attendance in ("in_person", "hybrid"):
            if "town" not in given:
                self.error(node, where, "a group that meets in person needs a town; add "
                           "town: with the town it meets in")
            if "address" not in given and out.get("status") != "closed":
                self.warn(node, where, "no address; add address: so people can find the door")
        if attendance == "in_person" and "online" in given:
            self.warn(given["online"], [*where, "online"], "online details on an in-person "
                      "group; set attendance: hybrid, or remove online")
        if ("latitude" in given) != ("longitude" in given):
            present = "latitude" if "latitude" in given else "longitude"
            self.error(given[present], [*where, present], "latitude and longitude go together; "
                       "give both or neither")
        types = out.get("types", [])
        if "open" in types and "closed" in types:
            self.error(given["types"], [*where, "types"], "a group cannot be both open and "
                       "closed; keep one")
        self.same_place(out, node, where)
        meetings = given.get("meetings")
        if isinstance(meetings, Sequence):
            if not meetings.items:
                self.error(meetings, [*where, "meetings"], "no meetings; add at least one, "
                           'e.g. - {day: monday, time: "19:00"}')
            seen: dict[tuple[str, str], int] = {}
            slugs: dict[str, int] = {}
            for i, item in enumerate(meetings.items):
                if not isinstance(item, Mapping):
                    continue
                slug = item.get("slug")
                if isinstance(slug, Scalar) and isinstance(slug.value, str):
                    if slug.value in slugs:
                        self.error(slug, [*where, f"meetings[{i}]", "slug"], f"slug "
                                   f"'{slug.value}' is also meetings[{slugs[slug.value]}]'s; "
                                   "each meeting of a group needs its own")
                    slugs.setdefault(slug.value, i)
                day, time = item.get("day"), item.get("time")
                if not (isinstance(day, Scalar) and isinstance(time, Scalar)):
                    continue
                slot = (day.value, time.value)
                if slot in seen:
                    self.error(item, [*where, f"meetings[{i}]"], f"meets twice on {day.value} "
                               f"at {time.value} (also meetings[{seen[slot]}]); remove the "
                               "duplicate")
                else:
                    seen[slot] = i

    def same_place(self, out: Data, node: Mapping, where: list[str]) -> None:
        """Warn at a group meeting where and when another group (another id) meets: most
        often the same meeting entered twice."""
        if out.get("attendance") == "online" or out.get("status") == "closed":
            return
        places = []
        if out.get("address"):
            places.append(" ".join(re.findall(r"\w+", schema.fold(out["address"]))))
        if out.get("latitude") is not None and out.get("longitude") is not None:
            places.append(f"{out['latitude']:.4f},{out['longitude']:.4f}")
        for meeting in out.get("meetings", []):
            for place in places:
                key = (place, meeting.get("day", ""), meeting.get("time", ""))
                other = self.slots.setdefault(key, (out.get("id", ""), node.line))
                if other[0] != out.get("id", ""):
                    self.warn(node, where, f"meets where and when '{other[0]}' (line "
                              f"{other[1]}) meets: {meeting.get('day')} at "
                              f"{meeting.get('time')}; if it is the same meeting, keep one "
                              "entry")
                    return

    def spelled(self, node: Node, where: list[str], town: str) -> None:
        """A town written one way everywhere: warn at a second spelling."""
        key = schema.town_key(town)
        first = self.spellings.setdefault(key, (town, node.line))
        if first[0] != town:
            self.warn(node, where, f"town '{town}' is written '{first[0]}' at line {first[1]}; "
                      "write a town the same way everywhere")

    def after_town(self, out: Data, given: dict[str, Node], node: Mapping,
                   where: list[str]) -> None:
        if "name" in given and out.get("name"):
            self.spelled(given["name"], [*where, "name"], out["name"])

    def towns_known(self, data: Data) -> None:
        """Groups met in person whose town has no centre in towns: (no distances)."""
        known = {schema.town_key(t["name"]) for t in data.get("towns", []) if "name" in t}
        for node, where, town in self.placeless:
            if schema.town_key(town) not in known:
                self.warn(node, where, f"town '{town}' is not in towns:, so --near cannot "
                          "measure how far this group is; add it to towns: with its latitude "
                          "and longitude, or give the group latitude: and longitude:")

    def after_source(self, out: Data, given: dict[str, Node], node: Mapping,
                     where: list[str]) -> None:
        kind = out.get("kind")
        for key, only in (("services", "bmlt"), ("near", "bmlt"), ("within", "bmlt"),
                          ("towns", "meeting-guide"), ("regions", "meeting-guide")):
            if key in given and kind is not None and kind != only:
                self.error(given[key], [*where, key], f"{key} is for {only} sources; this one "
                           f"is {kind}: remove it")
        near = out.get("near")
        if near is not None:
            match = NEAR.fullmatch(near)
            if not match or abs(float(match.group(1))) > 90 or abs(float(match.group(2))) > 180:
                self.error(given["near"], [*where, "near"], f"'{near}' is not LAT,LON; write "
                           "e.g. near: \"41.70,-73.92\"")
        if ("near" in given) != ("within" in given):
            present = "near" if "near" in given else "within"
            self.error(given[present], [*where, present], "near and within go together; give "
                       "both (near: \"LAT,LON\", within: MILES) or neither")
        self.once(self.source_ids, out, given, where,
                  "duplicate source id '{id}' (first at line {line}); rename one")

    def after_override(self, out: Data, given: dict[str, Node], node: Mapping,
                       where: list[str]) -> None:
        checked = out.get("checked")
        if checked is not None and dt.date.fromisoformat(checked) > self.today:
            self.error(given["checked"], [*where, "checked"], f"{checked} is in the future; "
                       "checked is the day someone confirmed the entry: use today's date or "
                       "earlier")
        if out.get("status") == "active" and checked is None:
            self.error(given["status"], [*where, "status"], "status active needs checked: the "
                       "day someone confirmed it; add checked: YYYY-MM-DD")
        if checked is not None and "source" not in given:
            self.warn(node, where, "a confirmation needs its source: add source: how it was "
                      "confirmed (a phone call to the group, the live listing)")
        types = out.get("types", [])
        if "open" in types and "closed" in types:
            self.error(given["types"], [*where, "types"], "a group cannot be both open and "
                       "closed; keep one")
        self.once(self.override_ids, out, given, where,
                  "a second override of '{id}' (first at line {line}); merge them into one")

    def once(self, seen: dict[str, int], out: Data, given: dict[str, Node], where: list[str],
             message: str) -> None:
        """An id may appear once in its section: a second one is an error."""
        ident = out.get("id")
        if ident is None:
            return
        if ident in seen:
            self.error(given["id"], [*where, "id"], message.format(id=ident, line=seen[ident]))
        else:
            seen[ident] = given["id"].line

    def after_meeting(self, out: Data, given: dict[str, Node], node: Mapping,
                      where: list[str]) -> None:
        if "end" in given and "minutes" in given:
            self.error(given["minutes"], [*where, "minutes"], "give end or minutes, not both")
            return
        start, end, minutes = out.get("time"), out.get("end"), out.get("minutes")
        if start and end and end <= start:
            self.error(given["end"], [*where, "end"], f"end {end} is not after the start "
                       f"{start}; for a meeting that runs past midnight give minutes instead")
        if minutes is not None and not 1 <= minutes <= MAX_MINUTES:
            self.error(given["minutes"], [*where, "minutes"], f"{minutes} minutes is out of "
                       f"range; expected 1 to {MAX_MINUTES}")
        slug = out.get("slug")
        if slug is not None and not MEETING_SLUG.fullmatch(slug):
            self.error(given["slug"], [*where, "slug"], f"'{slug}' is not a meeting slug; use "
                       "at most 64 letters, digits, '-', '_' or '.', e.g. tuesday-night")


Converter = Callable[[Checker, Node, Field, list[str]], Any]
CONVERTERS: dict[str, Converter] = {
    name.removeprefix("convert_"): getattr(Checker, name)
    for name in dir(Checker)
    if name.startswith("convert_")
}
AFTER: dict[str, Callable[..., None]] = {
    "catalogue": Checker.after_catalogue,
    "overlay": Checker.after_catalogue,
    "helpline": Checker.after_helpline,
    "resource": Checker.after_entry,
    "group": Checker.after_group,
    "meeting": Checker.after_meeting,
    "town": Checker.after_town,
    "source": Checker.after_source,
    "override": Checker.after_override,
}


def check(root: Node | None, today: dt.date,
          section: str = "catalogue") -> tuple[Data | None, list[Problem]]:
    """Check a whole file: a catalogue, or with ``section="overlay"`` an overlay."""
    checker = Checker(today)
    data = checker.catalogue(root, section)
    if data is not None and section == "catalogue":
        checker.towns_known(data)
    return data, checker.problems
