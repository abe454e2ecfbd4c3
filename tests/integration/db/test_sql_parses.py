"""Every statement of a dialect is valid in that dialect's grammar, as sqlglot reads it.

SQL Server runs nowhere on this machine, so this is what catches a T-SQL slip here: the
dialect's statements and the mssql migration files are parsed as T-SQL with errors raised.
sqlglot's readers are lenient (its T-SQL reader quietly turns ``LIMIT ?`` into ``TOP (?)``),
so a statement must also come back unchanged when written out again in the same grammar:
if sqlglot had to translate it, it was not that dialect's SQL.
"""

from __future__ import annotations

import attrs
import pytest
import sqlglot
from sqlglot import exp
from sqlglot.errors import ErrorLevel

from selteq_adapters.db.dialect import dialect_named
from selteq_adapters.db.migrations import available, split_statements
from selteq_adapters.db.sorted_sql import every_sorted
from selteq_adapters.db.statements import rows_of
from selteq_adapters.db.url import DialectName

GRAMMARS: list[tuple[DialectName, str]] = [("mssql", "tsql"), ("postgresql", "postgres")]
SYNONYMS = {"INTEGER": "INT", "EXECUTE": "EXEC"}
NOISE = {";", "BEGIN", "END"}  # sqlglot wraps an IF's statement in BEGIN … END


def every_statement(name: DialectName) -> list[str]:
    statements = dialect_named(name).sql
    found: list[str] = []
    for field in attrs.fields(type(statements)):
        value = getattr(statements, field.name)
        if isinstance(value, tuple):
            found.extend(value)
        elif isinstance(value, str):
            found.append(rows_of(value, 2) if "{rows}" in value else value)
    for _, text in available(name):
        found.extend(split_statements(text))
    found.extend(every_sorted(name))
    return found


def tokens(sql: str, grammar: str) -> list[str]:
    texts = (token.text.upper() for token in sqlglot.tokenize(sql, read=grammar))
    return [SYNONYMS.get(text, text) for text in texts if text not in NOISE]


def problems(statement: str, grammar: str) -> list[str]:
    """Why ``statement`` is not plain ``grammar`` SQL; empty when it is."""
    try:
        trees = sqlglot.parse(statement, read=grammar, error_level=ErrorLevel.RAISE)
    except sqlglot.errors.ParseError as error:
        return [f"does not parse: {error}"]
    found = []
    written = ";".join(tree.sql(dialect=grammar) for tree in trees if tree is not None)
    if tokens(written, grammar) != tokens(statement, grammar):
        found.append(f"sqlglot had to rewrite it as {written!r}")
    for tree in filter(None, trees):
        found.extend(f"kept only as a command: {node.sql()}" for node in tree.find_all(exp.Command))
    return found


@pytest.mark.parametrize(("dialect", "grammar"), GRAMMARS)
def test_every_statement_is_plain_sql_of_its_dialect(dialect: DialectName, grammar: str) -> None:
    statements = every_statement(dialect)
    assert len(statements) > 25
    found = {statement: problems(statement, grammar) for statement in statements}
    assert {s: p for s, p in found.items() if p} == {}


@pytest.mark.parametrize(
    "slip",
    [
        "SELECT id FROM tasks WHERE user_id = ? ORDER BY id LIMIT ?",
        "INSERT INTO users (username) VALUES (?) RETURNING id",
        "CREATE TABLE t (a BOOLEAN NOT NULL)",
        "CREATE TABLE IF NOT EXISTS t (a INT)",
        "SELECT TOP (?) id FROM tasks WHERE",
    ],
)
def test_postgres_or_sqlite_habits_are_caught_as_tsql_slips(slip: str) -> None:
    assert problems(slip, "tsql")


def test_migration_files_split_on_line_ending_semicolons_only() -> None:
    text = (
        "-- a comment; not a statement\nCREATE TABLE a (\n  x INT\n);\n\nCREATE INDEX i ON a (x);\n"
    )
    assert split_statements(text) == ["CREATE TABLE a (\n  x INT\n)", "CREATE INDEX i ON a (x)"]
    with pytest.raises(ValueError, match="no closing"):
        split_statements("CREATE TABLE a (x INT)")
