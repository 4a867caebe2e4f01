"""`python -m segkit.load --target postgres` on hostile folders and files.

Every refusal exits with status 1 and one short message that names the file
(and the line, and the column where known) and never holds a row's content:
each bad row below carries a planted value (an email address, a contact id)
that must not appear in stdout or stderr. The folder checks and header checks
need no server and run for both targets (they fail before Spark is started);
the rest load into the throw-away server of scripts/postgres.sh (PGHOST, ...),
in a database of their own that is dropped at the end. Nothing is skipped.
"""
from __future__ import annotations

import gzip
import io
import os
import subprocess
import sys
from pathlib import Path

import psycopg2
import pytest

PROJECT_DIR = Path(__file__).resolve().parents[2]
DATABASE = "segkit_loader_test"
SECRET = "liam.muller2@example.com"  # planted in every bad row
SECRET_ID = "c424242"
sys.path.insert(0, str(PROJECT_DIR))
from segkit.raw_files import RAW_COLUMNS, REQUIRED_COLUMNS  # noqa: E402  (the sources YAML, the one column list)

sys.path.remove(str(PROJECT_DIR))
# the headers of an export without the optional columns (contacts.time_zone)
CONTACTS = ",".join(REQUIRED_COLUMNS["contacts"])
EVENTS = ",".join(REQUIRED_COLUMNS["events"])
ORDERS = ",".join(REQUIRED_COLUMNS["orders"])
GOOD_CONTACT = "c000001,anna@example.org,2026-01-05 10:00:00,true"


def _admin():
    for name in ("PGHOST", "PGPORT", "PGUSER", "PGPASSWORD", "PGDATABASE"):
        assert name in os.environ, f"{name} is not set: run this file from scripts/postgres.sh (it starts the server)"
    return psycopg2.connect(connect_timeout=10)  # libpq reads the PG* variables


@pytest.fixture(scope="module")
def database():
    conn = _admin()
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f"drop database if exists {DATABASE}")
        cur.execute(f"create database {DATABASE}")
    yield DATABASE
    with conn.cursor() as cur:
        cur.execute(f"drop database if exists {DATABASE} with (force)")
    conn.close()


def _query(database: str, sql: str):
    conn = psycopg2.connect(dbname=database, connect_timeout=10)
    try:
        with conn.cursor() as cur:
            cur.execute(sql)
            return cur.fetchall()
    finally:
        conn.close()


