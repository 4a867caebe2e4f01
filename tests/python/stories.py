"""Marketer stories (tests/stories/*.yml): read them, write a world's raw
files, and check a built world against every story in it.

One definition for every engine: tests/python/test_marketer_stories.py
(DuckDB) and tests/engines/test_stories_engines.py (PostgreSQL, Spark) only
build and read; what a story means and how it is checked lives here. This
module imports neither duckdb nor psycopg2 nor pyspark (each engine's venv
has only its own driver).

The format is described in tests/stories/README.md.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, Callable

import yaml

from dbt_harness import PROJECT_DIR, RAW_COLUMNS, write_raw
from segkit.raw_files import REQUIRED_COLUMNS

STORIES_DIR = PROJECT_DIR / "tests" / "stories"
TYPES = [
    "rfm", "purchase_behavior", "usage_rate", "engagement_level", "journey_stage",
    "loyalty_status", "benefits_sought", "occasion", "user_status", "activity_lifecycle",
]
LISTS = ["activation_cart_abandoners", "activation_re_engagement", "activation_upsell", "activation_nurture"]
ANCHOR = "zz_anchor"
SEP = "__"
ID = re.compile(r"[a-z0-9_]+")
RELATIVE = re.compile(r"-(\d+)d(?: (\d{1,2}):(\d{2}))?")

# a story's contact keys: id, and the required contact columns but the id (email, created_at, ...)
CONTACT_KEYS = {"id"} | set(REQUIRED_COLUMNS["contacts"]) - {"contact_id"}
EVENT_KEYS = {"id", "contact", "anonymous_id", "type", "at", "channel", "properties"}
ORDER_KEYS = {"id", "contact", "at", "total", "discount", "currency", "status", "shipping", "tier"}
# a row of the global suppression list (raw table suppressions): the address, its hash, or a story contact's address
SUPPRESSION_KEYS = {"email", "email_sha256", "contact", "reason", "at"}
STORY_KEYS = {"id", "story", "contacts", "events", "orders", "suppressions", "erased", "expect", "not_expect",
              "lists", "facts", "quarantined", "alike", "absent", "world"}


class StoryError(ValueError):
    """A story file that does not follow tests/stories/README.md."""


@dataclass
class World:
    name: str
    as_of: date
    vars: dict = field(default_factory=dict)

    def build_vars(self, **extra: Any) -> dict:
        return {**self.vars, **extra}


@dataclass
class Story:
    id: str
    text: str
    file: str
    world: str
    contacts: list[dict]
    events: list[dict]
    orders: list[dict]
    suppressions: list[dict]
    erased: list[str]
    expect: dict[str, dict[str, str]]
    not_expect: dict[str, dict[str, list[str]]]
    lists: dict[str, dict[str, bool]]
    facts: dict[str, dict[str, Any]]
    quarantined: list[str]
    alike: list[list[str]]
    absent: list[str]

    def contact_id(self, local: str) -> str:
        return f"{self.id}{SEP}{local}"


# ---------------------------------------------------------------------------
# reading
# ---------------------------------------------------------------------------

def load_worlds() -> dict[str, World]:
    data = yaml.safe_load((STORIES_DIR / "_worlds.yml").read_text())
    worlds = {}
    for name, spec in data["worlds"].items():
        worlds[name] = World(name=name, as_of=date.fromisoformat(str(spec["as_of"])), vars=dict(spec.get("vars") or {}))
    return worlds


def story_files() -> list[Path]:
    return sorted(path for path in STORIES_DIR.glob("*.yml") if not path.name.startswith("_"))


def load_stories() -> list[Story]:
    worlds = load_worlds()
    stories: list[Story] = []
    seen: set[str] = set()
    for path in story_files():
        data = yaml.safe_load(path.read_text()) or {}
        for raw in data.get("stories") or []:
            story = _parse_story(raw, path.name, worlds)
            if story.id in seen:
                raise StoryError(f"{path.name}: story id {story.id} is used twice")
            seen.add(story.id)
            stories.append(story)
    return stories


def _per_contact(story_id: str, name: str, value: Any, contacts: list[str], leaf: Callable[[Any], Any]) -> dict:
    """expect / not_expect / lists / facts: {key: v} for the only contact, or {contact: {key: v}}."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise StoryError(f"{story_id}: {name} must be a mapping")
    if all(key in contacts for key in value):
        return {contact: {k: leaf(v) for k, v in (inner or {}).items()} for contact, inner in value.items()}
    if len(contacts) != 1 and "c" not in contacts:
        raise StoryError(f"{story_id}: {name} must name the contact ({', '.join(contacts)})")
    return {contacts[0] if len(contacts) == 1 else "c": {k: leaf(v) for k, v in value.items()}}


