"""Deterministic, vectorised synthetic data generator for the raw-data contract.

Writes ``contacts``, ``events`` and ``orders`` (the three raw tables of
``/work/shared/reference/segmentation.md`` section 1) plus ``personas`` (the
ground truth: one behavioural persona per contact) as CSV or Parquet.

How it works
------------
Everything is generated inside DuckDB with SQL; Python only assembles the
statements and concatenates output files.  Randomness never comes from
``random()``/``setseed`` (not reproducible across threads): every "random"
number is a hash of ``(seed, contact index, counter, salt)`` via the macros
``ir`` (integer in ``[0, n)``) and ``uf`` (float in ``[0, 1)``).  DuckDB's
``hash()`` gives the same values in duckdb 1.5.x and 2.0.x (checked), so a
given command yields byte-identical files on any number of threads and for
any chunk size.

Time is handled as integer "days ago" (0 = ``end_date``) and epoch seconds;
the data spans ``days`` calendar days ending on ``end_date`` (inclusive).

Contacts are processed in chunks of contact indexes (``chunk_contacts``); each
chunk's events are sorted by (contact, time) and written to a part file, the
parts are then concatenated.  Memory therefore stays bounded by the chunk size,
and the output does not depend on it.

Each contact gets exactly one persona (fixed mix, exact per block of 100
contacts), and persona rules produce strong, unambiguous signals (see
:data:`PERSONAS` and the rule tables below).  Background noise is modest and
is filtered so that it never contradicts a persona (e.g. no visits in the
week before an impulse buyer's first purchase).

Volume: about ``EVENTS_PER_CONTACT_FIXED + EVENTS_PER_CONTACT_YEAR * days / 365``
events per contact (86 for one year; 10 million events ~= 116,000 contacts x
365 days) and about 3 orders per contact.

Dirty rows (``dirty=True``): see :func:`describe_dirty_rows`.
"""

from __future__ import annotations

import datetime as _dt
import os
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb

from segkit import occasion_calendar

from segkit.raw_files import REQUIRED_COLUMNS

#: The documented command that produced the committed sample
#: (``seeds/raw/*.csv`` and ``tests/fixtures/sample_personas.csv``).
#: ``{out}`` is the output folder.  ``python -m segkit sample`` runs it and
#: copies the files into place.
SAMPLE_COMMAND = "python -m segkit generate --contacts 400 --days 730 --seed 42 --out {out}"

DEFAULT_END_DATE = "2026-10-31"

#: Volume model (measured): events ~= contacts * (EVENTS_PER_CONTACT_FIXED
#: + EVENTS_PER_CONTACT_YEAR * days / 365), i.e. about 86 per contact for a
#: one-year span (10 million events ~= 116,000 contacts over 365 days).
EVENTS_PER_CONTACT_YEAR = 64
#: Events per contact that do not scale with the span (90-day app windows, signals).
EVENTS_PER_CONTACT_FIXED = 22

#: Column order of the output tables: the raw-data contract
#: (models/staging/raw/_raw__sources.yml), without its optional columns
#: (contacts.time_zone), which the generator does not write.
CONTACT_COLUMNS = REQUIRED_COLUMNS["contacts"]
EVENT_COLUMNS = REQUIRED_COLUMNS["events"]
ORDER_COLUMNS = REQUIRED_COLUMNS["orders"]
PERSONA_COLUMNS = ["contact_id", "persona"]
TABLE_COLUMNS = {
    "contacts": CONTACT_COLUMNS,
    "events": EVENT_COLUMNS,
    "orders": ORDER_COLUMNS,
    "personas": PERSONA_COLUMNS,
}

#: Event type -> channels it is emitted on.
EVENT_CHANNELS = {
    "page_view": ("web",),
    "product_view": ("web", "app"),
    "email_delivered": ("email",),
    "email_open": ("email",),
    "email_click": ("email",),
    "email_bounce": ("email",),
    "unsubscribe": ("email",),
    "form_submit": ("web",),
    "content_download": ("web",),
    "add_to_cart": ("web", "app"),
    "checkout_started": ("web", "app"),
    "app_session": ("app",),
    "feature_used": ("app",),
    "social_engagement": ("social",),
    "review_submitted": ("web",),
    "referral_sent": ("web", "email"),
}

REPO_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Persona:
    """One behavioural persona.

    ``weight`` is the number of contacts per block of 100 with this persona.
    ``p_open``/``p_click`` are the chances that a delivered email is opened
    and that an open is clicked; ``pv_rate``/``prv_rate`` are background page
    and product views per year; ``profile`` selects the order attributes
    (``deal``: every order discounted, 85% budget tier; ``premium``: premium
    tier, no discount, standard shipping; ``convenience``: express / pickup /
    digital, standard tier, no discount; ``neutral``: 80% standard / 20%
    budget, 8% discounted, 85% standard shipping; ``plain``: as neutral but
    never discounted, so one or two orders never look like a deal seeker);
    ``opt_out_ok`` allows ``email_opt_in`` false/null for this persona (only
    where consent cannot change the persona's expected label).
    """

    name: str
    weight: int
    p_open: float
    p_click: float
    pv_rate: float
    prv_rate: float
    profile: str = "neutral"
    opt_out_ok: bool = True
    description: str = ""


PERSONAS: list[Persona] = [
    Persona("deal_seeker", 5, .20, .25, 8, 4, "deal",
            description="4-7 completed orders, all discounted, mostly budget tier, standard shipping"),
    Persona("premium_buyer", 5, .20, .25, 8, 4, "premium",
            description="3-6 completed orders, all premium tier, no discounts, standard shipping"),
    Persona("convenience_buyer", 5, .20, .20, 5, 3, "convenience",
            description="4-7 orders, all express/pickup/digital, no discounts, standard tier, app user"),
    Persona("holiday_shopper", 5, .20, .20, 6, 3, "plain",
            description="2-4 purchase days, all inside occasion windows, weekdays first"),
    Persona("weekend_shopper", 5, .20, .20, 6, 3, "plain",
            description="3-6 purchase days, all Saturday/Sunday outside occasion windows"),
    Persona("heavy_app_user", 4, .15, .20, 3, 3,
            description="app_session on 5-6 days of every week of the last 90 days, 2-3 a day"),
    Persona("light_app_user", 4, .20, .20, 5, 2,
            description="1-3 app sessions (no feature_used) per 30-day block, 0-29, 30-59, ... days ago"),
    Persona("researcher", 5, .30, .30, 6, 0, "plain",
            description="7-12 product views/content downloads over 8 weeks before the first purchase, 1-2 purchases"),
    Persona("impulse_buyer", 5, .20, .20, 6, 2, "plain",
            description="first purchase with no page/product view (nor email click) in the 8 days before; "
                        "1-3 page views 9-60 days before it"),
    Persona("window_shopper", 5, .20, .20, 10, 6,
            description="page and product views, recent ones too; never carts or purchases"),
    Persona("cart_abandoner", 5, .20, .25, 6, 4, "plain", opt_out_ok=False,
            description="1-2 add_to_cart+checkout_started 2-6 days ago without an order; maybe orders 60+ days ago"),
    Persona("lead", 4, .50, .35, 4, 0, opt_out_ok=False,
            description="content downloads (1-3) and form submits (0-2) in the last 60 days, never purchased"),
    Persona("unengaged_subscriber", 4, .30, .25, 5, 0, opt_out_ok=False,
            description="weekly email_delivered; nothing else in the last 200-299 days; engaged before"),
    Persona("unsubscribed", 4, .20, .20, 5, 2,
            description="unsubscribe event 10-89 days ago, no email after it"),
    Persona("bounced", 4, .10, .20, 5, 2,
            description="1-3 weekly email_bounce events from 10-89 days ago on, no delivery after"),
    Persona("loyal_regular", 6, .35, .30, 8, 4, opt_out_ok=False,
            description="7-11 purchase days in the last 12 months, last one 1-25 days ago, opens emails"),
    Persona("lapsed_loyal", 4, .35, .25, 8, 4,
            description="4-8 purchase days within 75 days, then no order and no event for the last 210-299 days"),
    Persona("advocate", 5, .35, .30, 8, 4, opt_out_ok=False,
            description="loyal_regular pattern plus 2-4 review_submitted/referral_sent in the last 120 days"),
    Persona("new_customer", 4, .30, .30, 0, 0, "plain",
            description="created 8-29 days ago, 7+ days before its only purchase day, which is 1-17 days ago"),
    Persona("anonymous_converted", 4, .30, .30, 0, 0,
            description="anonymous-only views, then a form_submit with both ids (created_at), then known events"),
    Persona("dormant", 4, .30, .20, 6, 3, opt_out_ok=False,
            description="created long ago; old activity only; nothing at all in the last 380-479 days"),
    Persona("prospect_no_activity", 4, 0, 0, 0, 0,
            description="a contact record with no events and no orders"),
]
assert sum(p.weight for p in PERSONAS) == 100, "persona weights must sum to 100"
PERSONA_IDS = {p.name: i for i, p in enumerate(PERSONAS)}

