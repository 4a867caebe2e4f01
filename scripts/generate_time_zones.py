"""Regenerate seeds/reference/iana_time_zones.csv from Python's zoneinfo.

    python scripts/generate_time_zones.py        (from the project folder, in the .venv)

The seed lists the IANA time zone names a contact's time_zone (and the var
reporting_time_zone) may hold: the canonical region names (Africa/...,
America/..., ..., Pacific/...) and UTC / Etc/UTC, as zoneinfo knows them
(the system tz database, or the tzdata package). Names outside those regions
(backward links such as US/Pacific, POSIX-style EST5EDT, Factory) are left
out, so every name in the seed is one that DuckDB (ICU), PostgreSQL and Spark
(Java) all convert. A name not in the seed is quarantined as unknown_time_zone.
"""
from __future__ import annotations

import csv
import re
import zoneinfo
from pathlib import Path

REGIONS = ("Africa", "America", "Antarctica", "Arctic", "Asia", "Atlantic", "Australia", "Europe",
           "Indian", "Pacific")
SEED = Path(__file__).resolve().parents[1] / "seeds" / "reference" / "iana_time_zones.csv"


def names() -> list[str]:
    pattern = re.compile(r"(%s)/[A-Za-z0-9_+\-]+(/[A-Za-z0-9_+\-]+)?" % "|".join(REGIONS))
    found = {name for name in zoneinfo.available_timezones() if pattern.fullmatch(name)}
    return sorted(found | {"UTC", "Etc/UTC"})


def main() -> None:
    with SEED.open("w", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["time_zone"])
        for name in names():
            writer.writerow([name])
    print(f"{SEED}: {len(names())} time zones")


if __name__ == "__main__":
    main()