def _parse_story(raw: dict, file: str, worlds: dict[str, World]) -> Story:
    story_id = str(raw.get("id", ""))
    if not ID.fullmatch(story_id):
        raise StoryError(f"{file}: story id {story_id!r} must be lower-case letters, digits, underscore")
    unknown = set(raw) - STORY_KEYS
    if unknown:
        raise StoryError(f"{file} {story_id}: unknown keys {sorted(unknown)}")
    if not raw.get("story"):
        raise StoryError(f"{file} {story_id}: tell the story (key `story`)")
    world = raw.get("world", "main")
    if world not in worlds:
        raise StoryError(f"{file} {story_id}: world {world!r} is not in _worlds.yml")
    contacts = raw.get("contacts")
    if contacts is None:
        contacts = [{"id": "c"}]
    for row in contacts:
        extra = set(row) - CONTACT_KEYS - set(optional_contact_columns())
        if extra:
            raise StoryError(f"{file} {story_id}: contact keys {sorted(extra)} unknown")
    for kind, rows, keys in (("events", raw.get("events") or [], EVENT_KEYS), ("orders", raw.get("orders") or [], ORDER_KEYS),
                             ("suppressions", raw.get("suppressions") or [], SUPPRESSION_KEYS)):
        for row in rows:
            extra = set(row) - keys
            if extra:
                raise StoryError(f"{file} {story_id}: {kind} keys {sorted(extra)} unknown")
    names = [str(row["id"]) for row in contacts]
    for row in raw.get("suppressions") or []:
        if "contact" in row and (str(row["contact"]) not in names or {"email", "email_sha256"} & set(row)):
            raise StoryError(f"{file} {story_id}: a suppression `contact:` names one of the story's contacts "
                             f"({', '.join(names)}) and gives no email or email_sha256 of its own")
    erased = [str(contact) for contact in (raw.get("erased") or [])]
    if set(erased) - set(names):
        raise StoryError(f"{file} {story_id}: erased {sorted(set(erased) - set(names))} are not contacts of the story")
    ids = names + sorted({str(r["contact"]) for r in (raw.get("events") or []) + (raw.get("orders") or [])
                          if r.get("contact")} - set(names))

    def labels(value):
        return [value] if isinstance(value, str) else list(value)

    expect = _per_contact(story_id, "expect", raw.get("expect"), ids, str)
    not_expect = _per_contact(story_id, "not_expect", raw.get("not_expect"), ids, labels)
    for name, mapping in (("expect", expect), ("not_expect", not_expect)):
        for contact, inner in mapping.items():
            bad = set(inner) - set(TYPES)
            if bad:
                raise StoryError(f"{file} {story_id}: {name} {contact}: {sorted(bad)} are not segmentation types")
    lists = _per_contact(story_id, "lists", raw.get("lists"), ids, bool)
    for contact, inner in lists.items():
        bad = set(inner) - set(LISTS)
        if bad:
            raise StoryError(f"{file} {story_id}: lists {contact}: {sorted(bad)} are not activation lists")
    return Story(
        id=story_id, text=" ".join(str(raw["story"]).split()), file=file, world=world,
        contacts=contacts, events=list(raw.get("events") or []), orders=list(raw.get("orders") or []),
        suppressions=list(raw.get("suppressions") or []), erased=erased,
        expect=expect, not_expect=not_expect, lists=lists,
        facts=_per_contact(story_id, "facts", raw.get("facts"), ids, lambda v: v),
        quarantined=list(raw.get("quarantined") or []),
        alike=[[str(c) for c in group] for group in (raw.get("alike") or [])],
        absent=[str(c) for c in (raw.get("absent") or [])],
    )


