"""The README's rule tables, written from the rules themselves.

Each segmentation type's rules are one ordered list in
macros/segmentation/<type>.sql (the rule table: label, condition in words,
reason sentence, reason_code; macros/segmentation/_rule_table.sql).
`dbt run-operation print_rule_tables` prints them as Markdown with the
thresholds in force; this command puts that output between the markers

    <!-- rule-tables:start -->  ...  <!-- rule-tables:end -->

of README.md, and `dbt run-operation print_list_rules` prints the activation
lists' rules (macros/activation/activation_rules.sql) between

    <!-- list-rules:start -->  ...  <!-- list-rules:end -->

so the README never restates a threshold by hand:

    python -m segkit.rule_tables           # rewrite the block in README.md
    python -m segkit.rule_tables --check   # exit 1 when README.md is stale

tests/python/test_readme_rule_tables.py runs the check.
"""
from __future__ import annotations

import argparse
import contextlib
import io
import os
import sys
import tempfile
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[1]
README = PROJECT_DIR / "README.md"
START = "<!-- rule-tables:start -->"
END = "<!-- rule-tables:end -->"
#: README block name -> the run-operation that prints it
BLOCKS = {"rule-tables": "print_rule_tables", "list-rules": "print_list_rules"}


def render(project_dir: Path = PROJECT_DIR, operation: str = "print_rule_tables") -> str:
    """The Markdown a run-operation prints (every type's rule table by default), with the default vars."""
    from dbt.cli.main import dbtRunner

    with tempfile.TemporaryDirectory() as work:
        os.environ.setdefault("SEGKIT_PATH", str(project_dir))
        os.environ["DO_NOT_TRACK"] = "1"
        saved = os.environ.get("DBT_DUCKDB_PATH")
        os.environ["DBT_DUCKDB_PATH"] = str(Path(work) / "rule_tables.duckdb")
        out = io.StringIO()
        try:
            with contextlib.redirect_stdout(out):
                result = dbtRunner().invoke([
                    "run-operation", operation, "--quiet", "--target", "duckdb",
                    "--project-dir", str(project_dir), "--profiles-dir", str(project_dir),
                    "--target-path", str(Path(work) / "target"), "--log-path", str(Path(work) / "logs"),
                ])
        finally:
            if saved is None:
                os.environ.pop("DBT_DUCKDB_PATH", None)
            else:
                os.environ["DBT_DUCKDB_PATH"] = saved
    if not result.success:
        raise SystemExit(f"dbt run-operation {operation} failed: {result.exception}")
    return out.getvalue().strip() + "\n"


def replace_block(text: str, tables: str, block: str = "rule-tables") -> str:
    start, end = f"<!-- {block}:start -->", f"<!-- {block}:end -->"
    if start not in text or end not in text:
        raise SystemExit(f"README.md has no {start} ... {end} block")
    head, rest = text.split(start, 1)
    _, tail = rest.split(end, 1)
    return f"{head}{start}\n{tables}{end}{tail}"


def rendered_readme(text: str) -> str:
    """README.md with every generated block rendered afresh."""
    for block, operation in BLOCKS.items():
        text = replace_block(text, render(operation=operation), block)
    return text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m segkit.rule_tables", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="only check that README.md is up to date")
    args = parser.parse_args(argv)
    text = README.read_text()
    wanted = rendered_readme(text)
    if args.check:
        if wanted != text:
            print("README.md rule tables are stale: run python -m segkit.rule_tables", file=sys.stderr)
            return 1
        return 0
    README.write_text(wanted)
    print(f"wrote the rule tables into {README}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
