"""The suppression gate: no activation list holds a contact marketing may not email.

contactability is the single model that decides (opted in, not unsubscribed,
not hard-bounced, no spam complaint, in the CRM with an email); erased
contacts do not exist in any model, so they never reach it. Every list row
is checked three ways, each independent of the others:
  * against contactability (the gate the lists join);
  * against the facts (email_opt_in, has_unsubscribed, has_bounced,
    has_reported_spam, is_in_crm, email_sha256);
  * against the raw files, read here in Python (a shop where every suppressed
    contact would otherwise qualify for a list, and a permitted twin that
    does get on it, so the check cannot pass by an empty list).
The same list-versus-gate-versus-facts check runs on the bundled sample.
"""
from __future__ import annotations

import pytest

from dbt_harness import Build, build_on, write_raw

AS_OF = "2024-03-31"
LISTS = ["activation_cart_abandoners", "activation_nurture", "activation_re_engagement", "activation_upsell"]
SUPPRESSING_EVENTS = {"unsubscribe": "unsubscribed", "email_bounce": "bounced", "spam_report": "spam_complaint"}

# contact_id: (email, email_opt_in, the list the contact's behavior qualifies for, suppressing event or None)
CONTACTS = {
    "ok_nurture": ("ok.nurture@example.com", "true", "nurture", None),
    "ok_cart": ("ok.cart@example.com", "yes", "cart", None),
    "ok_upsell": ("ok.upsell@example.com", "true", "upsell", None),
    "ok_reengage": ("ok.reengage@example.com", "1", "reengage", None),
    "no_opt_in": ("no.opt.in@example.com", "false", "nurture", None),
    "opt_unknown": ("opt.unknown@example.com", "", "nurture", None),
    "no_email": ("", "true", "nurture", None),
    "unsub_nurture": ("unsub@example.com", "true", "nurture", "unsubscribe"),
    "bounced_cart": ("bounced@example.com", "true", "cart", "email_bounce"),
    "spam_nurture": ("spam.nurture@example.com", "true", "nurture", "spam_report"),
    "spam_cart": ("spam.cart@example.com", "true", "cart", "spam_report"),
    "spam_upsell": ("spam.upsell@example.com", "true", "upsell", "spam_report"),
    "spam_reengage": ("spam.reengage@example.com", "true", "reengage", "spam_report"),
    "erased_nurture": ("erased@example.com", "true", "nurture", None),
}
NOT_IN_CRM = "not_in_crm"   # events only, no contact row
ERASED = "erased_nurture"


def behavior_events(contact_id: str, qualifies_for: str) -> list[tuple]:
    return {
        "nurture": [(f"{contact_id}-dl", contact_id, None, "content_download", "2024-03-20 10:00:00", "web", None)],
        "cart": [(f"{contact_id}-cart", contact_id, None, "add_to_cart", "2024-03-30 10:00:00", "web", None)],
        # opened once, then ignored three emails (re_engagement_min_unanswered_sends)
        "reengage": [(f"{contact_id}-open", contact_id, None, "email_open", "2023-11-01 10:00:00", "email", None)]
        + [(f"{contact_id}-send{n}", contact_id, None, "email_delivered", f"{day} 10:00:00", "email", None)
           for n, day in enumerate(["2023-12-01", "2024-01-05", "2024-02-09"])],
        "upsell": [],
    }[qualifies_for]


def write_shop(raw):
    contacts, events, orders = [], [], []
    for contact_id, (email, opt_in, qualifies_for, suppressing) in CONTACTS.items():
        contacts.append((contact_id, email, "2023-06-01 10:00:00", opt_in))
        events += behavior_events(contact_id, qualifies_for)
        if qualifies_for == "upsell":
            for n, day in enumerate(["2024-03-01", "2024-03-10", "2024-03-20"]):
                orders.append((f"{contact_id}-o{n}", contact_id, f"{day} 12:00:00", "40.00", "", "USD",
                               "completed", "standard", "standard"))
        if suppressing:
            # the suppressing event comes first: the contact is suppressed for good
            events.append((f"{contact_id}-sup", contact_id, None, suppressing, "2023-08-01 10:00:00", "email", None))
    events += behavior_events(NOT_IN_CRM, "nurture")
    write_raw(raw, "contacts", contacts)
    write_raw(raw, "events", events)
    write_raw(raw, "orders", orders)
    write_raw(raw, "erasure_requests", [(ERASED, "2024-03-01")], columns=["contact_id", "requested_at"])
    return raw


def suppressed_from_raw() -> dict[str, str]:
    """Who may not be emailed, worked out from the raw rows alone."""
    suppressed = {NOT_IN_CRM: "not in the CRM", ERASED: "erased"}
    for contact_id, (email, opt_in, _, suppressing) in CONTACTS.items():
        if not email.strip():
            suppressed.setdefault(contact_id, "no email")
        if opt_in.strip().lower() not in ("true", "t", "yes", "y", "1"):
            suppressed.setdefault(contact_id, "no opt-in")
        if suppressing:
            suppressed.setdefault(contact_id, suppressing)
    return suppressed


