"""The throw-away PostgreSQL server of scripts/postgres.sh is private.

A superuser session on it can run ``copy ... from program`` as the server's
OS user, so no other local account may reach it. scripts/postgres.sh runs
this file while its server is up (PGHOST, PGPORT, PGUSER, PGPASSWORD,
PGDATABASE point at it, PG_BIN at its binaries). It proves:

  * the proper connection (the one dbt makes from profiles.yml) works;
  * the server has no TCP listener (``listen_addresses`` is empty) and its
    socket and socket folder are 0700, owned by the server's OS user;
  * every login needs the password (no ``trust`` line in pg_hba.conf);
  * another OS user (``nobody``) cannot connect, neither over the socket
    (permission denied, even with the right password) nor over TCP on
    127.0.0.1 / localhost (connection refused).

Run as root (as in CI), the other user is real (``runuser -u nobody``). Run as
an ordinary user, who cannot switch users, the socket test checks the
permissions that make the socket unreachable instead. Nothing is skipped.
"""
from __future__ import annotations

import os
import pwd
import shutil
import socket
import stat
import subprocess
from pathlib import Path

import psycopg2
import pytest

OTHER_USER = "nobody"
IS_ROOT = os.geteuid() == 0
RUNUSER = shutil.which("runuser") or "/usr/sbin/runuser"


def _setting(name: str) -> str:
    value = os.environ.get(name)
    assert value is not None, f"{name} is not set: run this file from scripts/postgres.sh (it starts the server)"
    return value


def _connect(**overrides):
    params = dict(host=_setting("PGHOST"), port=int(_setting("PGPORT")), user=_setting("PGUSER"),
                  password=_setting("PGPASSWORD"), dbname=_setting("PGDATABASE"), connect_timeout=10)
    params.update(overrides)
    return psycopg2.connect(**params)


def _show(name: str) -> str:
    conn = _connect()
    try:
        with conn.cursor() as cur:
            cur.execute(f"show {name}")
            return cur.fetchone()[0]
    finally:
        conn.close()


def _psql() -> str:
    candidate = Path(os.environ.get("PG_BIN", "/nonexistent")) / "psql"
    found = str(candidate) if candidate.is_file() else shutil.which("psql")
    assert found, "psql not found (PG_BIN or the PATH)"
    return found


def _psql_connect(host: str, *, password: str | None, as_user: str | None = None) -> subprocess.CompletedProcess:
    """`psql -c 'select current_user'` to host (a socket folder or an address),
    as this process's user or as `as_user`; never reads ~/.pgpass or psqlrc."""
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "PGCONNECT_TIMEOUT": "5",
           "PGPASSFILE": "/nonexistent/.pgpass", "LC_ALL": "C"}
    if password is not None:
        env["PGPASSWORD"] = password
    conninfo = f"host={host} port={_setting('PGPORT')} user={_setting('PGUSER')} dbname={_setting('PGDATABASE')}"
    command = [_psql(), "-X", "-w", "-At", "-d", conninfo, "-c", "select current_user"]
    if as_user is not None:
        command = [RUNUSER, "-u", as_user, "--", *command]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=60, cwd="/")


def _failed(result: subprocess.CompletedProcess, reason: str) -> None:
    assert result.returncode != 0 and result.stdout.strip() != _setting("PGUSER"), (
        f"connected, but must not: {result.args} -> {result.stdout!r}")
    assert reason in result.stderr, f"expected {reason!r}, got: {result.stderr.strip()}"


def test_the_proper_connection_works():
    conn = _connect()
    try:
        with conn.cursor() as cur:
            cur.execute("select current_user")
            assert cur.fetchone()[0] == _setting("PGUSER")
    finally:
        conn.close()
    # the same psql helper the refusals below use connects when it should
    result = _psql_connect(_setting("PGHOST"), password=_setting("PGPASSWORD"))
    assert result.returncode == 0 and result.stdout.strip() == _setting("PGUSER"), result.stderr


