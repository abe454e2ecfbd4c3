"""SELTEQ_DATABASE_URL parsing: every scheme, passwords that survive and never show, bad URLs."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote, quote_plus

import pytest

from selteq_adapters.db import DatabaseUrl, parse_database_url

NASTY = "p@ss;w}r{d=:/?# x"


def odbc_pairs(connect: str) -> dict[str, str]:
    """Read an ODBC connection string the way a driver manager does (braces, doubled '}')."""
    pairs: dict[str, str] = {}
    i = 0
    while i < len(connect):
        key_end = connect.index("=", i)
        key, i = connect[i:key_end], key_end + 1
        if connect.startswith("{", i):
            value, i = "", i + 1
            while True:
                close = connect.index("}", i)
                value += connect[i:close]
                if connect.startswith("}}", close):
                    value, i = value + "}", close + 2
                    continue
                i = close + 1
                break
        else:
            end = connect.find(";", i)
            end = len(connect) if end < 0 else end
            value, i = connect[i:end], end
        pairs[key] = value
        i += 1 if connect.startswith(";", i) else 0
    return pairs


def connect_string(url: str) -> dict[str, str]:
    parsed = parse_database_url(url)
    assert parsed.odbc_connect is not None
    return odbc_pairs(parsed.odbc_connect)


@pytest.mark.parametrize(
    ("url", "path"),
    [
        ("sqlite:///var/selteq.db", "var/selteq.db"),
        ("sqlite:////srv/data/selteq.db", "/srv/data/selteq.db"),
        ("sqlite:///my%20data/t%C3%A2ches.db", "my data/tâches.db"),
    ],
)
def test_sqlite_urls_name_a_file_for_the_stdlib_driver(url: str, path: str) -> None:
    parsed = parse_database_url(url)
    assert (parsed.dialect, parsed.driver, parsed.path, parsed.odbc_connect) == (
        "sqlite",
        "sqlite3",
        path,
        None,
    )


def test_parsing_touches_nothing_on_disk(tmp_path: Path) -> None:
    parse_database_url(f"sqlite:///{tmp_path}/new/folder/selteq.db")
    assert not (tmp_path / "new").exists()


def test_mssql_url_becomes_a_connection_string_with_every_extra_keyword() -> None:
    url = (
        f"mssql://sa:{quote(NASTY, safe='')}@db.example:14330/selteq"
        "?driver=ODBC+Driver+18+for+SQL+Server&TrustServerCertificate=yes&Encrypt=yes"
    )
    assert parse_database_url(url).dialect == "mssql"
    assert connect_string(url) == {
        "DRIVER": "ODBC Driver 18 for SQL Server",
        "SERVER": "tcp:db.example,14330",
        "DATABASE": "selteq",
        "UID": "sa",
        "PWD": NASTY,
        "TrustServerCertificate": "yes",
        "Encrypt": "yes",
    }


def test_mssql_defaults_to_microsofts_driver_on_1433() -> None:
    pairs = connect_string("mssql://sa:x@sqlserver/selteq")
    assert (pairs["DRIVER"], pairs["SERVER"]) == (
        "ODBC Driver 18 for SQL Server",
        "tcp:sqlserver,1433",
    )


def test_mssql_through_freetds_gets_host_port_and_a_modern_tds() -> None:
    pairs = connect_string("mssql://sa:x@sqlserver/selteq?driver=FreeTDS")
    assert pairs["SERVER"] == "sqlserver"
    assert (pairs["PORT"], pairs["TDS_Version"], pairs["ClientCharset"]) == ("1433", "7.4", "UTF-8")
    assert (
        connect_string("mssql://sa:x@h/db?driver=FreeTDS&TDS_Version=7.3")["TDS_Version"] == "7.3"
    )


def test_postgresql_url_uses_the_unicode_odbc_driver_by_default() -> None:
    assert connect_string(f"postgresql://alice:{quote(NASTY, safe='')}@pg:5433/app") == {
        "DRIVER": "PostgreSQL Unicode",
        "SERVER": "pg",
        "PORT": "5433",
        "DATABASE": "app",
        "UID": "alice",
        "PWD": NASTY,
        "BoolsAsChar": "0",
        "pqopt": "connect_timeout=3 tcp_user_timeout=4000",
        "CommLog": "0",
        "UseServerSidePrepare": "0",
    }


def test_postgresql_driver_and_options_can_be_chosen() -> None:
    pairs = connect_string("postgres://u@pg/app?driver=PostgreSQL+ANSI&sslmode=require")
    assert (pairs["DRIVER"], pairs["PORT"], pairs["sslmode"]) == (
        "PostgreSQL ANSI",
        "5432",
        "require",
    )
    assert "PWD" not in pairs


def test_odbc_url_passes_the_connection_string_through() -> None:
    raw = "DRIVER={SQLite3};Database=/tmp/a b.db"
    parsed = parse_database_url("odbc://?odbc_connect=" + quote_plus(raw))
    assert (parsed.dialect, parsed.driver, parsed.odbc_connect) == (None, "pyodbc", raw)
    forced = parse_database_url(f"odbc://?odbc_connect={quote_plus(raw)}&dialect=sqlite")
    assert forced.dialect == "sqlite"


@pytest.mark.parametrize(
    "url",
    [
        f"mssql://sa:{quote(NASTY, safe='')}@h/db",
        f"postgresql://u:{quote(NASTY, safe='')}@h/db",
        "odbc://?odbc_connect=" + quote_plus("DRIVER={X};UID=u;PWD={p@ss;w}}r{d=:/?# x};A=1"),
        "odbc://?odbc_connect=" + quote_plus("Driver=X;Password=p@ss;A=1"),
    ],
)
def test_no_rendering_of_a_parsed_url_shows_the_password(url: str) -> None:
    parsed = parse_database_url(url)
    for text in (repr(parsed), str(parsed), parsed.redacted, f"{parsed}"):
        assert "p@ss" not in text
        assert "***" in text


def test_a_parsed_url_is_a_frozen_value() -> None:
    parsed = parse_database_url("sqlite:///var/selteq.db")
    assert parsed == DatabaseUrl("sqlite", path="var/selteq.db")
    with pytest.raises(AttributeError):
        parsed.path = "elsewhere.db"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("url", "complaint"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("var/selteq.db", "must start with"),
        ("mysql://u:hunter2@h/db", "must start with"),
        ("sqlite://host/x.db", "no host"),
        ("sqlite:///", "names no file"),
        ("sqlite:///var/", "names no file"),
        ("sqlite:///:memory:", "must name a file"),
        ("sqlite:///x.db?mode=ro", "no options"),
        ("mssql://u:hunter2@h:port/db", "port must be a number"),
        ("mssql://u:hunter2@h:99999/db", "port must be a number"),
        ("mssql://u:hunter2@/db", "names no host"),
        ("mssql://u:hunter2@h", "must name one database"),
        ("mssql://u:hunter2@h/db/extra", "must name one database"),
        ("mssql://u:hunter2@h/db?driver=A&driver=B", "twice"),
        ("mssql://u:hunter2@h/db?PWD=other", "in the URL itself"),
        ("postgresql://u:hunter2@h/db?Bad;Key=1", "not a valid ODBC keyword"),
        ("postgresql://u:hunter2@h/db?odbc_connect=x", "belongs in an odbc://"),
        ("postgresql://u:hunter#2@h/db", "percent-encode"),
        ("odbc://", "needs odbc_connect"),
        ("odbc://?odbc_connect=", "needs odbc_connect"),
        ("odbc://host?odbc_connect=DSN%3Dx", "only a query"),
        ("odbc://?odbc_connect=DSN%3Dx&dialect=oracle", "dialect must be one of"),
        ("odbc://?odbc_connect=DSN%3Dx&UID=u", "takes only odbc_connect and dialect"),
    ],
)
def test_a_bad_url_is_refused_naming_the_problem_not_the_password(url: str, complaint: str) -> None:
    with pytest.raises(ValueError, match=complaint) as error:
        parse_database_url(url)
    assert "hunter" not in str(error.value)
