"""dbt-duckdb plugin: lets the build ask Python what the raw folder holds.

profiles.yml loads it on the duckdb target (``plugins: [{module:
segkit.duckdb_plugin}]``). It registers one SQL function on every
connection,

    segkit_raw_files(folder VARCHAR, specs VARCHAR) -> VARCHAR

which returns :func:`segkit.raw_files.discover_json` (the files per raw
table, or ``{"error": ...}``), and

    segkit_check_csv(path VARCHAR, compression VARCHAR) -> VARCHAR

null when every row of a CSV file can be read, else a message naming the
file and line of the first bad row, without its content (DuckDB's own error
quotes the row, which may hold an address). SQL alone cannot tell a folder that does not
exist from an empty one, nor see a link that points nowhere (DuckDB's glob
skips both), so the rules live in Python, once, for this build and for the
loader of the other engines.
"""

from __future__ import annotations

from dbt.adapters.duckdb.plugins import BasePlugin

from segkit.raw_files import check_csv_rows_sql, discover_json


class Plugin(BasePlugin):
    def configure_connection(self, conn):
        conn.create_function(
            "segkit_raw_files", discover_json, ["VARCHAR", "VARCHAR"], "VARCHAR",
            side_effects=True,
        )
        conn.create_function(
            "segkit_check_csv", check_csv_rows_sql, ["VARCHAR", "VARCHAR"], "VARCHAR",
            null_handling="special", side_effects=True,
        )
