"""Write a FICTIONAL catalogue of about N meetings for benchmarks (fixed seed).

Every group, place and number in it is invented; none of it is a real meeting.

    python bench/make_catalogue.py OUT.yaml [--meetings 20000]
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

SEED = 20261127
FELLOWSHIPS = ["AA", "AA", "AA", "NA", "NA", "SMART", "Al-Anon", "CA", "GA", "OA"]
TYPES = ["open", "closed", "discussion", "speaker", "big-book", "step-study", "beginners",
         "women", "men", "wheelchair", "young-people", "lgbtq", "meditation"]
DAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
TOWNS = [f"Fictional Town {n:02d}" for n in range(1, 41)]


def catalogue(meetings: int) -> str:
    rng = random.Random(SEED)
    out = [
        "# FICTIONAL benchmark catalogue made by bench/make_catalogue.py: nothing here is real.",
        "catalogue: 1",
        "area: Fictional State (benchmark data)",
        "timezone: America/New_York",
        "updated: 2026-11-01",
        "towns:",
    ]
    centres = {}
    for town in TOWNS:
        lat, lon = 41 + rng.random(), -74 + rng.random()
        centres[town] = (lat, lon)
        out.append(f"  - {{name: {town}, latitude: {lat:.3f}, longitude: {lon:.3f}}}")
    out.append("groups:")
    made, n = 0, 0
    while made < meetings:
        n += 1
        town = rng.choice(TOWNS)
        attendance = rng.choices(["in_person", "online", "hybrid"], [7, 2, 1])[0]
        out += [
            f"  - id: fictional-group-{n:05d}",
            f"    name: Fictional Group {n}",
            f"    fellowship: {rng.choice(FELLOWSHIPS)}",
        ]
        if attendance != "online":
            out += [f"    venue: Fictional Hall {n}",
                    f"    address: {rng.randint(1, 999)} Example Street, {town}",
                    f"    town: {town}"]
        out.append(f"    attendance: {attendance}")
        if attendance != "in_person":
            out.append(f"    online: {{url: 'https://example.org/fictional/{n}'}}")
        kinds = rng.sample(TYPES, rng.randint(0, 3))
        if "open" in kinds and "closed" in kinds:
            kinds.remove("closed")
        out.append(f"    types: [{', '.join(kinds)}]")
        out.append("    meetings:")
        slots = set()
        for _ in range(min(rng.randint(1, 7), meetings - made)):
            day, hour, minute = rng.choice(DAYS), rng.randint(6, 21), rng.choice([0, 15, 30, 45])
            if (day, hour, minute) in slots:
                continue
            slots.add((day, hour, minute))
            out.append(f'      - {{day: {day}, time: "{hour:02d}:{minute:02d}", minutes: 60}}')
            made += 1
        out.append("    source: invented by bench/make_catalogue.py")
        if rng.random() < 0.5:
            out.append(f"    checked: 2026-{rng.randint(1, 10):02d}-{rng.randint(1, 28):02d}")
        else:
            out.append("    status: unverified")
    return "\n".join(out) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--meetings", type=int, default=20_000)
    args = parser.parse_args()
    args.out.write_text(catalogue(args.meetings), encoding="utf-8")


if __name__ == "__main__":
    main()