def optional_contact_columns() -> list[str]:
    """Contact columns a story may set besides the required ones (time_zone, ...)."""
    return [column for column in RAW_COLUMNS["contacts"] if column not in CONTACT_KEYS | {"contact_id"}]


# ---------------------------------------------------------------------------
# writing a world's raw files
# ---------------------------------------------------------------------------

def timestamp(value: Any, as_of: date, story_id: str) -> str:
    """'-Nd' / '-Nd HH:MM' relative to the as-of date (12:00 by default), or an ISO timestamp."""
    text = str(value).strip()
    match = RELATIVE.fullmatch(text)
    if match:
        day = as_of - timedelta(days=int(match.group(1)))
        hour, minute = (int(match.group(2)), int(match.group(3))) if match.group(2) else (12, 0)
        return datetime(day.year, day.month, day.day, hour, minute).strftime("%Y-%m-%d %H:%M:%S")
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as error:
        raise StoryError(f"{story_id}: time {text!r} is neither -Nd [HH:MM] nor an ISO timestamp") from error
    if moment.date() > as_of and moment.date() <= date.today() + timedelta(days=1):
        raise StoryError(
            f"{story_id}: {text} lies after the world's as-of date {as_of} but is not a future typo "
            "(after the build day): it would move the world's clock")
    return text if len(text) > 10 else f"{text} 00:00:00"


def _channel(event_type: str) -> str:
    if event_type.startswith("email"):
        return "email"
    if event_type.startswith("app"):
        return "app"
    return "web"


