"""Right to erasure: an erased contact vanishes from every relation.

One small shop is built three times into the same database:
  1. without any erasure request (the baseline);
  2. a history table (as a snapshot would be) is written into the marts
     schema, erasure requests arrive (erasure_requests.csv in the raw folder
     for one contact, a CRM table named by the var erasure_requests_relation
     for another) and `dbt run-operation purge_erased_contacts` deletes their
     rows from every table with a contact_id column, first as a dry run;
  3. rebuilt with the requests.
After the rebuild no column of any table or view holds an erased contact id
or address (the CRM's request table itself excepted: it is the request), and
the address's email hash only the suppression record kept on purpose
(issue 10: the request means "never email this address again", also through
another record sharing it): <privacy schema>.erased_address_hashes, which the
purge writes, and int_address_suppressions, which every build computes;
the erased contacts' raw rows are counted as rows_erased (their anonymous
events on their own device included), another contact who used the same
device keeps her own events but is not linked to the device, and every other
contact's rows are unchanged. After the purge and `python -m segkit.compact`
no byte of the database file holds an erased address or contact id; the
address's hash is there, in those two relations only.

Two of five contacts are erased here (40%): every run raises the cap
erasure_max_share, whose default (5%) stops a run erasing that many.
"""
from __future__ import annotations

import hashlib
import subprocess
import sys

import duckdb
import pytest

from dbt_harness import PROJECT_DIR, Build, build_on, release_database, run_dbt, write_raw
from relation_scan import find_substrings
from subquery_lint import lint_folder, unqualified_references

AS_OF = "2024-03-31"
ERASED = "erase-me-7f3a"          # requested through the raw folder's erasure_requests.csv
ERASED_CRM = "erase-crm-91bd"     # requested through the CRM table (var erasure_requests_relation)
KEPT = ["keep-alice", "keep-bob", "keep-carol"]
EMAILS = {
    ERASED: "Erased.Person@Example.com",
    ERASED_CRM: "crm.gone@example.com",
    "keep-alice": "alice@example.com",
    "keep-bob": "bob@example.com",
    "keep-carol": "carol@example.com",
}
CRM_TABLE = "crm_privacy.erasure_requests"
# the baseline: models only; the rebuild with the requests also runs every data test
MODELS = ("build", "--exclude-resource-type", "test", "unit_test")
BUILD = ("build", "--exclude-resource-type", "unit_test")


def email_hash(contact_id: str) -> str:
    return hashlib.sha256(EMAILS[contact_id].strip().lower().encode()).hexdigest()


def write_shop(raw):
    write_raw(raw, "contacts", [
        (ERASED, EMAILS[ERASED], "2024-01-05 10:00:00", "true"),
        (ERASED, EMAILS[ERASED], "2024-01-06 10:00:00", "maybe"),        # a rejected copy: quarantined
        (ERASED_CRM, EMAILS[ERASED_CRM], "2024-01-07 10:00:00", "true"),
        ("keep-alice", EMAILS["keep-alice"], "2024-01-01 10:00:00", "true"),
        ("keep-bob", EMAILS["keep-bob"], "2024-01-02 10:00:00", "true"),
        ("keep-carol", EMAILS["keep-carol"], "2024-01-03 10:00:00", "false"),
    ])
    write_raw(raw, "events", [
        # the erased contact: anonymous visits, then identified on the same device
        ("ev01", None, "anon-erased", "page_view", "2024-02-01 09:00:00", "web", None),
        ("ev02", None, "anon-erased", "product_view", "2024-02-02 09:00:00", "web", None),
        ("ev03", ERASED, "anon-erased", "form_submit", "2024-02-03 09:00:00", "web", None),
        ("ev04", f"  {ERASED} ", None, "email_open", "2024-03-01 09:00:00", "email", None),  # padded id
        ("ev05", ERASED, None, "add_to_cart", "2024-03-30 09:00:00", "web", None),
        ("ev06", ERASED, None, "page_view", "bad timestamp", "web", None),                  # quarantined
        ("ev07", ERASED_CRM, None, "content_download", "2024-03-20 09:00:00", "web", None),
        # kept contacts
        ("ev10", None, "anon-alice", "page_view", "2024-02-10 09:00:00", "web", None),
        ("ev11", "keep-alice", "anon-alice", "content_download", "2024-03-10 09:00:00", "web", None),
        ("ev12", "keep-alice", None, "email_open", "2024-03-25 09:00:00", "email", None),
        ("ev13", "keep-bob", None, "email_open", "2023-10-01 09:00:00", "email", None),
        ("ev14", "keep-bob", None, "add_to_cart", "2024-03-29 09:00:00", "web", None),
        ("ev15", "keep-carol", None, "app_session", "2024-03-15 09:00:00", "app", None),
        ("ev16", None, "anon-stranger", "page_view", "2024-03-15 09:00:00", "web", None),
        # bob signs in later on the erased contact's device: his event stays his, the device links nobody
        ("ev17", "keep-bob", "anon-erased", "page_view", "2024-03-20 09:00:00", "web", None),
    ])
    write_raw(raw, "orders", [
        ("o1", ERASED, "2024-02-10 12:00:00", "80.00", "10", "USD", "completed", "express", "premium"),
        ("o2", ERASED, "2024-03-10 12:00:00", "-1", "", "USD", "completed", "standard", "standard"),  # quarantined
        ("o3", ERASED_CRM, "2024-03-11 12:00:00", "20.00", "", "USD", "completed", "standard", "standard"),
        ("o4", "keep-bob", "2024-01-10 12:00:00", "30.00", "", "USD", "completed", "standard", "standard"),
        ("o5", "keep-bob", "2024-02-10 12:00:00", "30.00", "", "USD", "completed", "standard", "standard"),
        ("o6", "keep-bob", "2024-03-10 12:00:00", "30.00", "", "USD", "completed", "standard", "standard"),
        ("o7", "keep-carol", "2024-03-12 12:00:00", "50.00", "5", "USD", "refunded", "pickup", "standard"),
    ])
    return raw


