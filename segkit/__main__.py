"""Command line: ``python -m segkit generate ...`` and ``python -m segkit sample``."""

from __future__ import annotations

import argparse
import filecmp
import shlex
import shutil
import sys
import tempfile
from pathlib import Path

from . import generate as g

SAMPLE_TARGETS = {
    "contacts.csv": g.REPO_ROOT / "seeds" / "raw" / "contacts.csv",
    "events.csv": g.REPO_ROOT / "seeds" / "raw" / "events.csv",
    "orders.csv": g.REPO_ROOT / "seeds" / "raw" / "orders.csv",
    "personas.csv": g.REPO_ROOT / "tests" / "fixtures" / "sample_personas.csv",
}


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``python -m segkit``."""
    parser = argparse.ArgumentParser(prog="python -m segkit", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    gen = sub.add_parser(
        "generate",
        help="write synthetic contacts/events/orders (+ personas)",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description=(
            "Write DIR/contacts, DIR/events, DIR/orders and DIR/personas (contact_id, persona).\n"
            "Deterministic: the same arguments give byte-identical files.\n"
            f"Volume: about {g.EVENTS_PER_CONTACT_YEAR} events per contact per year of --days plus "
            f"{g.EVENTS_PER_CONTACT_FIXED} per\n"
            f"contact from fixed windows: events ~= contacts * ({g.EVENTS_PER_CONTACT_FIXED} + "
            f"{g.EVENTS_PER_CONTACT_YEAR} * days / 365),\n"
            "i.e. ~86 events per contact per year for a one-year span;\n"
            "--contacts 116000 --days 365 gives about 10 million events. Orders: about 3 per contact.\n"
            "Personas (written to DIR/personas): see segkit/generate.py PERSONAS.\n\n"
            + g.describe_dirty_rows()
        ),
    )
    gen.add_argument("--contacts", type=int, required=True, help="number of contacts")
    gen.add_argument("--days", type=int, required=True, help="span in days, ending on --end-date (>= 60; every persona is fully formed from about "
                          "500: lapsed_loyal needs ~300 days, dormant's old activity more than 380)")
    gen.add_argument("--seed", type=int, required=True, help="seed of the deterministic hashing")
    gen.add_argument("--out", required=True, help="output folder (created if missing)")
    gen.add_argument("--end-date", default=g.DEFAULT_END_DATE,
                     help=f"last day of the data, inclusive (default {g.DEFAULT_END_DATE})")
    gen.add_argument("--format", dest="fmt", choices=["csv", "parquet"], default="csv")
    dirty = gen.add_mutually_exclusive_group()
    dirty.add_argument("--dirty", dest="dirty", action="store_true", default=True,
                       help="plant a few messy rows for the staging models (default)")
    dirty.add_argument("--clean", dest="dirty", action="store_false", help="plant no messy rows")
    gen.add_argument("--chunk-contacts", type=int, default=100_000,
                     help="contacts per processing chunk (memory bound; output does not depend on it)")
    gen.add_argument("--threads", type=int, default=None, help="DuckDB threads (output does not depend on it)")
    gen.add_argument("--calendar", default=None, help="occasion calendar CSV (occasion, start_date, end_date; default: the project's calendar, "
                     "the rules of the var occasion_calendar_rules and the override seed)")
    gen.add_argument("--quiet", action="store_true", help="print nothing")

    smp = sub.add_parser("sample", help="regenerate the committed sample with SAMPLE_COMMAND")
    smp.add_argument("--check", action="store_true",
                     help="only check that the committed files equal a fresh generation (exit 1 if not)")
    return parser


def _run_generate(args: argparse.Namespace) -> dict:
    """Run ``generate`` from parsed arguments and print the summary."""
    if not args.quiet:
        print(f"segkit generate: {args.contacts} contacts, {args.days} days to {args.end_date}, "
              f"seed {args.seed}, {args.fmt}, {'dirty' if args.dirty else 'clean'} -> {args.out}", flush=True)
    res = g.generate(args.contacts, args.days, args.seed, args.out, end_date=args.end_date, fmt=args.fmt,
                     dirty=args.dirty, chunk_contacts=args.chunk_contacts, threads=args.threads,
                     calendar=args.calendar, verbose=not args.quiet)
    if not args.quiet:
        for table, n in res["rows"].items():
            print(f"  {table:<9} {n:>12,} rows  {res['files'][table]}")
        print(f"  done in {res['seconds']:.1f} s")
    return res


def sample_args(out: str) -> list[str]:
    """Arguments (after ``python -m segkit``) of :data:`segkit.generate.SAMPLE_COMMAND`."""
    argv = shlex.split(g.SAMPLE_COMMAND.format(out=shlex.quote(out)))
    assert argv[:3] == ["python", "-m", "segkit"]
    return argv[3:]


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the exit code."""
    args = build_parser().parse_args(argv)
    if args.command == "generate":
        _run_generate(args)
        return 0
    # sample
    with tempfile.TemporaryDirectory() as tmp:
        gen_args = build_parser().parse_args(sample_args(tmp) + ["--quiet"])
        _run_generate(gen_args)
        differs = [str(dest) for name, dest in SAMPLE_TARGETS.items()
                   if not dest.exists() or not filecmp.cmp(Path(tmp) / name, dest, shallow=False)]
        if args.check:
            print("sample is up to date" if not differs else "sample differs: " + ", ".join(differs))
            return 1 if differs else 0
        for name, dest in SAMPLE_TARGETS.items():
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(Path(tmp) / name, dest)
        print("wrote " + ", ".join(str(d.relative_to(g.REPO_ROOT)) for d in SAMPLE_TARGETS.values()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