def _write(folder: Path, files: dict[str, str | bytes]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        (folder / name).write_bytes(content if isinstance(content, bytes) else content.encode())
    return folder


def _load(path: Path, *, target: str = "postgres", database: str | None = None) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    if database is not None:
        env["PGDATABASE"] = database
    else:  # the folder checks must fail before any connection is tried
        env.update(PGHOST="/nonexistent", PGPORT="1")
    return subprocess.run([sys.executable, "-m", "segkit.load", "--target", target, "--path", str(path)],
                          cwd=PROJECT_DIR, env=env, capture_output=True, text=True, timeout=120)


def _refused(result: subprocess.CompletedProcess, *expected: str) -> str:
    output = result.stdout + result.stderr
    assert result.returncode == 1, f"exit {result.returncode}, expected 1:\n{output}"
    for text in expected:
        assert text in result.stderr, f"expected {text!r} in the message:\n{output}"
    for planted in (SECRET, SECRET_ID):
        assert planted not in output, f"a row's content ({planted}) was printed:\n{output}"
    assert "Traceback" not in output and "CONTEXT" not in output, output
    assert "loaded " not in result.stdout, f"something was loaded:\n{output}"
    return result.stderr


# --- the folder and the file names (no server needed) ------------------------

@pytest.mark.parametrize("target", ["postgres", "spark"])
def test_a_folder_that_does_not_exist(tmp_path, target):
    missing = tmp_path / "expor"
    _refused(_load(missing, target=target), f"{missing}: no such folder")


@pytest.mark.parametrize("target", ["postgres", "spark"])
def test_a_folder_without_any_raw_table(tmp_path, target):
    folder = _write(tmp_path / "raw", {"README.txt": "notes\n", "personas.csv": "contact_id,persona\n",
                                       "erasure_requests.csv": "contact_id\nc000001\n"})
    _refused(_load(folder, target=target), f"{folder}: holds none of the raw tables (contacts, events, orders")


@pytest.mark.parametrize("target", ["postgres", "spark"])
def test_two_forms_of_one_table(tmp_path, target):
    folder = _write(tmp_path / "raw", {"contacts.csv": f"{CONTACTS}\n{GOOD_CONTACT}\n",
                                       "contacts.parquet": b"PAR1"})
    _refused(_load(folder, target=target),
             f"two forms of table contacts: {folder}/contacts.csv and {folder}/contacts.parquet; keep one")


@pytest.mark.parametrize("target", ["postgres", "spark"])
def test_a_link_to_nothing(tmp_path, target):
    folder = _write(tmp_path / "raw", {"contacts.csv": f"{CONTACTS}\n{GOOD_CONTACT}\n"})
    (folder / "events.csv").symlink_to(tmp_path / "gone" / "events.csv")
    _refused(_load(folder, target=target),
             f"{folder}/events.csv: a link to {tmp_path}/gone/events.csv, which does not exist")


@pytest.mark.parametrize("name", ["events.json", "Events.CSV", "orders.csv.bak", "orders"])
@pytest.mark.parametrize("target", ["postgres", "spark"])
def test_a_file_named_like_a_table_in_another_form(tmp_path, target, name):
    folder = _write(tmp_path / "raw", {"contacts.csv": f"{CONTACTS}\n{GOOD_CONTACT}\n",
                                       name: b"\x1f\x8b\x08\x00 not read"})
    table = name.split(".")[0].lower()
    _refused(_load(folder, target=target), f"{folder}/{name}: not a form of table {table}")


@pytest.mark.parametrize("target", ["postgres", "spark"])
def test_a_compressed_file_is_for_duckdb_only(tmp_path, target):
    # DuckDB reads events.csv.gz in place (segkit/raw_files.py); the loader asks to unpack it
    folder = _write(tmp_path / "raw", {"contacts.csv": f"{CONTACTS}\n{GOOD_CONTACT}\n",
                                       "events.csv.gz": gzip.compress(f"{EVENTS}\n".encode())})
    _refused(_load(folder, target=target), f"{folder}/events.csv.gz: not a form the loader reads")


@pytest.mark.parametrize("target", ["postgres", "spark"])
def test_a_folder_named_like_a_table(tmp_path, target):
    folder = _write(tmp_path / "raw", {"contacts.csv": f"{CONTACTS}\n{GOOD_CONTACT}\n"})
    (folder / "orders.csv").mkdir()
    _refused(_load(folder, target=target), f"{folder}/orders.csv: not a regular file")


@pytest.mark.parametrize("header", ["contact_id,contact_id,email", " Contact_ID ,email,contact_id"])
@pytest.mark.parametrize("target", ["postgres", "spark"])
def test_a_column_named_twice(tmp_path, target, header):
    folder = _write(tmp_path / "raw", {"contacts.csv": f"{header}\n{SECRET_ID},{SECRET_ID},{SECRET}\n"})
    first, second = (1, 2) if header.startswith("contact_id,") else (1, 3)
    _refused(_load(folder, target=target),
             f"contacts.csv line 1: the header names column contact_id twice (fields {first} and {second})")


@pytest.mark.parametrize("target", ["postgres", "spark"])
def test_a_missing_header_is_not_echoed(tmp_path, target):
    # no header line: the first row is taken for it; its values are never printed
    folder = _write(tmp_path / "raw", {"contacts.csv": f"{SECRET},{SECRET},x,y\n{GOOD_CONTACT}\n"})
    message = _refused(_load(folder, target=target),
                       "contacts.csv line 1: the header names a column twice (fields 1 and 2)")
    assert "example.com" not in message


@pytest.mark.parametrize("target", ["postgres", "spark"])
def test_a_header_without_any_column_of_the_table(tmp_path, target):
    # semicolons: one column named "contact_id;email;...": every row would load as nulls
    folder = _write(tmp_path / "raw", {"contacts.csv": f"{CONTACTS.replace(',', ';')}\n"
                                                       f"{SECRET_ID};{SECRET};2026-01-01;true\n"})
    _refused(_load(folder, target=target), "contacts.csv line 1: the header names none of the contacts columns "
                                           f"({', '.join(RAW_COLUMNS['contacts'])})")


@pytest.mark.parametrize("content", ["requested_at,note\n2026-01-01,by phone\n", f"{SECRET_ID}\nc000002\n"])
@pytest.mark.parametrize("target", ["postgres", "spark"])
def test_an_erasure_list_without_contact_id(tmp_path, target, content):
    folder = _write(tmp_path / "raw", {"contacts.csv": f"{CONTACTS}\n{GOOD_CONTACT}\n",
                                       "erasure_requests.csv": content})
    _refused(_load(folder, target=target), "erasure_requests.csv: has no contact_id column")


@pytest.mark.parametrize("target", ["postgres", "spark"])
def test_a_suppression_list_without_address_or_hash(tmp_path, target):
    # read without them, the list would suppress nobody
    folder = _write(tmp_path / "raw", {"contacts.csv": f"{CONTACTS}\n{GOOD_CONTACT}\n",
                                       "suppressions.csv": f"address,reason\n{SECRET},manual\n"})
    _refused(_load(folder, target=target), "suppressions.csv line 1: the header names none of email, email_sha256")


def test_a_suppression_list_is_loaded(tmp_path, database):
    folder = _write(tmp_path / "raw", {"contacts.csv": f"{CONTACTS}\n{GOOD_CONTACT}\n",
                                       "suppressions.csv": "email_sha256,reason\nABC,hard_bounce\n"})
    result = _load(folder, database=database)
    assert result.returncode == 0, result.stdout + result.stderr
    assert _query(database, "select email, email_sha256, reason, suppressed_at "
                            "from analytics_raw_input.suppressions") == [(None, "ABC", "hard_bounce", None)]


# --- the rows (loaded into the throw-away server) ----------------------------

ROW_CASES = {
    "more fields than the header": (
        {"contacts.csv": f"{CONTACTS}\n{GOOD_CONTACT}\n{SECRET_ID},{SECRET},2026-01-01,true,x,y\n"},
        "contacts.csv line 3: row has 6 fields, the header has 4"),
    "fewer fields than the header": (
        {"events.csv": f"{EVENTS}\ne1,c000001,,page_view,2026-01-01 00:00:00,web,{{}}\n"
                       f"e2,c000001,,page_view,2026-01-02 00:00:00,web,{{}}\ne3,{SECRET_ID},{SECRET}\n"},
        "events.csv line 4: row has 3 fields, the header has 7"),
    "a ragged row after a quoted line break": (
        {"contacts.csv": f'{CONTACTS}\nc000001,"anna\n@example.org",2026-01-05,true\n{SECRET_ID},{SECRET}\n'},
        "contacts.csv line 4: row has 2 fields, the header has 4"),
    "an empty line": (
        {"contacts.csv": f"{CONTACTS}\n{GOOD_CONTACT}\n\n{SECRET_ID},{SECRET},2026-01-01,true\n"},
        "contacts.csv line 3: an empty line (the header has 4 fields); remove it"),
    "bytes that are not UTF-8 (Latin-1)": (
        {"contacts.csv": f"{CONTACTS}\n{GOOD_CONTACT}\n{SECRET_ID},".encode() + "ren\xe9e@".encode("latin-1")
         + f"{SECRET},2026-01-01,true\n".encode()},
        "contacts.csv line 3, column email (field 2): not valid UTF-8"),
    "a NUL byte": (
        {"orders.csv": f"{ORDERS}\no1,c000001,2026-01-01,10.00,0,EUR,completed,standard,basic\n"
                       f"o2,{SECRET_ID},2026-01-01,10.00,0,EUR,comp\x00leted,standard,basic\n"},
        "orders.csv line 3, column status (field 7): holds a NUL byte"),
    "a quote that is never closed": (
        {"contacts.csv": f'{CONTACTS}\n{GOOD_CONTACT}\n{SECRET_ID},"{SECRET},2026-01-01,true\nc3,x,y,z\n'},
        "contacts.csv line 3: a quoted value is never closed"),
    "a quote inside an unquoted value": (
        {"contacts.csv": f'{CONTACTS}\n{GOOD_CONTACT}\n{SECRET_ID},x"{SECRET},2026-01-01,true\n'},
        "contacts.csv line 3, column email (field 2): a double quote inside an unquoted value"),
    "text after a closing quote": (
        {"contacts.csv": f'{CONTACTS}\n{GOOD_CONTACT}\n{SECRET_ID},"{SECRET}"x,2026-01-01,true\n'},
        "contacts.csv line 3: a quoted value goes on after its closing quote"),
    "a header that is empty": (
        {"contacts.csv": f"\n{SECRET_ID},{SECRET},2026-01-01,true\n"},
        "contacts.csv line 1: the header is empty, yet rows follow it"),
    "a header of empty names": (
        {"contacts.csv": f",,,\n{SECRET_ID},{SECRET},2026-01-01,true\n"},
        "contacts.csv line 1: the header is empty, yet rows follow it"),
    # COPY ... csv from stdin stops at a line holding only \. : every later
    # erasure request would be dropped without a word
    "a line that would end COPY early": (
        {"contacts.csv": f"{CONTACTS}\n{GOOD_CONTACT}\n",
         "erasure_requests.csv": f"contact_id\nc000001\n\\.\n{SECRET_ID}\nc000003\n"},
        "erasure_requests.csv line 3: a line holding only \\. would end PostgreSQL's COPY there"),
}


@pytest.mark.parametrize("case", list(ROW_CASES))
def test_a_bad_row_is_named_by_file_and_line_never_printed(tmp_path, database, case):
    files, expected = ROW_CASES[case]
    good = _write(tmp_path / "good", {"contacts.csv": f"{CONTACTS}\n{GOOD_CONTACT}\n"})
    assert _load(good, database=database).returncode == 0
    bad = _write(tmp_path / "bad", files)
    _refused(_load(bad, database=database), expected)
    # a refused folder changes nothing: the tables loaded before are still there
    assert _query(database, "select contact_id from analytics_raw_input.contacts") == [("c000001",)]


def test_a_good_folder_loads_exactly_the_contract(tmp_path, database):
    folder = _write(tmp_path / "raw", {
        # BOM, CRLF, an extra and a nameless column, a quoted line break, quoted \.
        "contacts.csv": (f"\ufeff{CONTACTS},Extra,\r\n{GOOD_CONTACT},x,\r\n"
                         'c000002,"a\r\nb",,false,y,\r\n"\\.",,,,,\r\n').encode(),
        "events.csv": "contact_id,event_type\nc000001,page_view\n",  # missing columns are null
        "orders.csv": b"",                                           # 0 bytes: an empty table
        "erasure_requests.csv": "contact_id\nc000002\n",
        "README.md": "not a table\n",
    })
    result = _load(folder, database=database)
    assert result.returncode == 0, result.stdout + result.stderr
    columns = _query(database, "select table_name, array_agg(column_name::text order by ordinal_position) "
                               "from information_schema.columns where table_schema = 'analytics_raw_input' "
                               "group by table_name order by table_name")
    assert dict(columns) == {
        # every contract column, the optional time_zone too (null: the file has none)
        "contacts": RAW_COLUMNS["contacts"], "events": EVENTS.split(","), "orders": ORDERS.split(","),
        "erasure_requests": ["contact_id", "requested_at"],
        # the optional suppression list: no file, an empty table (a list loaded before never outlives its folder)
        "suppressions": RAW_COLUMNS["suppressions"]}
    assert _query(database, "select count(*) from analytics_raw_input.suppressions") == [(0,)]
    assert _query(database, "select contact_id, email, created_at, email_opt_in from analytics_raw_input.contacts "
                            "order by contact_id") == [
        ("\\.", None, None, None), ("c000001", "anna@example.org", "2026-01-05 10:00:00", "true"),
        ("c000002", "a\nb", None, "false")]
    assert _query(database, "select contact_id, event_type, event_id from analytics_raw_input.events") == [
        ("c000001", "page_view", None)]
    assert _query(database, "select count(*) from analytics_raw_input.orders") == [(0,)]
    assert _query(database, "select contact_id from analytics_raw_input.erasure_requests") == [("c000002",)]


def test_a_copy_error_keeps_the_line_and_drops_the_row(database):
    """The last line of defence: should COPY still refuse a row that passed the
    checks, its error names file, line and column, without the row that
    PostgreSQL quotes in the error's context."""
    sys.path.insert(0, str(PROJECT_DIR))
    try:
        from segkit import load
    finally:
        sys.path.remove(str(PROJECT_DIR))
    conn = psycopg2.connect(dbname=database, connect_timeout=10)
    try:
        with conn.cursor() as cur:
            cur.execute("create temp table contacts (contact_id text, email text)")
            with pytest.raises(psycopg2.Error) as raised:
                cur.copy_expert("copy contacts (contact_id, email) from stdin with (format csv, header true)",
                                io.StringIO(f"contact_id,email\nc000001,a@example.org\n{SECRET_ID},{SECRET},x\n"))
            assert SECRET in str(raised.value)  # what the old loader printed
            message = load._describe_copy_error("contacts.csv", ["contact_id", "email"],
                                                ["contact_id", "email"], "contacts", raised.value)
            conn.rollback()
            cur.execute("create temp table contacts (contact_id text, email text)")
            with pytest.raises(psycopg2.Error) as raised:
                cur.copy_expert("copy contacts (contact_id, email) from stdin with (format csv, header true)",
                                io.BytesIO(f"contact_id,email\nc000001,a@example.org\n{SECRET_ID},".encode()
                                           + b"\xe9" + f"{SECRET}\n".encode()))
            encoding_message = load._describe_copy_error("contacts.csv", ["contact_id", "email"],
                                                         ["contact_id", "email"], "contacts", raised.value)
    finally:
        conn.close()
    assert message.startswith("contacts.csv line 3: extra data after last expected column"), message
    assert SECRET not in message and SECRET_ID not in message
    assert SECRET not in encoding_message and SECRET_ID not in encoding_message, encoding_message
    assert encoding_message.startswith('contacts.csv line 3: invalid byte sequence for encoding "UTF8" '), \
        encoding_message
