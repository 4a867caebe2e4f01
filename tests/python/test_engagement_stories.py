"""Engagement and reachability stories (issue 9, item 2) on DuckDB.

Reads tests/stories/engagement.yml (format: tests/stories/README.md), writes
every story of the `main` world into one small shop, builds what the stories
look at once, and checks each story's labels, lists and facts. The shared
runner tests/python/test_marketer_stories.py runs the same file on every
engine once it exists; this one keeps the engagement stories checked until
then, with the same conventions (ids `<story>__<contact>`, an anchor contact
with a page view on the as-of date, relative days at 12:00 UTC).
"""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
import yaml

from dbt_harness import Build, build_on, write_raw

STORIES_DIR = Path(__file__).resolve().parents[1] / "stories"
STORY_FILE = STORIES_DIR / "engagement.yml"
LISTS = ["activation_cart_abandoners", "activation_re_engagement", "activation_upsell", "activation_nurture"]
BUILD = (
    "build", "--select", "+seg_engagement_level", *[f"+{name}" for name in LISTS], "segment_definitions",
    "--indirect-selection", "cautious", "--exclude-resource-type", "unit_test",
)
RELATIVE = re.compile(r"^-(\d+)d(?: (\d\d):(\d\d))?$")


def load_stories() -> list[dict]:
    return yaml.safe_load(STORY_FILE.read_text())["stories"]


def world_as_of(world: str) -> date:
    worlds = yaml.safe_load((STORIES_DIR / "_worlds.yml").read_text())["worlds"]
    return date.fromisoformat(str(worlds[world]["as_of"]))


def when(value, as_of: date) -> str:
    text = str(value).strip()
    match = RELATIVE.match(text)
    if match:
        days, hour, minute = match.groups()
        moment = datetime.combine(as_of - timedelta(days=int(days)), datetime.min.time())
        moment += timedelta(hours=int(hour or 12), minutes=int(minute or 0))
        return moment.strftime("%Y-%m-%d %H:%M:%S")
    return text


def per_contact(story: dict, key: str, contacts: list[str]) -> dict[str, dict]:
    """expect / not_expect / lists / facts as {contact id: {name: value}}."""
    block = story.get(key) or {}
    if contacts == ["c"] and not all(name in contacts for name in block):
        return {"c": block} if block else {}
    return {contact: values for contact, values in block.items()}


def write_shop(stories: list[dict], raw: Path, as_of: date) -> None:
    contacts, events, orders = [], [], []
    for story in stories:
        sid = story["id"]
        for contact in story.get("contacts") or [{"id": "c"}]:
            cid = contact.get("id", "c")
            opt_in = contact.get("email_opt_in", True)
            contacts.append({
                "contact_id": f"{sid}__{cid}",
                "email": contact.get("email", f"{sid}.{cid}@example.com"),
                "created_at": when(contact.get("created_at", "-700d"), as_of),
                "email_opt_in": "" if opt_in is None else str(opt_in).lower(),
            })
        for number, event in enumerate(story.get("events") or []):
            event_type = event["type"]
            events.append({
                "event_id": event.get("event_id", f"{sid}__e{number}"),
                "contact_id": f"{sid}__{event.get('contact', 'c')}",
                "anonymous_id": "",
                "event_type": event_type,
                "occurred_at": when(event["at"], as_of),
                "channel": event.get("channel", "email" if event_type.startswith("email_") else "web"),
                "properties": "",
            })
        for number, order in enumerate(story.get("orders") or []):
            orders.append({
                "order_id": order.get("order_id", f"{sid}__o{number}"),
                "contact_id": f"{sid}__{order.get('contact', 'c')}",
                "ordered_at": when(order["at"], as_of),
                "order_total": order.get("total", 10),
                "discount_total": order.get("discount", 0),
                "currency": order.get("currency", "USD"),
                "status": order.get("status", "completed"),
                "shipping_method": order.get("shipping", "standard"),
                "product_tier": order.get("tier", "standard"),
            })
    # the anchor: the default as-of date is the latest dated row
    contacts.append({"contact_id": "anchor", "email": "anchor@example.com",
                     "created_at": when("-700d", as_of), "email_opt_in": "true"})
    events.append({"event_id": "anchor_e", "contact_id": "anchor", "anonymous_id": "", "event_type": "page_view",
                   "occurred_at": when("-0d", as_of), "channel": "web", "properties": ""})
    write_raw(raw, "contacts", contacts)
    write_raw(raw, "events", events)
    write_raw(raw, "orders", orders)


STORIES = load_stories()


@pytest.fixture(scope="module")
def shop(tmp_path_factory) -> Build:
    root = tmp_path_factory.mktemp("engagement_stories")
    as_of = world_as_of("main")
    write_shop([s for s in STORIES if s.get("world", "main") == "main"], root / "raw", as_of)
    build = build_on(root / "raw", root / "work", args=BUILD)
    assert build.ok, "dbt build failed:\n" + "\n".join(build.failures())
    return build


def test_story_file_is_well_formed():
    ids = [story["id"] for story in STORIES]
    assert len(ids) == len(set(ids)) >= 8
    for story in STORIES:
        assert re.fullmatch(r"[a-z0-9_]+", story["id"]) and story.get("story")


@pytest.mark.parametrize("story", STORIES, ids=[s["id"] for s in STORIES])
def test_story(shop: Build, story: dict):
    sid = story["id"]
    contacts = [c.get("id", "c") for c in story.get("contacts") or [{"id": "c"}]]
    labels = {}
    for kind in {k for block in ("expect", "not_expect") for v in per_contact(story, block, contacts).values() for k in v}:
        for r in shop.table(f"main_marts.seg_{kind}"):
            labels[(r["contact_id"], kind)] = {"segment": r["segment"], "reason": r["segment_reason"]}
    facts = shop.by_key("main_marts.fct_contact_behavior")
    problems = []
    for cid, expected in per_contact(story, "expect", contacts).items():
        for kind, label in expected.items():
            row = labels.get((f"{sid}__{cid}", kind))
            got = row and row["segment"]
            if got != label:
                problems.append(f"{cid}: {kind} is {got} ({row and row['reason']}), expected {label}")
    for cid, refused in per_contact(story, "not_expect", contacts).items():
        for kind, bad in refused.items():
            row = labels.get((f"{sid}__{cid}", kind))
            got = row and row["segment"]
            if got in (bad if isinstance(bad, list) else [bad]):
                problems.append(f"{cid}: {kind} is {got} ({row['reason']}), must not be")
    for cid, lists in per_contact(story, "lists", contacts).items():
        for name, on_it in lists.items():
            members = {r["contact_id"] for r in shop.table(f"main_marts.{name}")}
            if (f"{sid}__{cid}" in members) != on_it:
                problems.append(f"{cid}: {'not ' if on_it else ''}on {name}")
    for cid, values in per_contact(story, "facts", contacts).items():
        row = facts[f"{sid}__{cid}"]
        for column, value in values.items():
            got = row.get(column, "<no such column>")
            if isinstance(value, float) and got is not None:
                ok = abs(float(got) - value) < 1e-6
            else:
                ok = got == value
            if not ok:
                problems.append(f"{cid}: fact {column} is {got!r}, expected {value!r}")
    assert not problems, f"{sid}: " + "; ".join(problems)