def world_rows(stories: list[Story], world: World) -> dict[str, list[dict]]:
    """The raw rows of every story of a world, and the anchor contact."""
    as_of = world.as_of
    contacts: list[dict] = [{
        "contact_id": ANCHOR, "email": f"{ANCHOR}@example.com",
        "created_at": timestamp("-700d", as_of, ANCHOR), "email_opt_in": "true",
    }]
    events: list[dict] = [{
        "event_id": f"{ANCHOR}{SEP}e1", "contact_id": ANCHOR, "anonymous_id": "", "event_type": "page_view",
        "occurred_at": timestamp("-0d", as_of, ANCHOR), "channel": "web", "properties": "",
    }]
    orders: list[dict] = []
    suppressions: list[dict] = []
    erasure_requests: list[dict] = []
    for story in stories:
        emails = {str(row["id"]): row.get("email", f"{story.id}.{row['id']}@example.com") for row in story.contacts}
        for row in story.suppressions:
            suppressions.append({
                "email": emails[str(row["contact"])] if "contact" in row else _text(row.get("email", "")),
                "email_sha256": _text(row.get("email_sha256", "")),
                # the story id goes with the reason, so the story's quarantined rows can be found
                "reason": f"{row.get('reason', 'unsubscribed')} {story.id}{SEP}",
                "suppressed_at": timestamp(row["at"], as_of, story.id) if "at" in row else "",
            })
        for local in story.erased:
            erasure_requests.append({"contact_id": story.contact_id(local),
                                     "requested_at": timestamp("-0d", as_of, story.id)})
        for row in story.contacts:
            contact = {
                "contact_id": story.contact_id(str(row["id"])),
                "email": row.get("email", f"{story.id}.{row['id']}@example.com"),
                "created_at": timestamp(row.get("created_at", "-700d"), as_of, story.id),
                "email_opt_in": _text(row.get("email_opt_in", True)),
            }
            for column in optional_contact_columns():
                if column in row:
                    contact[column] = _text(row[column])
            contacts.append(contact)
        for number, row in enumerate(story.events, start=1):
            event_type = str(row["type"])
            events.append({
                "event_id": str(row.get("id") or f"{story.id}{SEP}e{number}"),
                "contact_id": story.contact_id(str(row.get("contact", "c"))) if row.get("contact", "c") else "",
                "anonymous_id": _text(row.get("anonymous_id", "")),
                "event_type": event_type,
                "occurred_at": timestamp(row["at"], as_of, story.id),
                "channel": row.get("channel", _channel(event_type)),
                "properties": _text(row.get("properties", "")),
            })
        for number, row in enumerate(story.orders, start=1):
            orders.append({
                "order_id": str(row.get("id") or f"{story.id}{SEP}o{number}"),
                "contact_id": story.contact_id(str(row.get("contact", "c"))),
                "ordered_at": timestamp(row["at"], as_of, story.id),
                "order_total": _text(row.get("total", 50)),
                "discount_total": _text(row.get("discount", 0)),
                "currency": row.get("currency", "USD"),
                "status": row.get("status", "completed"),
                "shipping_method": row.get("shipping", "standard"),
                "product_tier": row.get("tier", "standard"),
            })
    return {"contacts": contacts, "events": events, "orders": orders, "suppressions": suppressions,
            "erasure_requests": erasure_requests}


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def write_world(stories: list[Story], world: World, folder: Path) -> Path:
    rows = world_rows(stories, world)
    columns = list(RAW_COLUMNS["contacts"])
    used = {key for row in rows["contacts"] for key in row}
    columns = [column for column in columns if column in used or column in CONTACT_KEYS | {"contact_id"}]
    write_raw(folder, "contacts", rows["contacts"], columns)
    write_raw(folder, "events", rows["events"])
    write_raw(folder, "orders", rows["orders"])
    # optional: written only when a story of the world has rows (else no file: the build reads an empty table)
    if rows["suppressions"]:
        write_raw(folder, "suppressions", rows["suppressions"])
    if rows["erasure_requests"]:
        write_raw(folder, "erasure_requests", rows["erasure_requests"], ["contact_id", "requested_at"])
    return folder


def world_has_erasures(stories: list[Story]) -> bool:
    """Whether the world's raw folder holds erasure requests (the other engines name the loaded relation)."""
    return any(story.erased for story in stories)


# ---------------------------------------------------------------------------
# what a built world holds, and the checks
# ---------------------------------------------------------------------------

@dataclass
class WorldResult:
    """A built world, read once: labels per contact, list members, facts, quarantine."""

    labels: dict[str, dict[str, str]]
    reasons: dict[str, dict[str, str]]
    lists: dict[str, set[str]]
    facts: dict[str, dict[str, Any]]
    quarantine: list[dict]


def read_world(query: Callable[[str], list[dict]], relation: Callable[[str, str], str]) -> WorldResult:
    """query(sql) -> rows as dicts; relation(layer, table) -> the relation's name on the engine."""
    labels: dict[str, dict[str, str]] = {}
    reasons: dict[str, dict[str, str]] = {}
    for row in query(
        f"select contact_id, segmentation_type, segment, reason from {relation('marts', 'segment_membership')}"
    ):
        labels.setdefault(row["contact_id"], {})[row["segmentation_type"]] = row["segment"]
        reasons.setdefault(row["contact_id"], {})[row["segmentation_type"]] = row["reason"]
    lists = {
        name: {row["contact_id"] for row in query(f"select contact_id from {relation('marts', name)}")}
        for name in LISTS
    }
    facts = {row["contact_id"]: row for row in query(f"select * from {relation('marts', 'fct_contact_behavior')}")}
    # the list assignment's columns (assigned_list, held_reason, also_qualified_for, ...) read as facts too
    for row in query(f"select * from {relation('marts', 'activation_assignment')}"):
        facts.setdefault(row["contact_id"], {}).update(
            {column: value for column, value in row.items() if column not in ("contact_id", "as_of_date", "email_sha256")})
    quarantine = query(
        f"select source_table, contact_id, rejection_reason, raw_record from {relation('staging', 'stg_raw__quarantine')}"
    )
    return WorldResult(labels=labels, reasons=reasons, lists=lists, facts=facts, quarantine=quarantine)