def assert_ok(build: Build) -> None:
    assert build.ok, "dbt failed:\n" + "\n".join(build.failures())


def snapshot(build: Build) -> dict[str, list[dict]]:
    """The contact-level rows a rebuild must keep for every contact that is not erased."""
    relations = {
        "main_staging.stg_raw__contacts": "contact_id",
        "main_staging.stg_raw__orders": "order_id",
        "main_intermediate.int_contacts": "contact_id",
        "main_intermediate.int_contact_daily_activity": "contact_id, activity_date",
        "main_marts.fct_contact_behavior": "contact_id",
        "main_marts.contactability": "contact_id",
    }
    return {
        relation: [row for row in build.table(relation, order_by=key) if row["contact_id"] in KEPT]
        for relation, key in relations.items()
    }


@pytest.fixture(scope="module")
def erasure(tmp_path_factory):
    base = tmp_path_factory.mktemp("erasure")
    raw = write_shop(base / "raw")
    work = base / "work"
    database = work / "warehouse.duckdb"
    # the CRM's own request table exists before any build (empty until requests arrive)
    work.mkdir()
    con = duckdb.connect(str(database))
    con.execute("create schema crm_privacy")
    con.execute(f"create table {CRM_TABLE} (contact_id varchar, requested_at varchar)")
    con.close()
    vars_ = {"as_of_date": AS_OF, "erasure_requests_relation": CRM_TABLE, "erasure_max_share": 0.4}

    baseline = build_on(raw, work, vars=vars_, args=MODELS)
    assert_ok(baseline)
    state = {"baseline": snapshot(baseline), "baseline_facts": baseline.by_key("main_marts.fct_contact_behavior")}

    # a history table as a snapshot would keep it, in a project schema
    con = duckdb.connect(str(database))
    con.execute(
        "create table main_marts.contact_segment_history as "
        "select contact_id, segmentation_type, segment, as_of_date from main_marts.segment_membership"
    )
    state["history_before"] = con.execute(
        "select contact_id, count(*) from main_marts.contact_segment_history group by 1 order by 1").fetchall()
    # the requests arrive
    con.execute(f"insert into {CRM_TABLE} values ('{ERASED_CRM}', '2024-04-01')")
    con.close()
    write_raw(raw, "erasure_requests", [(ERASED, "2024-04-01 08:00:00")], columns=["contact_id", "requested_at"])

    purge_vars = {"raw_data_path": str(raw), **vars_}
    # the default cap (5%) refuses to purge two of five contacts
    log_file = work / "logs" / "dbt.log"
    logged_before = log_file.read_text()
    state["capped"] = run_dbt(["run-operation", "purge_erased_contacts", "--args", "{dry_run: false}"], database,
                              vars={**purge_vars, "erasure_max_share": 0.05})
    state["capped_log"] = log_file.read_text()[len(logged_before):]
    state["history_after_capped"] = history_counts(baseline)
    # without arguments the purge is a dry run
    dry = run_dbt(["run-operation", "purge_erased_contacts"], database, vars=purge_vars)
    assert_ok(dry)
    state["after_dry_run"] = history_counts(baseline)
    state["quarantine_before_purge"] = baseline.query(
        "select contact_id, count(*) as n from main_staging.stg_raw__quarantine group by 1 order by 1")
    purge = run_dbt(["run-operation", "purge_erased_contacts", "--args", "{dry_run: false}"], database,
                    vars=purge_vars)
    assert_ok(purge)
    state["history_after_purge"] = history_counts(baseline)
    state["facts_after_purge"] = sorted(
        row["contact_id"] for row in baseline.query("select contact_id from main_marts.fct_contact_behavior"))
    state["quarantine_after_purge"] = baseline.query(
        "select contact_id, count(*) as n from main_staging.stg_raw__quarantine group by 1 order by 1")
    state["devices_after_purge"] = baseline.query(
        "select anonymous_id, contact_id from main_intermediate.int_identity_map order by 1")
    state["bob_events_after_purge"] = baseline.query(
        "select event_id, anonymous_id from main_staging.stg_raw__events where contact_id = 'keep-bob' order by 1")
    state["blocklist"] = baseline.query("select anonymous_id from main_privacy.erased_anonymous_ids order by 1")
    state["address_hashes"] = baseline.query("select * from main_privacy.erased_address_hashes order by 1")
    state["compact_after_purge"] = compact_and_scan(database)

    rebuilt = build_on(raw, work, vars=vars_, args=BUILD)
    assert_ok(rebuilt)
    state["rebuilt"] = rebuilt
    state["compact_after_rebuild"] = compact_and_scan(database)
    return state


