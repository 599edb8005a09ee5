"""Write FICTIONAL live-source answers of realistic shape for benchmarks (fixed seed).

Every group, place, link and number in them is invented; none of it is a real
meeting. They have the quirks of real feeds (see docs/sources.md): in the
Meeting Guide feed, days as numbers, strings or lists, times such as
"19:30:00" and "7:30 PM", ends past midnight, Windows line breaks in notes,
one-tap conference phones, approximate addresses, inactive and online-only
records, unknown type codes, a group's meetings under different names, and
per-record time zones; in the BMLT answer, every value a string, weekdays 1 =
Sunday, comma-separated format keys, unpublished and twice-listed meetings,
empty venues, a town spelt two ways, and virtual meetings.

    python bench/make_feeds.py meeting-guide OUT.json [--meetings 100000]
    python bench/make_feeds.py bmlt OUT_FOLDER [--meetings 1500]

A BMLT answer is a folder of GetSearchResults.json, GetFormats.json and
GetServiceBodies.json, as `peerfind import --kind bmlt` and the test server read it.
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path
from typing import Any

SEED = 20261130
TOWNS = [f"Fictional Town {n:02d}" for n in range(1, 61)]
MG_TYPES = ["O", "C", "D", "SP", "B", "ST", "BE", "W", "M", "X", "Y", "LGBTQ", "MED", "ONL",
            "TC", "S", "ABSI", "QQ"]  # QQ is no code of the spec: real feeds have such
FORMATS = [("O", "Open"), ("C", "Closed"), ("D", "Discussion"), ("SP", "Speaker"),
           ("B", "Beginners"), ("W", "Women"), ("M", "Men"), ("WC", "Wheelchair Accessible"),
           ("ES", "Spanish"), ("JT", "Just for Today"), ("BT", "Basic Text"),
           ("VM", "Virtual Meeting"), ("HY", "Hybrid"), ("TC", "Temporarily Closed"),
           ("CAN", "Candlelight")]


def _twelve_hour(hour: int, minute: int) -> str:
    return f"{(hour - 1) % 12 + 1}:{minute:02d} {'AM' if hour < 12 else 'PM'}"


def meeting_guide(meetings: int) -> list[dict[str, Any]]:
    """A Meeting Guide feed of about ``meetings`` records."""
    rng = random.Random(SEED)
    records: list[dict[str, Any]] = []
    n = 0
    while len(records) < meetings:
        n += 1
        town = rng.choice(TOWNS)
        mode = rng.choices(["in_person", "online", "hybrid", "inactive"], [70, 18, 10, 2])[0]
        street = f"{rng.randint(1, 999)} Example {rng.choice(['Street', 'Road', 'Avenue'])}"
        postal = f"{rng.randint(10000, 14999)}"
        group = f"Fictional Group {n}"
        location = rng.choice([f"Fictional Hall {n}", f"Example Church {n}", ""])
        room = rng.randint(10**9, 10**10 - 1)
        dial = f"+1555555{rng.randint(1000, 9999)},,{room}#"
        shared: dict[str, Any] = {"group": group, "updated": f"2026-{rng.randint(1, 11):02d}-"
                                  f"{rng.randint(1, 28):02d} {rng.randint(0, 23):02d}:00:00"}
        if rng.random() < 0.3:
            shared["group_notes"] = f"Business meeting on the first {rng.choice(['Monday', 'Friday'])}."
        if rng.random() < 0.4:
            shared["district"] = f"District {rng.randint(1, 40)}"
        for k in range(rng.randint(1, 7)):
            hour, minute = rng.randint(6, 23), rng.choice([0, 0, 15, 30, 30, 45])
            record: dict[str, Any] = dict(shared)
            record["name"] = group if rng.random() < 0.8 else f"{group} {rng.choice(['Step', 'Speaker', 'Big Book'])}"
            record["slug"] = (str(n * 10 + k) if rng.random() < 0.5
                              else f"fictional-group-{n}-{k}")
            day = rng.randint(0, 6)
            record["day"] = rng.choice([day, str(day), day, day])
            if rng.random() < 0.05:
                record["day"] = sorted(rng.sample(range(7), rng.randint(2, 5)))
            record["time"] = rng.choice([f"{hour:02d}:{minute:02d}", f"{hour:02d}:{minute:02d}:00",
                                         _twelve_hour(hour, minute)])
            end = (hour * 60 + minute + rng.choice([60, 60, 90, 120])) % (24 * 60)
            record["end_time"] = f"{end // 60:02d}:{end % 60:02d}"
            record["types"] = rng.sample(MG_TYPES, rng.randint(0, 5))
            if "O" in record["types"] and "C" in record["types"]:
                record["types"].remove("C")
            record["timezone"] = "America/New_York"
            if mode != "online":
                record["location"] = location
                record["address"] = street
                record["city"] = town
                record["state"] = "NY"
                record["postal_code"] = postal
                record["country"] = "US"
                record["formatted_address"] = f"{street}, {town}, NY {postal}, USA"
                record["latitude"] = round(41 + rng.random(), 6)
                record["longitude"] = rng.choice([round(-74 + rng.random(), 6),
                                                  str(round(-74 + rng.random(), 6))])
                record["approximate"] = "no"
                record["location_notes"] = rng.choice(["", "Side door.\r\nDownstairs.",
                                                       "Park behind the building."])
            else:
                record["formatted_address"] = f"{town}, NY, USA"
                record["approximate"] = "yes"
            if mode in ("online", "hybrid"):
                record["conference_url"] = f"https://example.org/j/{room}?pwd=fictional{n}"
                record["conference_url_notes"] = f"Passcode: {rng.randint(100000, 999999)}"
                record["conference_phone"] = dial
                record["conference_phone_notes"] = "Dial in, then the meeting id."
            record["attendance_option"] = mode
            record["regions"] = ["Fictional County", town]
            record["notes"] = rng.choice(["", "Bring a friend.\r\nSide door.",
                                          "Fragrance-free, please.", "Literature available."])
            if rng.random() < 0.1:
                record["feedback_url"] = "https://example.org/fictional-feedback"
            records.append(record)
            if len(records) == meetings:
                break
    return records


def bmlt(meetings: int) -> dict[str, Any]:
    """The three answers of a BMLT root server listing ``meetings`` meetings."""
    rng = random.Random(SEED)
    rows: list[dict[str, str]] = []
    for n in range(1, meetings + 1):
        town = rng.choice(TOWNS)
        if rng.random() < 0.03:
            town += " Falls"  # one town, two spellings
        venue = rng.choices(["1", "2", "3", ""], [70, 15, 10, 5])[0]
        hour, minute = rng.randint(6, 22), rng.choice([0, 0, 30, 30, 15, 45])
        keys = rng.sample([key for key, _ in FORMATS], rng.randint(1, 4))
        if "O" in keys and "C" in keys:
            keys.remove("C")
        row = {
            "id_bigint": str(n), "worldid_mixed": f"G{rng.randint(10**7, 10**8 - 1)}",
            "service_body_bigint": str(rng.randint(1, 5)),
            "weekday_tinyint": str(rng.randint(1, 7)), "venue_type": venue,
            "start_time": f"{hour:02d}:{minute:02d}:00",
            "duration_time": rng.choice(["01:00:00", "01:00:00", "01:30:00", "00:00:00"]),
            "time_zone": "", "formats": ",".join(keys), "lang_enum": "en",
            "longitude": f"{-74 + rng.random():.6f}", "latitude": f"{41 + rng.random():.6f}",
            "meeting_name": f"Fictional Recovery Group {n}",
            "location_text": rng.choice([f"Fictional Hall {n}", ""]),
            "location_info": rng.choice(["", "Use the side entrance", "Basement"]),
            "location_street": f"{rng.randint(1, 999)} Example Street",
            "location_city_subsection": "", "location_neighborhood": "",
            "location_municipality": town, "location_sub_province": rng.choice(["Fictional", ""]),
            "location_province": "NY", "location_postal_code_1": f"{rng.randint(10000, 14999)}",
            "location_nation": "US", "comments": rng.choice(["", "Candlelight meeting."]),
            "virtual_meeting_link": "", "phone_meeting_number": "",
            "virtual_meeting_additional_info": "", "published": "1",
            "root_server_id": "1", "format_shared_id_list": "", "train_lines": "",
            "bus_lines": "",
        }
        if venue in ("2", "3"):
            row["virtual_meeting_link"] = f"https://example.org/j/{rng.randint(10**9, 10**10 - 1)}"
            row["phone_meeting_number"] = f"+1555555{rng.randint(1000, 9999)}"
            row["virtual_meeting_additional_info"] = "Fictional passcode 123456"
        if rng.random() < 0.01:
            row["published"] = "0"
        rows.append(row)
        if rng.random() < 0.01 and len(rows) < meetings:  # listed again by another area
            rows.append({**row, "id_bigint": str(meetings + n), "service_body_bigint": "6"})
    formats = [{"key_string": key, "name_string": name, "description_string": name,
                "lang": "en", "id": str(i), "world_id": key if key != "CAN" else ""}
               for i, (key, name) in enumerate(FORMATS, 1)]
    bodies = [{"id": str(i), "parent_id": "0" if i == 1 else "1",
               "name": f"Fictional Area {i}", "type": "AS"} for i in range(1, 7)]
    return {"meetings": rows[:meetings], "formats": formats, "service_bodies": bodies}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("kind", choices=["meeting-guide", "bmlt"])
    parser.add_argument("out", type=Path)
    parser.add_argument("--meetings", type=int, default=None)
    args = parser.parse_args()
    if args.kind == "meeting-guide":
        feed = meeting_guide(args.meetings or 100_000)
        args.out.write_text(json.dumps(feed), encoding="utf-8")  # compact, as servers send it
        return
    answer = bmlt(args.meetings or 1_500)
    args.out.mkdir(parents=True, exist_ok=True)
    for part, name in (("meetings", "GetSearchResults.json"), ("formats", "GetFormats.json"),
                       ("service_bodies", "GetServiceBodies.json")):
        (args.out / name).write_text(json.dumps(answer[part], indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
