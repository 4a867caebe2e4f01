"""Tests of the synthetic data generator (segkit.generate).

Fast (a few seconds): small generations into temporary folders, plus checks of
the committed sample in seeds/raw/ and tests/fixtures/sample_personas.csv.
"""

from __future__ import annotations

import csv
import filecmp
import re
from pathlib import Path

import duckdb
import pytest

from segkit import generate as g
from segkit import occasion_calendar
from segkit.__main__ import SAMPLE_TARGETS, build_parser, main, sample_args

REPO = Path(__file__).resolve().parents[2]
END = "2026-10-31"
TABLES = ("contacts", "events", "orders", "personas")


def _gen(out: Path, **kw) -> dict:
    args = dict(contacts=300, days=200, seed=5)
    args.update(kw)
    return g.generate(args.pop("contacts"), args.pop("days"), args.pop("seed"), out, **args)


def _same_files(a: Path, b: Path, ext: str = "csv") -> bool:
    return all(filecmp.cmp(a / f"{t}.{ext}", b / f"{t}.{ext}", shallow=False) for t in TABLES)


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> Path:
    """A fresh generation with SAMPLE_COMMAND, run through the CLI."""
    out = tmp_path_factory.mktemp("sample")
    assert main(sample_args(str(out)) + ["--quiet"]) == 0
    return out


@pytest.fixture(scope="module")
def db(sample) -> duckdb.DuckDBPyConnection:
    """DuckDB tables of the fresh sample (all text, as a staging model would read it) and derived
    tables: ev (deduplicated, parseable events with persona), od (valid completed orders), pdays."""
    con = duckdb.connect()
    for t in TABLES:
        con.execute(f"CREATE TABLE raw_{t} AS SELECT * FROM read_csv('{sample / (t + '.csv')}', "
                    "header = true, all_varchar = true)")
    cal = occasion_calendar.write_csv(sample / "_calendar.csv", range(2020, 2031))
    con.execute(f"""
        CREATE TABLE occ AS SELECT CAST(start_date AS DATE) AS sd, CAST(end_date AS DATE) AS ed
        FROM read_csv('{cal}', header = true, all_varchar = true);
        CREATE TABLE ev AS
            SELECT DISTINCT ON (event_id) e.*, CAST(occurred_at AS TIMESTAMP) AS ts, p.persona
            FROM raw_events e LEFT JOIN raw_personas p USING (contact_id)
            WHERE try_cast(occurred_at AS TIMESTAMP) IS NOT NULL
            ORDER BY event_id, properties;
        CREATE TABLE od AS
            SELECT o.*, CAST(ordered_at AS TIMESTAMP) AS ts, CAST(ordered_at AS DATE) AS dt,
                   CAST(order_total AS DOUBLE) AS total, coalesce(CAST(discount_total AS DOUBLE), 0) AS disc, p.persona
            FROM raw_orders o JOIN raw_personas p USING (contact_id)
            WHERE order_id IS NOT NULL AND status = 'completed' AND CAST(order_total AS DOUBLE) >= 0;
        CREATE TABLE pdays AS
            SELECT contact_id, persona, dt, dayofweek(dt) IN (0, 6) AS weekend,
                   EXISTS (SELECT 1 FROM occ WHERE dt BETWEEN sd AND ed) AS in_occasion
            FROM od GROUP BY ALL;
    """)
    return con


def _per_persona(db, persona: str, sql: str) -> list[tuple]:
    """Run ``sql`` (one row per contact, with a ``contact_id``) for all contacts of ``persona``."""
    return db.execute(f"SELECT f.* FROM raw_personas p LEFT JOIN ({sql}) f USING (contact_id) "
                      f"WHERE p.persona = '{persona}'").fetchall()


# ----------------------------------------------------------------------------- determinism


def test_same_arguments_give_identical_bytes(tmp_path):
    _gen(tmp_path / "a")
    # different thread count and chunking must not matter either
    _gen(tmp_path / "b", threads=1, chunk_contacts=70)
    assert _same_files(tmp_path / "a", tmp_path / "b")