def test_no_tcp_listener_and_a_0700_socket():
    assert _show("listen_addresses") == "", "the server listens on TCP; it must use its unix socket only"
    assert _show("unix_socket_permissions") == "0700"
    assert Path(_show("unix_socket_directories")) == Path(_setting("PGHOST"))


def test_the_socket_folder_is_private_to_the_server_user():
    host = Path(_setting("PGHOST"))
    assert host.is_absolute() and host.is_dir(), f"PGHOST={host} must be the socket's folder, not an address"
    server_uid = Path(_show("data_directory")).stat().st_uid
    folder = host.stat()
    assert folder.st_uid == server_uid, "the socket folder must belong to the server's OS user"
    assert stat.S_IMODE(folder.st_mode) & 0o077 == 0, f"the socket folder is {oct(stat.S_IMODE(folder.st_mode))}"
    sock = (host / f".s.PGSQL.{_setting('PGPORT')}").stat()
    assert stat.S_ISSOCK(sock.st_mode) and sock.st_uid == server_uid
    assert stat.S_IMODE(sock.st_mode) & 0o077 == 0, f"the socket is {oct(stat.S_IMODE(sock.st_mode))}"


def test_every_login_needs_the_password():
    conn = _connect()
    try:
        with conn.cursor() as cur:
            cur.execute("select type, auth_method from pg_hba_file_rules")
            rules = cur.fetchall()
    finally:
        conn.close()
    assert rules and all(method == "scram-sha-256" for _, method in rules), f"pg_hba.conf: {rules}"
    assert _setting("PGPASSWORD"), "the server must have a (random) password"
    _failed(_psql_connect(_setting("PGHOST"), password=None), "no password supplied")
    _failed(_psql_connect(_setting("PGHOST"), password="not-the-password"), "password authentication failed")


def test_another_user_cannot_reach_the_socket():
    host = _setting("PGHOST")
    assert Path(host).is_dir(), f"PGHOST={host} must be the socket's folder"
    if IS_ROOT:
        pwd.getpwnam(OTHER_USER)
        # even with the right password: the folder and socket keep it out
        _failed(_psql_connect(host, password=_setting("PGPASSWORD"), as_user=OTHER_USER), "Permission denied")
        _failed(_psql_connect(host, password=None, as_user=OTHER_USER), "Permission denied")
        probe = subprocess.run(
            [RUNUSER, "-u", OTHER_USER, "--", "/usr/bin/env", "python3", "-c",
             "import socket, sys\n"
             "s = socket.socket(socket.AF_UNIX)\n"
             "try:\n    s.connect(sys.argv[1])\nexcept PermissionError:\n    print('denied')\n"
             "else:\n    print('connected')\n",
             str(Path(host) / f".s.PGSQL.{_setting('PGPORT')}")],
            env={"PATH": "/usr/local/bin:/usr/bin:/bin"}, capture_output=True, text=True, timeout=60, cwd="/")
        assert probe.stdout.strip() == "denied", (probe.stdout, probe.stderr)
    else:
        # no way to become another user: the permissions that keep one out
        mode = stat.S_IMODE(Path(host).stat().st_mode)
        assert mode & 0o077 == 0 and Path(host).stat().st_uid == os.geteuid(), oct(mode)


@pytest.mark.parametrize("address", ["127.0.0.1", "localhost"])
def test_nobody_connects_over_tcp(address):
    as_user = OTHER_USER if IS_ROOT else None
    _failed(_psql_connect(address, password=None, as_user=as_user), "Connection refused")
    # not even with the password, nor as the server's own client
    _failed(_psql_connect(address, password=_setting("PGPASSWORD")), "Connection refused")
    with socket.socket() as probe:
        probe.settimeout(5)
        with pytest.raises(ConnectionRefusedError):
            probe.connect(("127.0.0.1", int(_setting("PGPORT"))))