#: Personas on which dirty rows may be planted: their labels do not depend on
#: the exact number of page views / deliveries, on one more unknown event or
#: on an extra order on a day that already has a completed purchase.
DIRTY_SAFE_PERSONAS = ("premium_buyer", "holiday_shopper", "weekend_shopper", "window_shopper",
                       "loyal_regular")

FIRST_NAMES = ["anna", "ben", "carla", "david", "emma", "felix", "grace", "hugo", "ines", "jack",
               "kira", "liam", "maya", "noah", "olga", "paul", "quinn", "rosa", "sam", "tara",
               "umar", "vera", "will", "xena", "yusuf", "zoe", "amir", "bella", "chen", "dana"]
LAST_NAMES = ["smith", "jones", "garcia", "muller", "rossi", "novak", "kim", "silva", "brown",
              "martin", "lopez", "schmidt", "tanaka", "dubois", "nagy", "olsen", "patel", "quist",
              "reyes", "santos", "taylor", "urban", "vogel", "walsh", "young", "zimmer"]


def _pids(*names: str) -> str:
    """SQL list of persona ids, e.g. ``(0,3)``; validates the names."""
    return "(" + ",".join(str(PERSONA_IDS[n]) for n in names) + ")"


def _json(key: str, value_sql: str) -> str:
    """SQL expression building ``{"key":"<value>"}``."""
    return "'{\"" + key + "\":\"' || " + value_sql + " || '\"}'"


def describe_dirty_rows() -> str:
    """Human-readable list of the dirty rows planted by ``dirty=True``."""
    return (
        "Dirty rows (only with --dirty, only on contacts of the personas "
        + ", ".join(DIRTY_SAFE_PERSONAS) + "):\n"
        "  events: exact duplicate rows (same event_id, all columns equal; page_view/email_delivered),\n"
        "          same event_id with a different properties payload (page_view, url gets '?v=2'),\n"
        "          unknown event_type 'push_open' (channel app),\n"
        "          events whose contact_id is not in contacts (page_view, no anonymous_id),\n"
        "          exactly one event with occurred_at 'not-a-date' (a page_view; NULL in Parquet).\n"
        "  orders: exactly one with a negative order_total (-25.00, completed),\n"
        "          exactly one with status 'pending_review',\n"
        "          exactly one with an empty order_id (completed);\n"
        "          each on a loyal_regular contact, on a day that already has a completed order,\n"
        "          with no cart events of their own.\n"
        "  Duplicate rows are written after all other event rows, ordered by event_id."
    )