def test_parquet_is_deterministic_and_matches_csv(tmp_path):
    _gen(tmp_path / "a", fmt="parquet", contacts=150)
    _gen(tmp_path / "b", fmt="parquet", contacts=150, threads=1, chunk_contacts=40)
    _gen(tmp_path / "c", contacts=150)
    assert _same_files(tmp_path / "a", tmp_path / "b", "parquet")
    con = duckdb.connect()
    from_parquet = con.execute(f"""
        SELECT event_id, contact_id, anonymous_id, event_type,
               coalesce(CAST(occurred_at AS VARCHAR), 'not-a-date'), channel, properties
        FROM '{tmp_path / "a" / "events.parquet"}'""").fetchall()
    from_csv = con.execute(f"SELECT * FROM read_csv('{tmp_path / 'c' / 'events.csv'}', all_varchar = true)").fetchall()
    assert from_parquet == from_csv
    types = {r[0]: r[1] for r in con.execute(f"DESCRIBE SELECT * FROM '{tmp_path / 'a' / 'orders.parquet'}'").fetchall()}
    assert types["ordered_at"] == "TIMESTAMP" and types["order_total"].startswith("DECIMAL")


def test_different_seed_gives_different_data(tmp_path):
    _gen(tmp_path / "a", seed=5)
    _gen(tmp_path / "b", seed=6)
    for t in ("contacts", "events", "orders", "personas"):
        assert not filecmp.cmp(tmp_path / "a" / f"{t}.csv", tmp_path / "b" / f"{t}.csv", shallow=False), t


def test_committed_sample_is_reproducible(sample):
    """seeds/raw/*.csv and tests/fixtures/sample_personas.csv equal a fresh run of SAMPLE_COMMAND."""
    for name, committed in SAMPLE_TARGETS.items():
        assert committed.exists(), f"{committed} missing: run python -m segkit sample"
        assert filecmp.cmp(sample / name, committed, shallow=False), (
            f"{committed} differs from `{g.SAMPLE_COMMAND}`: run python -m segkit sample")


def test_sample_command_is_the_documented_one():
    assert g.SAMPLE_COMMAND.startswith("python -m segkit generate ")
    args = build_parser().parse_args(sample_args("/x"))
    assert (args.contacts, args.days, args.seed, args.fmt, args.dirty, args.end_date) == (
        400, 730, 42, "csv", True, END)


# ----------------------------------------------------------------------------- format


def test_headers_match_contract(sample):
    for t, cols in g.TABLE_COLUMNS.items():
        with open(sample / f"{t}.csv", newline="") as f:
            assert next(csv.reader(f)) == cols, t