def list_rows(build: Build) -> dict[str, list[dict]]:
    return {name: build.table(f"main_marts.{name}", order_by="contact_id") for name in LISTS}


def assert_every_list_row_permitted(build: Build) -> int:
    gate = build.by_key("main_marts.contactability")
    facts = build.by_key("main_marts.fct_contact_behavior")
    checked = 0
    for name, rows in list_rows(build).items():
        for row in rows:
            contact_id = row["contact_id"]
            # 1. the gate
            assert contact_id in gate and gate[contact_id]["is_contactable"], (name, contact_id, gate.get(contact_id))
            assert gate[contact_id]["suppression_reason"] == "contactable"
            # 2. the facts, independently of the gate's SQL
            fact = facts[contact_id]
            assert fact["is_in_crm"] and fact["email_sha256"] is not None, (name, contact_id)
            assert fact["email_opt_in"] is True, (name, contact_id)
            assert not fact["has_unsubscribed"] and not fact["has_bounced"] and not fact["has_reported_spam"], (
                name, contact_id)
            assert fact["is_reachable"], (name, contact_id)
            assert row["email_sha256"] == fact["email_sha256"]
            checked += 1
    return checked


@pytest.fixture(scope="module")
def shop(tmp_path_factory) -> Build:
    base = tmp_path_factory.mktemp("suppression")
    # one of the 14 contacts is erased (7%): above the default cap erasure_max_share (5%)
    build = build_on(write_shop(base / "raw"), base / "work", vars={"as_of_date": AS_OF, "erasure_max_share": 0.1},
                     args=("build", "--exclude-resource-type", "unit_test"))
    assert build.ok, build.failures()
    return build


def test_permitted_twins_are_on_their_lists(shop):
    lists = {name: {row["contact_id"] for row in rows} for name, rows in list_rows(shop).items()}
    assert lists == {
        "activation_nurture": {"ok_nurture"},
        "activation_cart_abandoners": {"ok_cart"},
        "activation_upsell": {"ok_upsell"},
        "activation_re_engagement": {"ok_reengage"},
    }


def test_no_list_row_is_suppressed_by_the_raw_data(shop):
    suppressed = suppressed_from_raw()
    assert len(suppressed) == 11
    for name, rows in list_rows(shop).items():
        for row in rows:
            assert row["contact_id"] not in suppressed, (name, row["contact_id"], suppressed.get(row["contact_id"]))


def test_every_list_row_passes_gate_and_facts(shop):
    assert assert_every_list_row_permitted(shop) == 4


def test_gate_names_the_reason(shop):
    reasons = {cid: row["suppression_reason"] for cid, row in shop.by_key("main_marts.contactability").items()}
    expected = {
        "ok_nurture": "contactable", "ok_cart": "contactable", "ok_upsell": "contactable",
        "ok_reengage": "contactable", "no_opt_in": "no_opt_in", "opt_unknown": "opt_in_unknown",
        "no_email": "no_email", "unsub_nurture": "unsubscribed", "bounced_cart": "bounced",
        "spam_nurture": "spam_complaint", "spam_cart": "spam_complaint", "spam_upsell": "spam_complaint",
        "spam_reengage": "spam_complaint", NOT_IN_CRM: "no_email",
    }
    # the erased contact has no row at all: it is excluded before the gate
    assert reasons == expected


def test_spam_report_is_a_fact(shop):
    facts = shop.by_key("main_marts.fct_contact_behavior")
    assert {cid for cid, row in facts.items() if row["has_reported_spam"]} == {
        "spam_nurture", "spam_cart", "spam_upsell", "spam_reengage"}
    daily = shop.query(
        "select contact_id, sum(spam_complaint_events) as n from main_intermediate.int_contact_daily_activity "
        "group by contact_id having sum(spam_complaint_events) > 0 order by contact_id")
    assert [(r["contact_id"], r["n"]) for r in daily] == [
        ("spam_cart", 1), ("spam_nurture", 1), ("spam_reengage", 1), ("spam_upsell", 1)]
    engagement = shop.by_key("main_marts.seg_engagement_level")
    # since issue 9 the reason is a sentence and the machine code is a separate reason_code
    spam = engagement["spam_nurture"]
    assert (spam["segment"], spam["reason_code"], spam["segment_reason"]) == (
        "unreachable", "unreachable_spam_complaint", "not reachable: reported a marketing email as spam")


def test_sample_lists_pass_gate_and_facts(sample):
    assert assert_every_list_row_permitted(sample) > 20
