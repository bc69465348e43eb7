"""The rejects file (file, line, column, expected, value) and the counts per reason."""

import bisect
import csv
from pathlib import Path

import duckdb

from essor.sirene.pipeline.checks import ETAB_RULES, UL_RULES, Rule
from essor.sirene.pipeline.read import ParseReject
from essor.sirene.pipeline.transform import kept_sql

MALFORMED = "ligne_mal_formee"


def line_number(rowid: int, parse_lines: list[int], first: int = 2) -> int:
    """File line of a staged row: its rank plus the header and the lines DuckDB skipped before it.
    (Sirene has no quoted line breaks, so one record = one line.)"""
    line = rowid + first
    skipped = 0
    while True:
        now = bisect.bisect_right(parse_lines, line)
        if now == skipped:
            return line
        line += now - skipped
        skipped = now


def _rule_rows(con, table: str, rules: tuple[Rule, ...]):
    for index, rule in enumerate(rules):
        # The staging tables keep the rejected rows' strings in one list (transform.KEPT).
        value = kept_sql(table, rule.column)
        query = f"SELECT rowid, {value} FROM {table} WHERE reject_rule = {index} ORDER BY rowid"
        for rowid, value in con.execute(query).fetchall():
            yield rowid, rule, value


def collect(
    con: duckdb.DuckDBPyConnection,
    staged: list[tuple[str, str, list[ParseReject], bool]],
    target: Path,
) -> dict[str, dict[str, int]]:
    """Writes one CSV row per rejected line; returns {role: {reason: count}}.

    `staged` lists (role, file shown to the user, DuckDB parse rejects, is_parquet) for the
    staging tables `ul` and `etab`.
    """
    counts: dict[str, dict[str, int]] = {}
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["file", "line", "column", "expected", "value"])
        for role, shown, parse_rejects, parquet in staged:
            table, rules = ("ul", UL_RULES) if role == "unites_legales" else ("etab", ETAB_RULES)
            per_reason: dict[str, int] = {}
            for reject in parse_rejects:
                per_reason[MALFORMED] = per_reason.get(MALFORMED, 0) + 1
                writer.writerow(
                    [
                        shown,
                        reject.line,
                        reject.column,
                        "ligne CSV conforme à l'en-tête",
                        reject.value,
                    ]
                )
            parse_lines = sorted(r.line for r in parse_rejects)
            for rowid, rule, value in _rule_rows(con, table, rules):
                per_reason[rule.reason] = per_reason.get(rule.reason, 0) + 1
                line = rowid + 1 if parquet else line_number(rowid, parse_lines)
                writer.writerow([shown, line, rule.column, rule.expected, value or ""])
            counts[role] = per_reason
    return counts