class _Gen:
    """Builds and runs the SQL for one generation run."""

    def __init__(self, con: duckdb.DuckDBPyConnection, contacts: int, days: int, seed: int,
                 end_date: _dt.date, dirty: bool, calendar: Path):
        self.con = con
        self.N = contacts
        self.D = days
        self.seed = seed
        self.end_date = end_date
        self.dirty = dirty
        self.calendar = calendar
        # Day number (days since 1970-01-01) of end_date; ts of day `ago` = (END_DAY - ago) * 86400 + sec.
        self.END_DAY = (end_date - _dt.date(1970, 1, 1)).days
        self.LAST = days - 11  # latest "days ago" for purchases that need history before them
        self.rules: list[str] = []

    # ------------------------------------------------------------------ setup
    def setup(self) -> None:
        """Create the hashing macros, calendar, persona and slot tables, and contacts."""
        s = int(self.seed)
        c = self.con
        c.execute(f"""
            CREATE OR REPLACE TEMP MACRO h(a, b, x) AS
                hash(CAST(a AS BIGINT), CAST(b AS BIGINT), CAST(x AS BIGINT), CAST({s} AS BIGINT));
            CREATE OR REPLACE TEMP MACRO ir(a, b, x, n) AS
                CAST(h(a, b, x) % CAST(greatest(n, 1) AS UBIGINT) AS BIGINT);
            CREATE OR REPLACE TEMP MACRO uf(a, b, x) AS
                CAST(h(a, b, x) % 1000000 AS DOUBLE) / 1000000.0;
        """)
        rows = ",".join(
            f"({i},'{p.name}',{p.p_open},{p.p_click},{p.pv_rate},{p.prv_rate},'{p.profile}',{str(p.opt_out_ok).lower()})"
            for i, p in enumerate(PERSONAS))
        c.execute(f"""CREATE OR REPLACE TEMP TABLE persona AS SELECT * FROM (VALUES {rows})
                      t(pid, persona, p_open, p_click, pv_rate, prv_rate, profile, opt_out_ok)""")
        slots = ",".join(f"({i},{pid})" for i, pid in enumerate(_slot_list()))
        c.execute(f"CREATE OR REPLACE TEMP TABLE slots AS SELECT * FROM (VALUES {slots}) t(slot, pid)")
        cal_path = str(self.calendar).replace("'", "''")
        c.execute(f"""
            CREATE OR REPLACE TEMP TABLE occ AS
            SELECT CAST(start_date AS DATE) AS sd, CAST(end_date AS DATE) AS ed
            FROM read_csv('{cal_path}', header = true, all_varchar = true)""")
        c.execute(f"""
            CREATE OR REPLACE TEMP TABLE cal AS
            SELECT ago, d, dayofweek(d) IN (0, 6) AS is_weekend,
                   EXISTS (SELECT 1 FROM occ WHERE d BETWEEN occ.sd AND occ.ed) AS is_occ
            FROM (SELECT ago, DATE '{self.end_date.isoformat()}' - CAST(ago AS INTEGER) AS d
                  FROM range({self.D}) t(ago))""")
        self._contacts()

    def _contacts(self) -> None:
        """Contacts with persona, anchors (days ago) and CRM attributes: table ``ct``."""
        D, N, P = self.D, self.N, PERSONA_IDS
        first = "[" + ",".join(f"'{n}'" for n in FIRST_NAMES) + "]"
        last = "[" + ",".join(f"'{n}'" for n in LAST_NAMES) + "]"
        self.con.execute(f"""
        CREATE OR REPLACE TEMP TABLE ct AS
        WITH base AS (
            SELECT i AS cidx,
                   row_number() OVER (PARTITION BY (i - 1) // 100 ORDER BY h(i, 0, 1), i) - 1 AS slot
            FROM range(1, {N} + 1) t(i)
        ), a AS (
            SELECT b.cidx, s.pid,
                   ir(b.cidx, 0, 2, 7) AS phase,
                   uf(b.cidx, 0, 3) < 0.5 AS two_off,
                   CASE s.pid
                       WHEN {P['researcher']} THEN 15 + ir(b.cidx, 0, 4, least(300, {D} - 70) - 15 + 1)
                       WHEN {P['impulse_buyer']} THEN 10 + ir(b.cidx, 0, 4, {D} - 80)
                       WHEN {P['new_customer']} THEN 1 + ir(b.cidx, 0, 4, 17)
                   END AS fp_fixed,
                   CASE s.pid
                       WHEN {P['lapsed_loyal']} THEN 210 + ir(b.cidx, 0, 5, least(90, {D} - 340))
                       WHEN {P['dormant']} THEN 380 + ir(b.cidx, 0, 5, 100)
                       WHEN {P['unengaged_subscriber']} THEN 200 + ir(b.cidx, 0, 5, 100)
                   END AS quiet_ago,
                   CASE WHEN s.pid IN {_pids('unsubscribed', 'bounced')} THEN 10 + ir(b.cidx, 0, 6, 80) END AS stop_ago,
                   CASE WHEN s.pid = {P['anonymous_converted']} THEN 15 + ir(b.cidx, 0, 7, 120) END AS ident_ago
            FROM base b JOIN slots s USING (slot)
        ), b AS (
            SELECT a.*,
                   CASE
                       WHEN pid = {P['new_customer']} THEN fp_fixed + 7 + ir(cidx, 0, 8, 23 - fp_fixed)
                       WHEN pid = {P['anonymous_converted']} THEN ident_ago
                       WHEN pid = {P['lead']} THEN 60 + ir(cidx, 0, 8, {D} + 300)
                       WHEN pid = {P['dormant']} THEN {D} + 100 + ir(cidx, 0, 8, 600)
                       WHEN pid IN {_pids('window_shopper', 'heavy_app_user', 'light_app_user', 'unsubscribed',
                                          'bounced', 'prospect_no_activity')}
                           THEN 100 + ir(cidx, 0, 8, {D} + 600)
                       ELSE {D} + ir(cidx, 0, 8, 700)
                   END AS created_ago,
                   uf(cidx, 0, 9) AS u_opt
            FROM a
        )
        SELECT b.*, p.persona, p.p_open, p.p_click, p.pv_rate, p.prv_rate, p.profile,
               ({self.END_DAY} - created_ago) * 86400
                   + CASE WHEN pid = {P['anonymous_converted']} THEN 9 * 3600 + ir(cidx, 0, 10, 12 * 3600)
                          ELSE 8 * 3600 + ir(cidx, 0, 10, 12 * 3600) END AS created_ts,
               CASE
                   WHEN pid = {P['prospect_no_activity']} AND uf(cidx, 0, 11) < 0.25 THEN NULL
                   ELSE {first}[1 + ir(cidx, 0, 12, {len(FIRST_NAMES)})] || '.'
                        || {last}[1 + ir(cidx, 0, 13, {len(LAST_NAMES)})] || CAST(cidx AS VARCHAR)
                        || '@example.com'
               END AS email,
               CASE
                   WHEN p.opt_out_ok AND pid NOT IN {_pids('unsubscribed', 'bounced')} AND u_opt < 0.11 THEN false
                   WHEN p.opt_out_ok AND u_opt < 0.15 THEN NULL
                   ELSE true
               END AS opt_in
        FROM b JOIN persona p USING (pid)
        """)

    # ------------------------------------------------------------------ orders
    def _order_rule(self, rid: int, personas: tuple[str, ...], n_min: int, n_max: int,
                    lo: str, hi: str, pool: str = "any") -> str:
        """SQL selecting up to n distinct purchase days per contact in [lo, hi] days ago."""
        pool_filter = {"any": "true", "weekend": "cal.is_weekend AND NOT cal.is_occ",
                       "occasion": "cal.is_occ"}[pool]
        pref = "cal.is_weekend::INT" if pool == "occasion" else "0"
        m = {"any": 2 * n_max + 4, "weekend": 8 * n_max + 10, "occasion": 100}[pool]
        s = 1000 + rid * 10
        return f"""
        SELECT cidx, ago, {rid} AS r FROM (
            SELECT cidx, ago, n, row_number() OVER (PARTITION BY cidx ORDER BY pref, k) AS rk FROM (
                SELECT x.cidx, x.ago, x.n, x.k, {pref} AS pref,
                       row_number() OVER (PARTITION BY x.cidx, x.ago ORDER BY x.k) AS dup
                FROM (
                    SELECT cidx, n, k, lo_ + ir(cidx, k, {s}, hi_ - lo_ + 1) AS ago FROM (
                        SELECT *, unnest(range({m})) AS k FROM (
                            SELECT cidx, lo_, hi_, {n_min} + ir(cidx, 0, {s + 1}, {n_max - n_min + 1}) AS n FROM (
                                SELECT cidx, greatest({lo}, 0) AS lo_, least({hi}, {self.D - 1}, created_ago) AS hi_
                                FROM cx WHERE pid IN {_pids(*personas)}
                            ) WHERE hi_ >= lo_
                        ) WHERE n > 0
                    )
                ) x JOIN cal ON cal.ago = x.ago
                WHERE {pool_filter}
            ) WHERE dup = 1
        ) WHERE rk <= n"""

    def orders(self) -> None:
        """Completed purchase days -> ``od``; anchors -> ``cx``; all orders -> ``ord``."""
        L = self.LAST
        rules = [
            self._order_rule(1, ("deal_seeker",), 4, 7, "0", f"{L}"),
            self._order_rule(2, ("premium_buyer",), 3, 6, "0", f"{L}"),
            self._order_rule(3, ("convenience_buyer",), 4, 7, "0", f"{L}"),
            self._order_rule(4, ("holiday_shopper",), 2, 4, "0", f"{L}", "occasion"),
            self._order_rule(5, ("weekend_shopper",), 3, 6, "0", f"{L}", "weekend"),
            self._order_rule(6, ("researcher", "impulse_buyer", "new_customer"), 1, 1, "fp_fixed", "fp_fixed"),
            self._order_rule(7, ("researcher", "impulse_buyer"), 0, 1, "0", "fp_fixed - 7"),
            self._order_rule(8, ("cart_abandoner",), 0, 3, "60", f"{L}"),
            self._order_rule(9, ("loyal_regular", "advocate"), 1, 1, "1", "25"),
            self._order_rule(10, ("loyal_regular", "advocate"), 6, 10, "26", "364"),
            self._order_rule(11, ("loyal_regular", "advocate"), 0, 3, "365", f"{L}"),
            self._order_rule(12, ("lapsed_loyal",), 4, 8, "quiet_ago", f"least(quiet_ago + 75, {L})"),
        ]
        c = self.con
        c.execute("CREATE OR REPLACE TEMP TABLE od AS SELECT cidx, ago, min(r) AS r FROM ("
                  + " UNION ALL ".join(rules) + ") GROUP BY cidx, ago")
        # Anchors from the completed purchase days.
        c.execute("""
            CREATE OR REPLACE TEMP TABLE cx2 AS
            SELECT cx.*, a.fp_ago, a.lp_ago, coalesce(a.n_days, 0) AS n_days
            FROM cx LEFT JOIN (SELECT cidx, max(ago) AS fp_ago, min(ago) AS lp_ago, count(*) AS n_days
                               FROM od GROUP BY cidx) a USING (cidx)""")
        c.execute("DROP TABLE cx; ALTER TABLE cx2 RENAME TO cx")
        # Extra refunded/cancelled orders (never the first purchase, >= 60 days ago).
        extra = f"""
            SELECT cidx, ago, 2 AS j, CASE WHEN uf(cidx, 0, 1201) < 0.6 THEN 'refunded' ELSE 'cancelled' END AS status
            FROM (
                SELECT cidx, lo_ + ir(cidx, 0, 1202, hi_ - lo_ + 1) AS ago FROM (
                    SELECT cidx, greatest(60, coalesce(quiet_ago, 0)) AS lo_, fp_ago - 1 AS hi_ FROM cx
                    WHERE pid IN {_pids('premium_buyer', 'convenience_buyer', 'loyal_regular', 'advocate', 'lapsed_loyal')}
                      AND uf(cidx, 0, 1200) < 0.45
                ) WHERE hi_ >= lo_
            )"""
        main = """
            SELECT cidx, ago, j, 'completed' AS status FROM (
                SELECT cidx, ago, unnest(range(1 + (uf(cidx, ago, 1100) < 0.05)::INT)) AS j FROM od
            )"""
        parts = [main, extra]
        if self.dirty:
            parts.append(self._dirty_orders())
        c.execute(f"""
        CREATE OR REPLACE TEMP TABLE ord AS
        WITH o AS ({' UNION ALL '.join(parts)}),
        a AS (
            SELECT o.cidx, o.ago, o.j, o.status, cx.pid, cx.profile,
                   ({self.END_DAY} - o.ago) * 86400 + 8 * 3600 + ir(o.cidx, o.ago * 8 + o.j, 1101, 14 * 3600) AS ts,
                   uf(o.cidx, o.ago * 8 + o.j, 1102) AS u_tier,
                   uf(o.cidx, o.ago * 8 + o.j, 1103) AS u_ship,
                   uf(o.cidx, o.ago * 8 + o.j, 1104) AS u_disc,
                   o.ago * 8 + o.j AS okey
            FROM o JOIN cx USING (cidx)
        ), b AS (
            SELECT a.*,
                   CASE profile
                       WHEN 'deal' THEN CASE WHEN u_tier < 0.85 THEN 'budget' ELSE 'standard' END
                       WHEN 'premium' THEN 'premium'
                       WHEN 'convenience' THEN 'standard'
                       WHEN 'plain' THEN CASE WHEN u_tier < 0.85 THEN 'standard' ELSE 'budget' END
                       ELSE CASE WHEN u_tier < 0.8 THEN 'standard' ELSE 'budget' END
                   END AS tier,
                   CASE profile
                       WHEN 'deal' THEN CASE WHEN u_ship < 0.9 THEN 'standard' ELSE 'pickup' END
                       WHEN 'premium' THEN 'standard'
                       WHEN 'convenience' THEN ['express', 'pickup', 'digital'][1 + ir(cidx, okey, 1105, 3)]
                       ELSE CASE WHEN u_ship < 0.85 THEN 'standard' WHEN u_ship < 0.95 THEN 'express' ELSE 'pickup' END
                   END AS ship,
                   CASE profile WHEN 'deal' THEN true WHEN 'neutral' THEN u_disc < 0.08 ELSE false END AS discounted
            FROM a
        ), c AS (
            SELECT b.*,
                   CASE tier WHEN 'budget' THEN 1200 + ir(cidx, okey, 1106, 4800)
                             WHEN 'standard' THEN 3500 + ir(cidx, okey, 1106, 11500)
                             ELSE 14000 + ir(cidx, okey, 1106, 34000) END AS total_c
            FROM b
        )
        SELECT cidx, pid, ago, j, okey, ts, status, tier, ship,
               CASE WHEN status = 'dirty_negative' THEN -2500 ELSE total_c END AS total_c,
               CASE WHEN discounted THEN total_c * (10 + ir(cidx, okey, 1107, 26)) // 100
                    WHEN uf(cidx, okey, 1108) < 0.1 THEN NULL
                    ELSE 0 END AS disc_c
        FROM c""")

    def _dirty_orders(self) -> str:
        """The three malformed orders, on the first three loyal_regular contacts of the run (if in this chunk)."""
        return f"""
            SELECT o.cidx, o.ago, 5 + t.n AS j,
                   ['dirty_negative', 'pending_review', 'dirty_noid'][t.n + 1] AS status
            FROM (SELECT n, cidx FROM (
                    SELECT row_number() OVER (ORDER BY cidx) - 1 AS n, cidx
                    FROM ct WHERE pid = {PERSONA_IDS['loyal_regular']}) WHERE n < 3) t
            JOIN (SELECT cidx, min(ago) AS ago FROM od WHERE r = 10 GROUP BY cidx) o USING (cidx)"""

    # ------------------------------------------------------------------ events
    def _emit(self, rid: int, etype: str, inner: str, *, who: str = "contact", channel: str = "'web'",
              props: str = "NULL", sec: str | None = None) -> str:
        """Wrap a row source (columns of cx plus ``ago`` and ``k``) into event rows.

        ``who``: 'contact' (contact_id, device anonymous_id on web/app),
        'contact_only' (contact_id only), 'anon' (anonymous_id only: the
        contact's device before identification), 'both' (identification),
        'visitor' (an anonymous visitor never identified).
        """
        s = rid * 16
        if sec is None:
            sec = f"7 * 3600 + ir(cidx, k, {s + 5}, 16 * 3600)"
        cref, aidx, vis = {
            "contact": ("cidx", f"CASE WHEN ({channel}) IN ('web', 'app') THEN cidx END", 0),
            "contact_only": ("cidx", "NULL", 0),
            "anon": ("NULL", "cidx", 0),
            "both": ("cidx", "cidx", 0),
            "visitor": ("NULL", f"{self.N} + cidx", 1),
        }[who]
        return f"""
        SELECT cidx AS ent, {vis} AS vis, CAST({cref} AS BIGINT) AS cref, CAST({aidx} AS BIGINT) AS aidx,
               '{etype}' AS etype, ({channel}) AS ch, ({self.END_DAY} - ago) * 86400 + ({sec}) AS ts,
               CAST({props} AS VARCHAR) AS props, {rid} AS rid, CAST(k AS BIGINT) AS k
        FROM ({inner})"""

    def uniform(self, rid: int, etype: str, personas: tuple[str, ...], lo: str, hi: str, *,
                n_min: int = 0, n_max: int = 0, rate: float | str = 0.0, where: str = "true", **kw) -> None:
        """n events per contact on uniformly random days in [lo, hi] days ago.

        n = n_min..n_max plus ``rate`` per year of window (jittered x0.5-1.5, randomly rounded).
        """
        s = rid * 16
        inner = f"""
            SELECT *, lo_ + ir(cidx, k, {s}, hi_ - lo_ + 1) AS ago FROM (
                SELECT *, unnest(range(n)) AS k FROM (
                    SELECT *, CAST({n_min} + ir(cidx, 0, {s + 1}, {n_max - n_min + 1})
                                   + floor(({rate}) * (hi_ - lo_ + 1) / 365.0 * (0.5 + uf(cidx, 0, {s + 2}))
                                           + uf(cidx, 0, {s + 3}))
                                   AS BIGINT) AS n
                    FROM (SELECT *, greatest({lo}, 0) AS lo_, least({hi}, {self.D - 1}) AS hi_
                          FROM cx WHERE pid IN {_pids(*personas)} AND ({where}))
                    WHERE hi_ >= lo_
                )
            )"""
        self.rules.append(self._emit(rid, etype, inner, **kw))

    def blocks(self, rid: int, etype: str, personas: tuple[str, ...], lo: str, hi: str, size: int,
               n_min: int, n_max: int, *, fixed_day: str | None = None, day_filter: str = "true",
               where: str = "true", **kw) -> None:
        """Split [lo, hi] days ago into blocks of ``size`` days; n_min..n_max events per block.

        ``fixed_day``: an expression in ``bs`` (block start, days ago) giving the
        event day (e.g. the contact's weekly send day); otherwise a random day in
        the block.  ``day_filter`` may skip blocks (e.g. a user's days off).
        """
        s = rid * 16
        day = fixed_day if fixed_day else f"bs + ir(cidx, b * 64 + j, {s}, be - bs + 1)"
        inner = f"""
            SELECT * FROM (
                SELECT *, b * 64 + j AS k, {day} AS ago FROM (
                    SELECT *, unnest(range(nj)) AS j FROM (
                        SELECT *, {n_min} + ir(cidx, b, {s + 1}, {n_max - n_min + 1}) AS nj FROM (
                            SELECT *, lo_ + b * {size} AS bs, least(hi_, lo_ + b * {size} + {size - 1}) AS be FROM (
                                SELECT *, unnest(range((hi_ - lo_) // {size} + 1)) AS b FROM (
                                    SELECT *, greatest({lo}, 0) AS lo_, least({hi}, {self.D - 1}) AS hi_
                                    FROM cx WHERE pid IN {_pids(*personas)} AND ({where})
                                ) WHERE hi_ >= lo_
                            )
                        ) WHERE {day_filter}
                    )
                )
            ) WHERE ago BETWEEN lo_ AND hi_"""
        self.rules.append(self._emit(rid, etype, inner, **kw))

    def event_rules(self) -> None:
        """Define all primary event rules (``self.rules``)."""
        self.rules = []
        D = self.D
        everyone = tuple(p.name for p in PERSONAS if p.name != "prospect_no_activity")
        known = tuple(n for n in everyone if n != "anonymous_converted")
        purchasers_general = ("deal_seeker", "premium_buyer", "convenience_buyer", "holiday_shopper",
                              "weekend_shopper", "cart_abandoner", "loyal_regular", "lapsed_loyal", "advocate",
                              "new_customer")
        url = _json("url", "'/p/' || ir(cidx, k, 7, 400)")
        product = _json("product_id", "'p' || ir(cidx, k, 8, 400)")
        campaign = _json("campaign_id", f"'cmp' || CAST(({self.END_DAY} - ago) // 7 AS VARCHAR)")
        web_app = "CASE WHEN ir(cidx, k, 9, 10) < 3 THEN 'app' ELSE 'web' END"

        # Email: weekly delivery on the contact's send weekday (not to opted-out contacts).
        self.blocks(1, "email_delivered", everyone, "0", f"{D - 1}", 7, 1, 1,
                    fixed_day="bs + ((phase - bs) % 7 + 7) % 7", where="opt_in IS DISTINCT FROM false",
                    channel="'email'", props=campaign, who="contact_only",
                    sec="9 * 3600 + ir(cidx, 0, 21, 3 * 3600) + ir(cidx, k, 22, 600)")
        # Background web browsing.
        self.uniform(2, "page_view", known, "0", f"{D - 1}", rate="pv_rate", props=url)
        self.uniform(3, "product_view", known, "0", f"{D - 1}", rate="prv_rate", channel=web_app, props=product)
        # Before a first purchase: 2-3 visits and one product view 1-5 days earlier (not an impulse buy).
        self.uniform(4, "page_view", purchasers_general, "fp_ago + 1", "fp_ago + 5", n_min=2, n_max=3,
                     where="fp_ago IS NOT NULL", props=url)
        self.uniform(5, "product_view", purchasers_general + ("researcher",), "fp_ago + 1", "fp_ago + 4",
                     n_min=1, n_max=1, where="fp_ago IS NOT NULL", channel=web_app, props=product)
        # Researcher: 7-12 research events over the 8 weeks before the first purchase; views after it.
        self.uniform(6, "product_view", ("researcher",), "fp_ago + 1", "fp_ago + 56", n_min=5, n_max=8,
                     channel=web_app, props=product)
        self.uniform(7, "content_download", ("researcher",), "fp_ago + 1", "fp_ago + 56", n_min=2, n_max=4,
                     props=_json("content_id", "'guide' || ir(cidx, k, 10, 40)"))
        self.uniform(8, "page_view", ("researcher",), "fp_ago + 1", "fp_ago + 5", n_min=2, n_max=2, props=url)
        self.uniform(9, "product_view", ("researcher",), "0", "fp_ago - 1", rate=4, channel=web_app,
                     props=product)
        # App usage.
        app_off = "((bs + phase) % 7) <> 0 AND NOT (two_off AND ((bs + phase) % 7) = 3)"
        self.blocks(10, "app_session", ("heavy_app_user",), "0", "89", 1, 2, 3, day_filter=app_off,
                    channel="'app'", sec="6 * 3600 + ir(cidx, k, 23, 18 * 3600)")
        self.uniform(11, "app_session", ("heavy_app_user",), "90", f"{D - 1}", rate=40, channel="'app'")
        self.blocks(12, "app_session", ("light_app_user",), "0", f"{D - 1}", 30, 1, 3, channel="'app'")
        self.blocks(13, "app_session", ("convenience_buyer",), "0", "89", 7, 2, 3, channel="'app'")
        self.uniform(14, "app_session", ("convenience_buyer",), "90", f"{D - 1}", rate=20, channel="'app'")
        self.blocks(15, "app_session", ("loyal_regular", "advocate"), "0", "89", 7, 1, 2, channel="'app'")
        self.uniform(34, "app_session", ("loyal_regular", "advocate"), "90", f"{D - 1}", rate=15, channel="'app'")
        # Window shoppers: recent browsing (never carts).
        self.uniform(16, "page_view", ("window_shopper",), "0", "29", n_min=3, n_max=8, props=url)
        self.uniform(17, "product_view", ("window_shopper",), "0", "29", n_min=2, n_max=6, channel=web_app,
                     props=product)
        # Cart abandoners: 1-2 carts 2-6 days ago (checkout and a product view derived later).
        self.uniform(18, "add_to_cart", ("cart_abandoner",), "2", "6", n_min=1, n_max=2, channel=web_app,
                     props=product, sec="8 * 3600 + ir(cidx, k, 24, 13 * 3600)")
        # Leads: content downloads, form submits and visits in the last 60 days.
        self.uniform(19, "content_download", ("lead",), "1", "59", n_min=1, n_max=3,
                     props=_json("content_id", "'guide' || ir(cidx, k, 10, 40)"))
        self.uniform(20, "form_submit", ("lead",), "1", "59", n_min=0, n_max=2,
                     props=_json("form_id", "['newsletter', 'contact', 'demo_request'][1 + ir(cidx, k, 11, 3)]"))
        self.uniform(21, "page_view", ("lead",), "0", "59", n_min=3, n_max=6,
                     props=_json("url", "'/blog/' || ir(cidx, k, 7, 60)"))
        # Unsubscribe / bounce.
        self.uniform(22, "unsubscribe", ("unsubscribed",), "stop_ago", "stop_ago", n_min=1, n_max=1,
                     channel="'email'", props=campaign, who="contact_only",
                     sec="13 * 3600 + ir(cidx, k, 25, 8 * 3600)")
        self.blocks(23, "email_bounce", ("bounced",), "0", "stop_ago", 7, 1, 1,
                    fixed_day="bs + ((phase - bs) % 7 + 7) % 7", where="opt_in IS DISTINCT FROM false",
                    day_filter="bs >= stop_ago - 20", channel="'email'", props=campaign, who="contact_only",
                    sec="9 * 3600 + ir(cidx, 0, 21, 3 * 3600) + ir(cidx, k, 22, 600)")
        # Advocates: reviews and referrals; some social activity for the engaged.
        self.uniform(24, "review_submitted", ("advocate",), "0", "119", n_min=1, n_max=2,
                     props=_json("product_id", "'p' || ir(cidx, k, 8, 400)"))
        self.uniform(25, "referral_sent", ("advocate",), "0", "119", n_min=1, n_max=2,
                     channel="CASE WHEN ir(cidx, k, 12, 2) = 0 THEN 'web' ELSE 'email' END",
                     props=_json("referral_code", "'r' || CAST(cidx AS VARCHAR)"))
        self.uniform(26, "social_engagement", ("loyal_regular", "advocate", "window_shopper", "lead"),
                     "0", f"{D - 1}", rate=3, channel="'social'",
                     props=_json("network", "['instagram', 'facebook', 'tiktok'][1 + ir(cidx, k, 13, 3)]"))
        # Impulse buyers: tracked visitors before (9-60 days before the first purchase), never in the week before.
        self.uniform(35, "page_view", ("impulse_buyer",), "fp_ago + 9", "fp_ago + 60", n_min=1, n_max=3, props=url)
        # New customers: a few visits after the purchase.
        self.uniform(27, "page_view", ("new_customer",), "0", "fp_ago - 1", n_min=0, n_max=3, props=url)
        # Anonymous converted: anonymous browsing, identification, then known browsing.
        self.uniform(28, "page_view", ("anonymous_converted",), "ident_ago + 1", "ident_ago + 40",
                     n_min=3, n_max=8, props=url, who="anon")
        self.uniform(29, "product_view", ("anonymous_converted",), "ident_ago + 1", "ident_ago + 40",
                     n_min=2, n_max=5, props=product, who="anon")
        self.uniform(30, "form_submit", ("anonymous_converted",), "ident_ago", "ident_ago", n_min=1, n_max=1,
                     props=_json("form_id", "'signup'"), who="both",
                     sec=f"created_ts - ({self.END_DAY} - ago) * 86400")
        self.uniform(31, "page_view", ("anonymous_converted",), "0", "ident_ago - 1", n_min=2, n_max=6,
                     props=url)
        # Never-identified visitors (about 1 in 4 contacts spawns one).
        self.uniform(32, "page_view", tuple(PERSONA_IDS), "0", f"{D - 1}", n_min=1, n_max=2, rate=1, where="uf(cidx, 0, 33) < 0.25",
                     props=url, who="visitor")
        if self.dirty:
            self.uniform(33, "push_open", DIRTY_SAFE_PERSONAS, "0", f"{D - 1}", rate=0.12,
                         channel="'app'", props=campaign, who="contact_only")

    def events(self) -> None:
        """Materialise primary rules, derived events, the silence filter: table ``ev``."""
        c = self.con
        c.execute("CREATE OR REPLACE TEMP TABLE ev0 AS " + " UNION ALL ".join(self.rules))
        cols = "ent, vis, cref, aidx, etype, ch, ts, props, rid, k"
        # Derived: opens from deliveries, clicks from opens, features from sessions,
        # cart + checkout before every order, checkout + product view around abandoned carts.
        c.execute(f"""
        CREATE OR REPLACE TEMP TABLE opens AS
        SELECT e.ent, e.vis, e.cref, NULL::BIGINT AS aidx, 'email_open' AS etype, 'email' AS ch,
               e.ts + 300 + ir(e.ent, e.k, 41, CASE WHEN uf(e.ent, e.k, 42) < 0.7 THEN 4 ELSE 48 END * 3600) AS ts,
               e.props, 41 AS rid, e.k
        FROM ev0 e JOIN cx ON cx.cidx = e.ent
        WHERE e.rid = 1 AND uf(e.ent, e.k, 40) < cx.p_open""")
        c.execute(f"""
        CREATE OR REPLACE TEMP TABLE ev1 AS
        SELECT {cols} FROM ev0
        UNION ALL SELECT {cols} FROM opens
        UNION ALL
        SELECT o.ent, o.vis, o.cref, o.aidx, 'email_click', 'email', o.ts + 5 + ir(o.ent, o.k, 44, 600),
               o.props, 42, o.k
        FROM opens o JOIN cx ON cx.cidx = o.ent WHERE uf(o.ent, o.k, 43) < cx.p_click
        UNION ALL
        SELECT ent, vis, cref, aidx, 'feature_used', 'app', ts + 60 + ir(ent, rid * 100000 + k, 46, 1200),
               '{{"feature":"' || ['wishlist', 'search', 'scan', 'share'][1 + ir(ent, rid * 100000 + k, 47, 4)] || '"}}',
               43, rid * 100000 + k
        FROM ev0 WHERE etype = 'app_session' AND uf(ent, rid * 100000 + k, 45) < 0.25
          AND rid <> 12  -- light app users: sessions only
        UNION ALL
        SELECT cidx, 0, cidx, CASE WHEN ch = 'web' THEN cidx END, 'add_to_cart', ch, ts - 480 - ir(cidx, okey, 49, 2400),
               '{{"product_id":"p' || CAST(ir(cidx, okey, 50, 400) AS VARCHAR) || '"}}', 44, okey
        FROM (SELECT *, CASE WHEN pid = {PERSONA_IDS['convenience_buyer']} OR uf(cidx, okey, 48) < 0.25
                             THEN 'app' ELSE 'web' END AS ch
              FROM ord WHERE status IN ('completed', 'refunded', 'cancelled'))
        UNION ALL
        SELECT cidx, 0, cidx, CASE WHEN ch = 'web' THEN cidx END, 'checkout_started', ch, ts - 60 - ir(cidx, okey, 51, 420),
               NULL, 45, okey
        FROM (SELECT *, CASE WHEN pid = {PERSONA_IDS['convenience_buyer']} OR uf(cidx, okey, 48) < 0.25
                             THEN 'app' ELSE 'web' END AS ch
              FROM ord WHERE status IN ('completed', 'refunded', 'cancelled'))
        UNION ALL
        SELECT ent, vis, cref, aidx, 'checkout_started', ch, ts + 120 + ir(ent, k, 52, 780), NULL, 46, k
        FROM ev0 WHERE rid = 18
        UNION ALL
        SELECT ent, vis, cref, aidx, 'product_view', ch, ts - 300 - ir(ent, k, 53, 900), props, 47, k
        FROM ev0 WHERE rid = 18""")
        c.execute("DROP TABLE ev0; DROP TABLE opens")
        P = PERSONA_IDS
        non_research_purchasers = _pids("deal_seeker", "premium_buyer", "convenience_buyer", "holiday_shopper",
                                        "weekend_shopper", "cart_abandoner", "loyal_regular", "lapsed_loyal",
                                        "advocate", "new_customer", "impulse_buyer")
        end_ts = (self.END_DAY + 1) * 86400
        c.execute(f"""
        CREATE OR REPLACE TEMP TABLE ev AS
        SELECT e.*, cx.pid FROM (
            SELECT *, {self.END_DAY} - ts // 86400 AS ago FROM ev1
        ) e JOIN cx ON cx.cidx = e.ent
        WHERE e.ts < {end_ts}
          AND e.ts >= {(self.END_DAY - self.D + 1) * 86400}
          -- a contact's own events never precede its creation
          AND (e.cref IS NULL OR e.vis <> 0 OR e.ts >= cx.created_ts)
          -- visitors are independent of their spawning contact's persona
          AND (e.vis = 1 OR NOT coalesce(
                -- lapsed / dormant: nothing at all after quiet_ago
                (cx.pid IN {_pids('lapsed_loyal', 'dormant')} AND e.ago < cx.quiet_ago)
                -- unengaged subscribers: only deliveries in the quiet window
             OR (cx.pid = {P['unengaged_subscriber']} AND e.ago < cx.quiet_ago AND e.etype <> 'email_delivered')
                -- no email activity after an unsubscribe / a bounce
             OR (cx.pid = {P['unsubscribed']} AND e.ago < cx.stop_ago
                 AND e.etype IN ('email_delivered', 'email_open', 'email_click'))
             OR (cx.pid = {P['bounced']} AND e.ago <= cx.stop_ago
                 AND e.etype IN ('email_delivered', 'email_open', 'email_click'))
                -- purchasers other than researchers: no research before the first purchase except rule 5
             OR (cx.pid IN {non_research_purchasers} AND e.ago >= cx.fp_ago
                 AND e.etype IN ('product_view', 'content_download') AND e.rid NOT IN (5, 47))
                -- impulse buyers: no visit, view or click in the 8 days up to the first purchase
             OR (cx.pid = {P['impulse_buyer']} AND e.ago BETWEEN cx.fp_ago AND cx.fp_ago + 8
                 AND e.etype IN ('page_view', 'product_view', 'email_click', 'content_download'))
             , false))""")
        c.execute("DROP TABLE ev1")

    def write_chunk(self, lo: int, hi: int, part_dir: Path, ext: str, ev_offset: int, ord_offset: int,
                    part_no: int) -> tuple[int, int, int, int, list[Path]]:
        """Generate contacts lo..hi, write their events/orders parts; return counts and files."""
        c = self.con
        c.execute(f"CREATE OR REPLACE TEMP TABLE cx AS SELECT * FROM ct WHERE cidx BETWEEN {lo} AND {hi}")
        self.orders()
        self.event_rules()
        self.events()
        fmt_csv = ext == "csv"
        files: list[Path] = []
        safe = _pids(*DIRTY_SAFE_PERSONAS)
        # Order ids.
        c.execute(f"""
            CREATE OR REPLACE TEMP TABLE ord_out AS
            SELECT row_number() OVER (ORDER BY cidx, ts, j) + {ord_offset} AS onum, * FROM ord""")
        n_ord_ids = c.execute("SELECT count(*) FROM ord_out").fetchone()[0]
        if self.dirty:
            # Orphans: copies of some page views of safe personas under a contact id not in contacts.
            c.execute(f"""
                INSERT INTO ev
                SELECT ent, 2, {self.N} + ent, NULL, etype, ch, ts, props, 48, rid * 100000000 + k, ago, pid
                FROM ev WHERE pid IN {safe} AND vis = 0 AND etype = 'page_view'
                  AND uf(ent, rid * 100000000 + k, 901) < 0.006""")
        bad = "false"
        if self.dirty:
            first_loyal = c.execute(
                f"SELECT min(cidx) FROM ct WHERE pid = {PERSONA_IDS['loyal_regular']}").fetchone()[0]
            key = c.execute(f"""SELECT rid, k FROM ev WHERE ent = {first_loyal or 0} AND vis = 0
                                AND etype = 'page_view' ORDER BY ts, rid, k LIMIT 1""").fetchone()
            if key is not None:
                bad = f"(ent = {first_loyal} AND vis = 0 AND rid = {key[0]} AND k = {key[1]})"
        c.execute(f"""
            CREATE OR REPLACE TEMP TABLE ev_out AS
            SELECT *, {bad} AS bad_ts FROM ev ORDER BY ent, vis, ts, rid, k""")
        c.execute("DROP TABLE ev")
        # The ordered CTAS stores rows in sort order, so rowid is the position: event number = offset + rowid + 1.
        numbered = f"(SELECT rowid + 1 + {ev_offset} AS enum, * FROM ev_out)"
        n_ev_ids = c.execute("SELECT count(*) FROM ev_out").fetchone()[0]
        ts_sql = ("CASE WHEN bad_ts THEN 'not-a-date' ELSE CAST(make_timestamp(ts * 1000000) AS VARCHAR) END"
                  if fmt_csv else "CASE WHEN bad_ts THEN NULL ELSE make_timestamp(ts * 1000000) END")
        ev_cols = f"""
            printf('e%09d', enum) AS event_id,
            CASE WHEN cref IS NOT NULL THEN printf('c%06d', cref) END AS contact_id,
            CASE WHEN aidx IS NOT NULL THEN printf('a%07d', aidx) END AS anonymous_id,
            etype AS event_type, {ts_sql} AS occurred_at, ch AS channel, props AS properties"""
        opts = "(FORMAT csv, HEADER false)" if fmt_csv else "(FORMAT parquet, COMPRESSION zstd)"
        p = part_dir / f"events_{part_no:05d}_a.{ext}"
        c.execute(f"COPY (SELECT {ev_cols} FROM {numbered}) TO '{p}' {opts}")
        files.append(p)
        n_ev_rows = n_ev_ids
        if self.dirty:
            # Exact duplicates and same-id-different-payload rows, after the chunk's main rows.
            dup_where = f"""pid IN {safe} AND vis = 0 AND NOT bad_ts AND etype IN ('page_view', 'email_delivered')"""
            c.execute(f"""
                CREATE OR REPLACE TEMP TABLE ev_dup AS
                SELECT * FROM {numbered} WHERE {dup_where} AND uf(ent, rid * 100000000 + k, 902) < 0.004
                UNION ALL
                SELECT * REPLACE (replace(props, '"}}', '?v=2"}}') AS props) FROM {numbered}
                WHERE {dup_where} AND etype = 'page_view' AND uf(ent, rid * 100000000 + k, 903) < 0.006""")
            p = part_dir / f"events_{part_no:05d}_b.{ext}"
            c.execute(f"COPY (SELECT {ev_cols} FROM ev_dup ORDER BY enum, props) TO '{p}' {opts}")
            files.append(p)
            n_ev_rows += c.execute("SELECT count(*) FROM ev_dup").fetchone()[0]

        ts_o = ("CAST(make_timestamp(ts * 1000000) AS VARCHAR)" if fmt_csv else "make_timestamp(ts * 1000000)")
        p = part_dir / f"orders_{part_no:05d}.{ext}"
        c.execute(f"""
            COPY (SELECT CASE WHEN status = 'dirty_noid' THEN NULL
                              ELSE printf('o%08d', onum) END AS order_id,
                         printf('c%06d', cidx) AS contact_id,
                         {ts_o} AS ordered_at,
                         CAST(total_c / 100.0 AS DECIMAL(12, 2)) AS order_total,
                         CAST(disc_c / 100.0 AS DECIMAL(12, 2)) AS discount_total,
                         'USD' AS currency,
                         CASE WHEN status LIKE 'dirty_%' THEN 'completed' ELSE status END AS status,
                         ship AS shipping_method, tier AS product_tier
                  FROM ord_out ORDER BY onum) TO '{p}' {opts}""")
        files.append(p)
        n_ord_rows = n_ord_ids
        return n_ev_rows, n_ev_ids, n_ord_rows, n_ord_ids, files

    def write_contacts(self, out: Path, ext: str) -> tuple[int, int]:
        """Write contacts and personas (one file each, ordered by contact_id)."""
        fmt_csv = ext == "csv"
        opts = "(FORMAT csv, HEADER true)" if fmt_csv else "(FORMAT parquet, COMPRESSION zstd)"
        ts = ("CAST(make_timestamp(created_ts * 1000000) AS VARCHAR)" if fmt_csv
              else "make_timestamp(created_ts * 1000000)")
        cid = "printf('c%06d', cidx) AS contact_id"
        self.con.execute(f"""COPY (SELECT {cid}, email, {ts} AS created_at, opt_in AS email_opt_in
                                  FROM ct ORDER BY cidx) TO '{out / f'contacts.{ext}'}' {opts}""")
        self.con.execute(f"""COPY (SELECT {cid}, persona FROM ct ORDER BY cidx)
                             TO '{out / f'personas.{ext}'}' {opts}""")
        return self.N, self.N