def history_counts(build: Build) -> list[dict]:
    return build.query("select contact_id, count(*) as n from main_marts.contact_segment_history group by 1 order by 1")


def compact_and_scan(database) -> dict:
    """Rewrite the file with segkit.compact, then search its bytes for the erased and the kept contacts."""
    release_database()
    done = subprocess.run([sys.executable, "-m", "segkit.compact", str(database)], cwd=PROJECT_DIR,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    data = database.read_bytes()
    erased = [EMAILS[ERASED], EMAILS[ERASED_CRM], EMAILS[ERASED].lower(), ERASED]
    kept = ["keep-alice", "keep-carol", email_hash("keep-alice")]
    return {
        "erased_found": [needle for needle in erased if needle.encode() in data],
        # kept on purpose: the suppression record (main_privacy.erased_address_hashes)
        "hashes_found": [needle for needle in (email_hash(ERASED), email_hash(ERASED_CRM)) if needle.encode() in data],
        "kept_found": [needle for needle in kept if needle.encode() in data],
        "wal": database.with_name(database.name + ".wal").exists(),
        "printed": done.stdout,
    }


def test_purge_refuses_to_erase_more_than_the_cap(erasure):
    assert not erasure["capped"].ok
    assert "the erasure requests name 2 of the 5 raw contacts (40.0%)" in erasure["capped_log"]
    assert [(r["contact_id"], r["n"]) for r in erasure["history_after_capped"]] == erasure["history_before"]


def test_purge_deletes_erased_rows_from_every_table(erasure):
    # the dry run changes nothing
    assert [(r["contact_id"], r["n"]) for r in erasure["after_dry_run"]] == erasure["history_before"]
    # the purge removes both erased contacts from the history table and from
    # tables built before the requests arrived, and keeps everyone else
    history = {r["contact_id"]: r["n"] for r in erasure["history_after_purge"]}
    assert set(history) == set(KEPT)
    assert history == {cid: n for cid, n in erasure["history_before"] if cid in KEPT}
    assert erasure["facts_after_purge"] == sorted(KEPT)
    # the quarantine held the erased contact's rejected rows; the purge removes them
    assert {r["contact_id"] for r in erasure["quarantine_before_purge"]} >= {ERASED}
    assert ERASED not in {r["contact_id"] for r in erasure["quarantine_after_purge"]}


def test_purge_blocks_the_erased_contacts_device(erasure):
    # the device is recorded, so later builds cannot re-link it even after the raw rows are gone
    assert [r["anonymous_id"] for r in erasure["blocklist"]] == ["anon-erased"]
    assert "anon-erased" not in {r["anonymous_id"] for r in erasure["devices_after_purge"]}
    # bob's own event on that device stays his, with the device blanked
    assert {r["event_id"]: r["anonymous_id"] for r in erasure["bob_events_after_purge"]}["ev17"] is None


def test_purge_records_the_erased_addresses_hashes_only(erasure):
    # the suppression that honours the request: one column, the hash; no contact id, no address
    assert erasure["address_hashes"] == [{"email_sha256": h} for h in sorted([email_hash(ERASED),
                                                                              email_hash(ERASED_CRM)])]


def test_compaction_leaves_no_byte_of_an_erased_address_or_id(erasure):
    for scan in (erasure["compact_after_purge"], erasure["compact_after_rebuild"]):
        assert scan["erased_found"] == [], scan
        # the address hashes are the kept suppression record (where: test_no_relation_holds_an_erased_contact)
        assert sorted(scan["hashes_found"]) == sorted([email_hash(ERASED), email_hash(ERASED_CRM)]), scan
        # the scan can see plain text in the file: the kept contacts are found
        assert scan["kept_found"], scan
        assert not scan["wal"]


def test_no_relation_holds_an_erased_contact(erasure):
    rebuilt = erasure["rebuilt"]
    needles = [ERASED, ERASED_CRM, EMAILS[ERASED], EMAILS[ERASED_CRM]]
    # the CRM's request table is the request itself; everything else is searched
    found = find_substrings(
        rebuilt.database, needles, include=lambda r: f"{r.schema}.{r.name}" != CRM_TABLE)
    assert found == {}, found
    # the address hashes: in the suppression record only (kept on purpose, issue 10), nowhere else
    hashes = find_substrings(rebuilt.database, [email_hash(ERASED), email_hash(ERASED_CRM)],
                             include=lambda r: f"{r.schema}.{r.name}" != CRM_TABLE)
    assert set(hashes) == {'"main_privacy"."erased_address_hashes"',
                           '"main_intermediate"."int_address_suppressions"'}, hashes
    suppressed = rebuilt.by_key("main_intermediate.int_address_suppressions", key="email_sha256")
    assert suppressed[email_hash(ERASED)]["suppression_reason"] == "erased"
    assert suppressed[email_hash(ERASED)]["suppression_sources"] == "erasure"
    # the scan does look at every relation: the kept contacts are found in the marts and staging
    kept = find_substrings(rebuilt.database, ["keep-alice"])
    assert '"main_marts"."fct_contact_behavior"' in kept and '"main_staging"."base_raw__events"' in kept


def test_erased_rows_are_accounted_not_lost(erasure):
    accounting = {row["source_table"]: row for row in erasure["rebuilt"].table("main_staging.stg_raw__row_accounting")}
    # events: ev03-ev07 by contact id, and ev01-ev02, anonymous on the erased contact's own device
    assert {table: row["rows_erased"] for table, row in accounting.items()} == {
        "contacts": 3, "events": 7, "orders": 3, "suppressions": 0}
    for row in accounting.values():
        assert row["rows_read"] == (row["rows_staged"] + row["duplicates_removed"] + row["rows_quarantined"]
                                    + row["rows_erased"])


def test_erased_device_is_erased_too_and_never_relinked(erasure):
    stitched = erasure["rebuilt"].by_key("main_intermediate.int_events_stitched", key="event_id")
    # the erased contact's anonymous visits on their own device are theirs: gone
    assert not {"ev01", "ev02"} & set(stitched)
    # bob used the device later: his event stays his, but the device links nobody
    assert stitched["ev17"]["contact_id"] == "keep-bob"
    assert "anon-erased" not in erasure["rebuilt"].by_key("main_intermediate.int_identity_map", key="anonymous_id")
    # the identified events are gone
    assert not {"ev03", "ev04", "ev05", "ev07"} & set(stitched)
    # other stitching is untouched
    assert stitched["ev10"]["contact_id"] == "keep-alice"


def test_other_contacts_are_unchanged(erasure):
    before, after = erasure["baseline"], snapshot(erasure["rebuilt"])
    for relation in before:
        assert after[relation] == before[relation], relation
    assert sorted(erasure["rebuilt"].by_key("main_marts.fct_contact_behavior")) == sorted(KEPT)
    # and the baseline did hold the erased contacts, so the test is not vacuous
    assert {ERASED, ERASED_CRM} <= set(erasure["baseline_facts"])


def test_no_subquery_column_is_unqualified(erasure):
    # the root cause of the erase-everyone bug: a column of an EXISTS / IN subquery that does not
    # name its relation binds to the outer row when the subquery's source lacks it. The rebuild
    # above compiled every model and data test with erasure requests present (so the erasure
    # predicates are rendered, not short-cut): none may hold such a column.
    compiled = erasure["rebuilt"].database.parent / "target" / "compiled"
    checked = list(compiled.rglob("*.sql"))
    assert len(checked) > 300, "the build compiled the models and tests"
    assert lint_folder(compiled) == {}
    assert any("erased_device" in path.read_text() for path in checked)  # the erasure predicates were rendered


def test_the_lint_catches_the_old_erasure_subquery():
    old = ("select * from raw as raw_rows where not exists (select 1 from (select contact_id "
           "from read_csv('erasure_requests.csv')) as erased where erased.contact_id = raw_rows.contact_id)")
    assert unqualified_references(old) == [
        "contact_id in: (select 1 from (select contact_id from read_csv('erasure_requests.csv')) as erased "
        "where erased.contact_id = raw_rows.contact_id)"]


def test_logs_hold_no_raw_address(erasure):
    # every build, purge and compaction above logged to work/logs: no raw address may be there
    logs = erasure["rebuilt"].database.parent / "logs"
    text = "".join(path.read_text(errors="replace") for path in logs.rglob("*") if path.is_file())
    assert "purge_erased_contacts" in text  # the purge did log here
    assert [email for email in EMAILS.values() if email.lower() in text.lower()] == []
