"""Planted truth: the generator records the persona it planted for each sample
contact (tests/fixtures/sample_personas.csv, never read by the models). For
each persona that maps to a label, at least 90% of its contacts must get it.
"""
from __future__ import annotations

from pathlib import Path

import pytest

PERSONAS = Path(__file__).resolve().parents[1] / "fixtures" / "sample_personas.csv"
REQUIRED_SHARE = 0.9

# persona -> (segmentation type, accepted labels)
EXPECTATIONS = [
    ("deal_seeker", "purchase_behavior", {"deal_seeker"}),
    ("deal_seeker", "benefits_sought", {"price"}),
    ("premium_buyer", "benefits_sought", {"quality"}),
    ("convenience_buyer", "benefits_sought", {"convenience"}),
    ("holiday_shopper", "occasion", {"holiday_shopper"}),
    ("weekend_shopper", "occasion", {"weekend_shopper"}),
    ("heavy_app_user", "usage_rate", {"heavy"}),
    ("light_app_user", "usage_rate", {"light"}),
    ("researcher", "purchase_behavior", {"researcher"}),
    ("impulse_buyer", "purchase_behavior", {"impulse_buyer"}),
    ("cart_abandoner", "purchase_behavior", {"cart_abandoner"}),
    ("window_shopper", "journey_stage", {"consideration"}),
    ("window_shopper", "loyalty_status", {"prospect"}),
    ("lead", "journey_stage", {"consideration"}),
    ("lead", "user_status", {"potential_user"}),
    ("unengaged_subscriber", "engagement_level", {"unengaged"}),
    ("unsubscribed", "engagement_level", {"unreachable"}),
    ("bounced", "engagement_level", {"unreachable"}),
    ("loyal_regular", "loyalty_status", {"loyal"}),
    ("loyal_regular", "user_status", {"regular_user"}),
    ("lapsed_loyal", "loyalty_status", {"at_risk", "churned"}),
    ("lapsed_loyal", "user_status", {"ex_user"}),
    ("advocate", "loyalty_status", {"advocate"}),
    ("advocate", "journey_stage", {"advocate"}),
    ("new_customer", "loyalty_status", {"first_time_buyer"}),
    ("new_customer", "user_status", {"first_time_user"}),
    ("dormant", "journey_stage", {"lapsed"}),
    ("prospect_no_activity", "journey_stage", {"unknown"}),
    ("prospect_no_activity", "activity_lifecycle", {"never_active"}),
]


@pytest.fixture(scope="module")
def labels_by_persona(sample):
    rows = sample.query(
        f"""
        select personas.persona, membership.segmentation_type, membership.segment
        from read_csv('{PERSONAS}', all_varchar = true) as personas
        inner join main_marts.segment_membership as membership
            on personas.contact_id = membership.contact_id
        """
    )
    grouped: dict[tuple[str, str], list[str]] = {}
    for row in rows:
        grouped.setdefault((row["persona"], row["segmentation_type"]), []).append(row["segment"])
    return grouped


def test_every_planted_contact_has_all_types(sample):
    missing = sample.query(
        f"""
        select personas.contact_id
        from read_csv('{PERSONAS}', all_varchar = true) as personas
        left join main_marts.contact_segments as segments
            on personas.contact_id = segments.contact_id
        where segments.contact_id is null
        """
    )
    assert missing == []


def test_planted_personas_get_their_labels(labels_by_persona, capsys):
    report, failures = [], []
    for persona, segmentation_type, accepted in EXPECTATIONS:
        labels = labels_by_persona.get((persona, segmentation_type), [])
        assert labels, f"no {persona} contacts in the sample"
        share = sum(label in accepted for label in labels) / len(labels)
        line = f"{persona:22s} -> {segmentation_type}:{'|'.join(sorted(accepted)):18s} {share:6.1%} of {len(labels)}"
        report.append(line)
        if share < REQUIRED_SHARE:
            failures.append(line)
    with capsys.disabled():
        print("\nplanted truth (persona -> label: share of the persona's contacts)")
        print("\n".join(report))
    assert not failures, "below 90%:\n" + "\n".join(failures)