def _slot_list() -> list[int]:
    """100 persona ids, each repeated ``weight`` times, interleaved (smooth weighted round robin)
    so that a partial block of contacts still gets a balanced mix."""
    current = [0] * len(PERSONAS)
    total = sum(p.weight for p in PERSONAS)
    out = []
    for _ in range(total):
        for i, p in enumerate(PERSONAS):
            current[i] += p.weight
        best = max(range(len(PERSONAS)), key=lambda i: (current[i], -i))
        current[best] -= total
        out.append(best)
    return out


def _concat_csv(header: list[str], parts: list[Path], dest: Path) -> None:
    """Write a header line then the bytes of each part file."""
    with open(dest, "wb") as fout:
        fout.write((",".join(header) + "\n").encode())
        for p in parts:
            with open(p, "rb") as fin:
                shutil.copyfileobj(fin, fout, 16 * 1024 * 1024)


def generate(contacts: int, days: int, seed: int, out: str | os.PathLike, *,
             end_date: str | _dt.date = DEFAULT_END_DATE, fmt: str = "csv", dirty: bool = True,
             chunk_contacts: int = 100_000, threads: int | None = None,
             calendar: str | os.PathLike | None = None, verbose: bool = False) -> dict:
    """Generate the raw tables and the personas into ``out``.

    Returns ``{"rows": {table: rows written}, "seconds": float, "files": {table: path}}``.
    Same arguments give byte-identical files (independent of ``threads`` and
    ``chunk_contacts``).
    """
    if contacts < 1:
        raise ValueError("contacts must be >= 1")
    if days < 60:
        raise ValueError("days must be >= 60 (personas need windows of up to 60 days)")
    if fmt not in ("csv", "parquet"):
        raise ValueError("fmt must be csv or parquet")
    if isinstance(end_date, str):
        end_date = _dt.date.fromisoformat(end_date)
    t0 = time.perf_counter()
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".segkit_", dir=out))
    con = duckdb.connect(config={"temp_directory": str(tmp / "duckdb_tmp")})
    try:
        con.execute("SET enable_progress_bar = false")
        con.execute("SET preserve_insertion_order = true")
        if threads:
            con.execute(f"SET threads = {int(threads)}")
        if calendar is None:
            # the project's holiday calendar (rules in dbt_project.yml + override seed),
            # for every year the data spans (segkit/occasion_calendar.py)
            first_year = (end_date - _dt.timedelta(days=days)).year
            calendar = occasion_calendar.write_csv(tmp / "occasion_calendar.csv", range(first_year, end_date.year + 1))
        g = _Gen(con, contacts, days, seed, end_date, dirty, Path(calendar))
        g.setup()
        rows = {"contacts": 0, "events": 0, "orders": 0, "personas": 0}
        rows["contacts"], rows["personas"] = g.write_contacts(out, fmt)
        ev_parts: list[Path] = []
        dup_parts: list[Path] = []  # duplicates go after all main rows: the output does not depend on chunking
        ord_parts: list[Path] = []
        ev_off = ord_off = 0
        for part_no, lo in enumerate(range(1, contacts + 1, chunk_contacts)):
            hi = min(contacts, lo + chunk_contacts - 1)
            n_ev, n_ev_ids, n_ord, n_ord_ids, files = g.write_chunk(lo, hi, tmp, fmt, ev_off, ord_off, part_no)
            ev_off += n_ev_ids
            ord_off += n_ord_ids
            rows["events"] += n_ev
            rows["orders"] += n_ord
            ev_parts += [f for f in files if f.name.startswith("events_") and f.stem.endswith("_a")]
            dup_parts += [f for f in files if f.name.startswith("events_") and f.stem.endswith("_b")]
            ord_parts += [f for f in files if f.name.startswith("orders_")]
            if verbose:
                print(f"  contacts {lo}-{hi}: {n_ev} events, {n_ord} orders "
                      f"({time.perf_counter() - t0:.1f}s)", flush=True)
        for name, parts in (("events", ev_parts + dup_parts), ("orders", ord_parts)):
            dest = out / f"{name}.{fmt}"
            if fmt == "csv":
                _concat_csv(TABLE_COLUMNS[name], parts, dest)
            else:  # always re-written, so the row groups do not depend on the chunking
                files = "[" + ", ".join(f"'{p}'" for p in parts) + "]"
                con.execute(f"""COPY (SELECT * EXCLUDE (filename, file_row_number)
                                     FROM read_parquet({files}, filename = true, file_row_number = true)
                                     ORDER BY list_position({files}, filename), file_row_number)
                                TO '{dest}' (FORMAT parquet, COMPRESSION zstd)""")
    finally:
        con.close()
        shutil.rmtree(tmp, ignore_errors=True)
    seconds = time.perf_counter() - t0
    return {"rows": rows, "seconds": seconds,
            "files": {t: str(out / f"{t}.{fmt}") for t in TABLE_COLUMNS}}
