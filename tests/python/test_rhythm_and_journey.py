"""One purchase rhythm for every type, and the journey stage from recent
activity (issue 9, items 3 and 4): the stories of
tests/stories/rhythm_and_journey.yml, built on DuckDB in one build.

The shared story runner (tests/python/test_marketer_stories.py) builds every
story file; this module checks this file's stories on their own (so they can
be run alone while working on the rhythm) and adds what the story format does
not express: the furthest journey stage and the forbidden label combinations
test on the same build.
"""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
import yaml

from dbt_harness import Build, build_on, write_raw

STORIES_DIR = Path(__file__).resolve().parents[1] / "stories"
STORY_FILE = STORIES_DIR / "rhythm_and_journey.yml"
BUILD = (
    "build", "--select", "+contact_segments", "segment_definitions", "forbidden_label_combinations",
    "assert_forbidden_combinations_name_defined_labels",
    "--indirect-selection", "cautious", "--exclude-resource-type", "unit_test",
)


def _stories() -> list[dict]:
    return yaml.safe_load(STORY_FILE.read_text())["stories"]


def _as_of() -> date:
    worlds = yaml.safe_load((STORIES_DIR / "_worlds.yml").read_text())["worlds"]
    return date.fromisoformat(worlds["main"]["as_of"])


def _at(value: str, as_of: date) -> str:
    """-Nd, '-Nd HH:MM' or an absolute timestamp, as tests/stories/README.md says."""
    match = re.fullmatch(r"-(\d+)d(?: (\d\d:\d\d))?", str(value).strip())
    if not match:
        return str(value)
    day = as_of - timedelta(days=int(match.group(1)))
    return f"{day} {match.group(2) or '12:00'}:00"


def _write_world(stories: list[dict], folder: Path, as_of: date) -> None:
    contacts, events, orders = [], [], []
    for story in stories:
        sid = story["id"]
        for contact in story.get("contacts") or [{"id": "c"}]:
            cid = contact.get("id", "c")
            contacts.append({
                "contact_id": f"{sid}__{cid}",
                "email": contact.get("email", f"{sid}.{cid}@example.com"),
                "created_at": _at(contact.get("created_at", "-700d"), as_of),
                "email_opt_in": str(contact.get("email_opt_in", True)).lower(),
            })
        for event in story.get("events") or []:
            events.append({
                "event_id": f"{sid}__e{len(events) + 1}",
                "contact_id": f"{sid}__{event.get('contact', 'c')}",
                "event_type": event["type"],
                "occurred_at": _at(event["at"], as_of),
                "channel": event.get("channel", "email" if event["type"].startswith("email_") else "web"),
            })
        for order in story.get("orders") or []:
            orders.append({
                "order_id": f"{sid}__o{len(orders) + 1}",
                "contact_id": f"{sid}__{order.get('contact', 'c')}",
                "ordered_at": _at(order["at"], as_of),
                "order_total": order["total"],
                "discount_total": order.get("discount", 0),
                "currency": order.get("currency", "USD"),
                "status": order.get("status", "completed"),
                "shipping_method": order.get("shipping", "standard"),
                "product_tier": order.get("tier", "standard"),
            })
    # the anchor: a page view on the as-of date sets the default clock
    contacts.append({"contact_id": "anchor", "email": "anchor@example.com",
                     "created_at": _at("-700d", as_of), "email_opt_in": "true"})
    events.append({"event_id": "anchor__e1", "contact_id": "anchor", "event_type": "page_view",
                   "occurred_at": _at("-0d", as_of), "channel": "web"})
    write_raw(folder, "contacts", contacts)
    write_raw(folder, "events", events)
    write_raw(folder, "orders", orders)


@pytest.fixture(scope="module")
def build(tmp_path_factory) -> Build:
    raw = tmp_path_factory.mktemp("rhythm_raw")
    _write_world(_stories(), raw, _as_of())
    result = build_on(raw, tmp_path_factory.mktemp("rhythm_build"), args=BUILD)
    assert result.ok, result.failures()
    return result


def _per_contact(block: dict | None) -> dict[str, dict]:
    """expect / not_expect / facts: {contact: {key: value}} (contact `c` unless given)."""
    if not block:
        return {}
    if all(isinstance(value, dict) for value in block.values()):
        return block
    return {"c": block}


@pytest.mark.parametrize("story", _stories(), ids=lambda story: story["id"])
def test_story(build, story):
    labels = build.by_key("main_marts.contact_segments")
    facts = build.by_key("main_marts.fct_contact_behavior")
    wrong = []
    for cid, expected in _per_contact(story.get("expect")).items():
        row = labels[f"{story['id']}__{cid}"]
        for type_name, label in expected.items():
            if row[f"{type_name}_segment"] != label:
                wrong.append(f"{cid} {type_name}: {row[f'{type_name}_segment']} (expected {label})")
    for cid, unexpected in _per_contact(story.get("not_expect")).items():
        row = labels[f"{story['id']}__{cid}"]
        for type_name, banned in unexpected.items():
            banned = banned if isinstance(banned, list) else [banned]
            if row[f"{type_name}_segment"] in banned:
                wrong.append(f"{cid} {type_name}: {row[f'{type_name}_segment']} (must not be one of {banned})")
    for cid, expected in _per_contact(story.get("facts")).items():
        row = facts[f"{story['id']}__{cid}"]
        for column, value in expected.items():
            if column not in row or row[column] != pytest.approx(value):
                wrong.append(f"{cid} fact {column}: {row.get(column, 'missing')} (expected {value})")
    assert not wrong, f"{story['id']}: " + "; ".join(wrong)


def test_furthest_stage_stays_on_record(build):
    """The current stage follows recent activity; the furthest stage ever
    reached is its own column."""
    journey = build.by_key("main_marts.seg_journey_stage")
    browsing = journey["prospect_decision_then_browsing__c"]
    assert (browsing["segment"], browsing["furthest_journey_stage"]) == ("awareness", "decision")
    assert journey["visitor_long_ago_is_lapsed__c"]["furthest_journey_stage"] == "consideration"
    assert journey["long_silent_buyer_lapsed_everywhere__c"]["furthest_journey_stage"] == "customer"
    assert journey["reviewer_buyer_is_advocate__c"]["furthest_journey_stage"] == "advocate"


def test_reasons_name_the_rhythm(build):
    """The reason is a sentence with the contact's own numbers."""
    user_status = build.by_key("main_marts.seg_user_status")
    assert user_status["steady_150_day_buyer__c"]["segment_reason"] == (
        "last purchase 100 days ago; buys every 150 days on average"
    )