def _same(expected: Any, actual: Any) -> bool:
    if expected is None or actual is None:
        return expected is None and actual is None
    if isinstance(expected, bool) or isinstance(actual, bool):
        return str(expected).lower() == str(actual).lower()
    if isinstance(expected, (int, float)):
        try:
            return abs(float(actual) - float(expected)) < 1e-6
        except (TypeError, ValueError):
            return False
    return str(expected) == str(actual)


def check_story(story: Story, result: WorldResult) -> list[str]:
    """Every way the built world disagrees with the story (empty: the story holds)."""
    problems: list[str] = []

    def why(contact: str, segmentation_type: str) -> str:
        return result.reasons.get(contact, {}).get(segmentation_type) or ""

    for local, expected in story.expect.items():
        contact = story.contact_id(local)
        got = result.labels.get(contact)
        if got is None:
            problems.append(f"{local}: no labels at all (not a contact of the build)")
            continue
        for segmentation_type, label in expected.items():
            if got.get(segmentation_type) != label:
                problems.append(
                    f"{local}: {segmentation_type} is {got.get(segmentation_type)!r} "
                    f"({why(contact, segmentation_type)}), expected {label!r}")
    for local, forbidden in story.not_expect.items():
        contact = story.contact_id(local)
        got = result.labels.get(contact, {})
        for segmentation_type, labels in forbidden.items():
            if got.get(segmentation_type) in labels:
                problems.append(
                    f"{local}: {segmentation_type} is {got.get(segmentation_type)!r} "
                    f"({why(contact, segmentation_type)}), which the story rules out")
    for local, lists in story.lists.items():
        contact = story.contact_id(local)
        for name, on in lists.items():
            if (contact in result.lists[name]) != on:
                problems.append(f"{local}: {'not on' if on else 'on'} {name}, expected {'on' if on else 'off'} it")
    for local, facts in story.facts.items():
        contact = story.contact_id(local)
        row = result.facts.get(contact)
        if row is None:
            problems.append(f"{local}: no row in fct_contact_behavior")
            continue
        for column, value in facts.items():
            if column not in row:
                problems.append(f"{local}: neither fct_contact_behavior nor activation_assignment has a column {column}")
            elif not _same(value, row[column]):
                problems.append(f"{local}: {column} is {row[column]!r}, expected {value!r}")
    for group in story.alike:
        first = result.labels.get(story.contact_id(group[0]), {})
        for local in group[1:]:
            other = result.labels.get(story.contact_id(local), {})
            differ = {t: (first.get(t), other.get(t)) for t in TYPES if first.get(t) != other.get(t)}
            if differ or not first:
                problems.append(f"{group[0]} and {local} do the same but are labelled differently: {differ or 'no labels'}")
    for local in story.absent:
        if story.contact_id(local) in result.labels:
            problems.append(f"{local}: has labels ({result.labels[story.contact_id(local)]}), expected none")
    prefix = story.id + SEP
    mine = [
        row for row in result.quarantine
        if str(row.get("contact_id") or "").startswith(prefix) or prefix in str(row.get("raw_record") or "")
    ]
    for reason in story.quarantined:
        if not any(row["rejection_reason"] == reason for row in mine):
            problems.append(
                f"no row of this story quarantined as {reason} "
                f"(quarantined: {sorted({row['rejection_reason'] for row in mine}) or 'none'})")
    return problems


def story_ids(stories: list[Story]) -> list[str]:
    return [story.id for story in stories]