def test_values_follow_the_contract(sample, db):
    ts = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$")
    with open(sample / "contacts.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    assert [r["contact_id"] for r in rows] == [f"c{i:06d}" for i in range(1, 401)]
    assert all(ts.match(r["created_at"]) for r in rows)
    assert {r["email_opt_in"] for r in rows} == {"true", "false", ""}
    assert all(r["email"] == "" or re.match(r"^[a-z]+\.[a-z]+\d+@example\.com$", r["email"]) for r in rows)
    opt = db.execute("SELECT avg((email_opt_in = 'true')::INT), avg((email_opt_in IS NULL)::INT) "
                     "FROM raw_contacts").fetchone()
    assert opt[0] > 0.85 and 0 < opt[1] < 0.06

    bad = db.execute(r"""SELECT count(*) FROM raw_events WHERE NOT regexp_matches(event_id, '^e\d{9}$')
                         OR NOT (contact_id IS NULL OR regexp_matches(contact_id, '^c\d{6,}$'))
                         OR NOT (anonymous_id IS NULL OR regexp_matches(anonymous_id, '^a\d{7,}$'))
                         OR (contact_id IS NULL AND anonymous_id IS NULL)
                         OR NOT (properties IS NULL OR json_valid(properties))""").fetchone()[0]
    assert bad == 0
    n_ts = db.execute(r"SELECT count(*) FROM raw_events WHERE NOT regexp_matches(occurred_at, "
                      r"'^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$')").fetchone()[0]
    assert n_ts == 1  # the one 'not-a-date'
    for etype, channels in g.EVENT_CHANNELS.items():
        seen = {r[0] for r in db.execute(f"SELECT DISTINCT channel FROM raw_events WHERE event_type = '{etype}'").fetchall()}
        assert seen and seen <= set(channels), etype
    lo, hi = db.execute("SELECT min(ts), max(ts) FROM ev").fetchone()
    assert str(hi.date()) == END  # as_of_date defaults to the end date
    assert str(lo.date()) >= "2024-11-01"
    assert db.execute("SELECT max(ts) FROM od").fetchone()[0].date().isoformat() <= END

    orders = db.execute("""SELECT count(*), count(DISTINCT order_id),
                                  avg((status = 'refunded')::INT), avg((status = 'cancelled')::INT),
                                  bool_and(currency = 'USD'),
                                  bool_and(shipping_method IN ('standard', 'express', 'pickup', 'digital')),
                                  bool_and(product_tier IN ('budget', 'standard', 'premium')),
                                  bool_and(regexp_matches(ordered_at, '^\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}$')),
                                  bool_and(regexp_matches(order_total, '^-?\\d+\\.\\d{2}$'))
                           FROM raw_orders WHERE order_id IS NOT NULL""").fetchone()
    assert orders[0] == orders[1]
    assert 0.01 < orders[2] < 0.06 and 0.005 < orders[3] < 0.05
    assert all(orders[4:])


def test_orders_are_preceded_by_cart_and_checkout(db):
    missing = db.execute("""
        SELECT count(*) FROM raw_orders o WHERE order_id IS NOT NULL AND status <> 'pending_review'
          AND CAST(order_total AS DOUBLE) >= 0
          AND NOT (EXISTS (SELECT 1 FROM ev e WHERE e.contact_id = o.contact_id AND e.event_type = 'add_to_cart'
                           AND e.ts BETWEEN CAST(o.ordered_at AS TIMESTAMP) - INTERVAL 1 HOUR AND CAST(o.ordered_at AS TIMESTAMP))
               AND EXISTS (SELECT 1 FROM ev e WHERE e.contact_id = o.contact_id AND e.event_type = 'checkout_started'
                           AND e.ts BETWEEN CAST(o.ordered_at AS TIMESTAMP) - INTERVAL 10 MINUTE
                                        AND CAST(o.ordered_at AS TIMESTAMP)))""").fetchone()[0]
    assert missing <= 1  # the order with an empty order_id is excluded above; the pending one too


def test_sample_size_and_persona_mix(sample, db):
    n_events = db.execute("SELECT count(*) FROM raw_events").fetchone()[0]
    assert 20_000 <= n_events <= 60_000
    assert sum(f.stat().st_size for f in sample.glob("*.csv")) < 10_000_000
    mix = dict(db.execute("SELECT persona, count(*) FROM raw_personas GROUP BY 1").fetchall())
    assert set(mix) == {p.name for p in g.PERSONAS}
    assert min(mix.values()) >= 10


def test_events_scale_with_contacts(tmp_path):
    small = _gen(tmp_path / "a", contacts=200, days=365, dirty=False)["rows"]["events"]
    large = _gen(tmp_path / "b", contacts=400, days=365, dirty=False)["rows"]["events"]
    assert 1.8 < large / small < 2.2
    assert 60 < small / 200 < 130  # about EVENTS_PER_CONTACT_YEAR + fixed windows


# ----------------------------------------------------------------------------- dirty / clean


def test_clean_output_has_no_messy_rows(tmp_path):
    _gen(tmp_path, dirty=False, contacts=400)
    con = duckdb.connect()
    ev = f"read_csv('{tmp_path / 'events.csv'}', all_varchar = true)"
    od = f"read_csv('{tmp_path / 'orders.csv'}', all_varchar = true)"
    ct = f"read_csv('{tmp_path / 'contacts.csv'}', all_varchar = true)"
    assert con.execute(f"SELECT count(*) - count(DISTINCT event_id) FROM {ev}").fetchone()[0] == 0
    assert con.execute(f"SELECT count(*) FROM {ev} WHERE try_cast(occurred_at AS TIMESTAMP) IS NULL").fetchone()[0] == 0
    known = {t for t in g.EVENT_CHANNELS}
    assert {r[0] for r in con.execute(f"SELECT DISTINCT event_type FROM {ev}").fetchall()} <= known
    assert con.execute(f"SELECT count(*) FROM {ev} WHERE contact_id NOT IN (SELECT contact_id FROM {ct})").fetchone()[0] == 0
    assert con.execute(f"""SELECT count(*) FROM {od} WHERE order_id IS NULL OR CAST(order_total AS DOUBLE) < 0
                           OR status NOT IN ('completed', 'refunded', 'cancelled')""").fetchone()[0] == 0


def test_dirty_rows_are_planted_on_safe_personas_only(db):
    one = db.execute("""SELECT count(*) FILTER (WHERE occurred_at = 'not-a-date') FROM raw_events""").fetchone()[0]
    assert one == 1
    o = db.execute("""SELECT count(*) FILTER (WHERE CAST(order_total AS DOUBLE) < 0),
                             count(*) FILTER (WHERE status = 'pending_review'),
                             count(*) FILTER (WHERE order_id IS NULL)
                      FROM raw_orders""").fetchone()
    assert o == (1, 1, 1)
    dups = db.execute("""SELECT count(*) FILTER (WHERE n_props = 1), count(*) FILTER (WHERE n_props > 1)
                         FROM (SELECT event_id, count(DISTINCT properties) AS n_props FROM raw_events
                               GROUP BY 1 HAVING count(*) > 1)""").fetchone()
    assert dups[0] >= 5 and dups[1] >= 5
    orphans = db.execute("""SELECT count(*) FROM raw_events
                            WHERE contact_id NOT IN (SELECT contact_id FROM raw_contacts)""").fetchone()[0]
    assert orphans >= 5
    assert db.execute("SELECT count(*) FROM raw_events WHERE event_type = 'push_open'").fetchone()[0] >= 5
    safe = "(" + ",".join(f"'{p}'" for p in g.DIRTY_SAFE_PERSONAS) + ")"
    outside = db.execute(f"""
        WITH dirty_ev AS (
            SELECT contact_id FROM raw_events WHERE occurred_at = 'not-a-date' OR event_type = 'push_open'
            UNION ALL SELECT contact_id FROM raw_events GROUP BY event_id, contact_id HAVING count(*) > 1
            UNION ALL SELECT contact_id FROM raw_orders WHERE order_id IS NULL OR status = 'pending_review'
                      OR CAST(order_total AS DOUBLE) < 0)
        SELECT count(*) FROM dirty_ev JOIN raw_personas USING (contact_id) WHERE persona NOT IN {safe}""").fetchone()[0]
    assert outside == 0
    total = db.execute("SELECT count(*) FROM raw_events").fetchone()[0]
    n_dirty = (dups[0] + dups[1] + orphans + 1
               + db.execute("SELECT count(*) FROM raw_events WHERE event_type = 'push_open'").fetchone()[0])
    assert 0.0005 < n_dirty / total < 0.005


# ----------------------------------------------------------------------------- personas

PURCHASE = """SELECT contact_id, count(*) AS n_orders, avg((disc > 0)::INT) AS disc_share,
                     avg((product_tier = 'premium')::INT) AS premium_share,
                     avg((product_tier = 'budget')::INT) AS budget_share,
                     avg((shipping_method IN ('express', 'pickup', 'digital'))::INT) AS conv_share,
                     count(DISTINCT dt) AS days, min(ts) AS first_ts, max(dt) AS last_dt
              FROM od GROUP BY 1"""


def test_deal_seekers_use_discounts(db):
    for _, n, disc, _, budget, *_ in _per_persona(db, "deal_seeker", PURCHASE):
        assert n >= 3 and disc >= 0.8 and budget >= 0.5


def test_premium_buyers_buy_premium(db):
    for _, n, disc, prem, *_ in _per_persona(db, "premium_buyer", PURCHASE):
        assert n >= 3 and prem >= 0.8 and disc <= 0.2


def test_convenience_buyers_use_fast_shipping_and_the_app(db):
    rows = _per_persona(db, "convenience_buyer", PURCHASE)
    for _, n, disc, prem, _, conv, *_ in rows:
        assert n >= 3 and conv >= 0.8 and disc == 0 and prem == 0
    app = _per_persona(db, "convenience_buyer",
                       "SELECT contact_id, count(*) FROM ev WHERE event_type = 'app_session' GROUP BY 1")
    assert all(r[1] and r[1] >= 10 for r in app)


def test_holiday_and_weekend_shoppers(db):
    sql = """SELECT contact_id, count(*) AS days, avg(in_occasion::INT) AS occ, avg(weekend::INT) AS wkend
             FROM pdays GROUP BY 1"""
    for _, days, occ, wkend in _per_persona(db, "holiday_shopper", sql):
        assert days >= 2 and occ == 1 and wkend < 0.5
    for _, days, occ, wkend in _per_persona(db, "weekend_shopper", sql):
        assert days >= 3 and occ == 0 and wkend == 1


def test_heavy_app_users_use_the_app_more_than_light_ones(db):
    sql = f"""SELECT contact_id, count(*) AS sessions, count(DISTINCT ts::DATE) AS active_days,
                     count(DISTINCT ts::DATE) FILTER (WHERE ts >= DATE '{END}' - 6) AS days7
              FROM ev WHERE event_type = 'app_session' AND ts >= DATE '{END}' - 89 GROUP BY 1"""
    heavy = _per_persona(db, "heavy_app_user", sql)
    light = _per_persona(db, "light_app_user", sql)
    assert all(r[2] >= 60 and r[3] >= 5 for r in heavy)  # 5-7 days a week
    assert all(1 <= (r[1] or 0) <= 9 for r in light)  # 1-3 a month
    assert min(r[1] for r in heavy) > 5 * max(r[1] for r in light)


def test_researchers_research_and_impulse_buyers_do_not(db):
    sql = """SELECT f.contact_id,
                    count(*) FILTER (WHERE e.event_type IN ('product_view', 'content_download') AND e.ts < f.first_ts),
                    count(*) FILTER (WHERE e.event_type IN ('page_view', 'product_view')
                                     AND e.ts BETWEEN f.first_ts - INTERVAL 7 DAY AND f.first_ts),
                    f.days
             FROM (SELECT contact_id, min(ts) AS first_ts, count(DISTINCT dt) AS days FROM od GROUP BY 1) f
             LEFT JOIN ev e USING (contact_id) GROUP BY f.contact_id, f.first_ts, f.days"""
    for _, research, visits7, days in _per_persona(db, "researcher", sql):
        assert research >= 5 and visits7 >= 2 and 1 <= days <= 2
    for _, research, visits7, days in _per_persona(db, "impulse_buyer", sql):
        assert visits7 == 0 and research <= 1 and 1 <= days <= 2
    # other buyers are neither researchers nor impulse buyers
    others = db.execute(f"""SELECT count(*) FROM ({sql}) t(contact_id, research, visits7, days)
                            JOIN raw_personas USING (contact_id)
                            WHERE persona NOT IN ('researcher', 'impulse_buyer') AND (research > 2 OR visits7 < 2)
                         """).fetchone()[0]
    assert others == 0


def test_window_shoppers_and_cart_abandoners(db):
    sql = f"""SELECT contact_id,
                     count(*) FILTER (WHERE event_type IN ('page_view', 'product_view') AND ts >= DATE '{END}' - 29),
                     count(*) FILTER (WHERE event_type IN ('add_to_cart', 'checkout_started')),
                     (SELECT count(*) FROM raw_orders o WHERE o.contact_id = ev.contact_id)
              FROM ev GROUP BY contact_id"""
    for _, recent_views, carts, orders in _per_persona(db, "window_shopper", sql):
        assert recent_views >= 3 and carts == 0 and orders == 0
    abandoned = f"""
        SELECT contact_id, count(*) FROM ev c
        WHERE event_type = 'add_to_cart' AND ts >= DATE '{END}' - 13
          AND EXISTS (SELECT 1 FROM ev k WHERE k.contact_id = c.contact_id AND k.event_type = 'checkout_started'
                      AND k.ts BETWEEN c.ts AND c.ts + INTERVAL 1 HOUR)
          AND NOT EXISTS (SELECT 1 FROM raw_orders o WHERE o.contact_id = c.contact_id
                          AND CAST(o.ordered_at AS TIMESTAMP) >= c.ts)
        GROUP BY 1"""
    assert all((r[1] or 0) >= 1 for r in _per_persona(db, "cart_abandoner", abandoned))
    # nobody else abandons a cart
    assert db.execute(f"""SELECT count(*) FROM ({abandoned}) JOIN raw_personas USING (contact_id)
                          WHERE persona <> 'cart_abandoner'""").fetchone()[0] == 0


def test_leads_and_email_states(db):
    sql = f"""SELECT contact_id,
                     count(*) FILTER (WHERE event_type IN ('content_download', 'form_submit') AND ts >= DATE '{END}' - 59),
                     count(*) FILTER (WHERE event_type = 'email_open'),
                     count(*) FILTER (WHERE event_type IN ('email_open', 'email_click', 'page_view', 'product_view',
                                                           'app_session', 'form_submit', 'content_download',
                                                           'social_engagement') AND ts >= DATE '{END}' - 179),
                     count(*) FILTER (WHERE event_type IN ('email_open', 'email_click') AND ts < DATE '{END}' - 179),
                     count(*) FILTER (WHERE event_type = 'email_delivered' AND ts >= DATE '{END}' - 179),
                     count(*) FILTER (WHERE event_type = 'unsubscribe'),
                     count(*) FILTER (WHERE event_type = 'email_bounce'),
                     (SELECT email_opt_in FROM raw_contacts c WHERE c.contact_id = ev.contact_id),
                     (SELECT count(*) FROM raw_orders o WHERE o.contact_id = ev.contact_id)
              FROM ev GROUP BY contact_id"""
    for _, lead, opens, _, _, _, _, _, opt_in, orders in _per_persona(db, "lead", sql):
        assert lead >= 1 and opens >= 1 and opt_in == "true" and orders == 0
    for _, _, _, eng180, eng_before, sent180, _, _, opt_in, orders in _per_persona(db, "unengaged_subscriber", sql):
        assert eng180 == 0 and eng_before >= 3 and sent180 >= 20 and opt_in == "true" and orders == 0
    assert all(r[6] >= 1 for r in _per_persona(db, "unsubscribed", sql))
    assert all(r[7] >= 1 for r in _per_persona(db, "bounced", sql))
    # nobody else unsubscribes or bounces
    assert db.execute("""SELECT count(*) FROM ev WHERE (event_type = 'unsubscribe' AND persona <> 'unsubscribed')
                         OR (event_type = 'email_bounce' AND persona <> 'bounced')""").fetchone()[0] == 0
    # no delivery after an unsubscribe or a bounce
    assert db.execute("""SELECT count(*) FROM ev d JOIN (SELECT contact_id, min(ts) AS t FROM ev
                                                         WHERE event_type IN ('unsubscribe', 'email_bounce') GROUP BY 1) s
                         USING (contact_id) WHERE d.event_type = 'email_delivered' AND d.ts > s.t""").fetchone()[0] == 0


def test_loyalty_personas(db):
    sql = f"""SELECT contact_id, count(DISTINCT dt) FILTER (WHERE dt >= DATE '{END}' - 364),
                     DATE '{END}' - max(dt), count(DISTINCT dt),
                     (SELECT count(*) FROM ev WHERE ev.contact_id = od.contact_id AND event_type = 'email_open'),
                     (SELECT count(*) FROM ev WHERE ev.contact_id = od.contact_id
                        AND event_type IN ('review_submitted', 'referral_sent')),
                     DATE '{END}' - (SELECT max(ts)::DATE FROM ev WHERE ev.contact_id = od.contact_id)
              FROM od GROUP BY contact_id"""
    for persona in ("loyal_regular", "advocate"):
        for _, days365, since_last, _, opens, advocacy, _ in _per_persona(db, persona, sql):
            assert days365 >= 6 and since_last <= 30 and opens >= 1
            assert (advocacy >= 1) == (persona == "advocate")
    for _, _, since_last, days, _, _, since_event in _per_persona(db, "lapsed_loyal", sql):
        assert days >= 4 and since_last >= 200 and since_event >= 200


def test_new_customers(db):
    sql = f"""SELECT o.contact_id, count(DISTINCT dt), DATE '{END}' - max(dt),
                     max(dt) - CAST(max(c.created_at) AS DATE)
              FROM od o JOIN raw_contacts c USING (contact_id) GROUP BY 1"""
    for _, days, since, since_created in _per_persona(db, "new_customer", sql):
        assert days == 1 and since < 20 and 0 <= since_created <= 40


def test_anonymous_converted_are_identified_once(db):
    sql = """SELECT a.contact_id,
                    (SELECT count(*) FROM ev e WHERE e.anonymous_id = a.anonymous_id AND e.contact_id IS NULL
                       AND e.ts < a.ts),
                    (SELECT count(*) FROM ev e WHERE e.contact_id = a.contact_id AND e.ts > a.ts),
                    (SELECT count(*) FROM ev e WHERE e.anonymous_id = a.anonymous_id AND e.contact_id IS NULL
                       AND e.ts > a.ts)
             FROM (SELECT contact_id, anonymous_id, min(ts) AS ts FROM ev
                   WHERE contact_id IS NOT NULL AND anonymous_id IS NOT NULL GROUP BY ALL) a"""
    for _, before, after, anon_after in _per_persona(db, "anonymous_converted", sql):
        assert before >= 3 and after >= 1 and anon_after == 0
    first = db.execute("""SELECT e.event_type, count(*) FROM ev e
                          JOIN (SELECT contact_id, min(ts) AS ts FROM ev WHERE persona = 'anonymous_converted'
                                AND contact_id IS NOT NULL GROUP BY 1) f USING (contact_id)
                          WHERE e.ts = f.ts GROUP BY 1""").fetchall()
    assert [r[0] for r in first] == ["form_submit"]
    # each anonymous id maps to at most one contact
    assert db.execute("""SELECT count(*) FROM (SELECT anonymous_id FROM ev WHERE contact_id IS NOT NULL
                         AND anonymous_id IS NOT NULL GROUP BY 1 HAVING count(DISTINCT contact_id) > 1)""").fetchone()[0] == 0


def test_dormant_and_prospects(db):
    sql = f"""SELECT c.contact_id, CAST(c.created_at AS DATE),
                     (SELECT count(*) FROM ev WHERE ev.contact_id = c.contact_id),
                     (SELECT count(*) FROM ev WHERE ev.contact_id = c.contact_id AND ts >= DATE '{END}' - 364),
                     (SELECT count(*) FROM raw_orders o WHERE o.contact_id = c.contact_id)
              FROM raw_contacts c"""
    dormant = _per_persona(db, "dormant", sql)
    assert all(r[3] == 0 and r[4] == 0 and str(r[1]) < "2024-08-01" for r in dormant)  # created 100+ days before the span
    assert sum(r[2] > 0 for r in dormant) >= len(dormant) // 2  # old activity exists
    assert all(r[2] == 0 and r[4] == 0 for r in _per_persona(db, "prospect_no_activity", sql))


def test_cli_help_states_the_volume(capsys):
    with pytest.raises(SystemExit):
        main(["generate", "--help"])
    out = capsys.readouterr().out
    assert "events per contact per year" in out and "--clean" in out
