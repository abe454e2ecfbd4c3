"""`SELTEQ_DATABASE_URL`, parsed once into what a driver needs.

Parsing never touches the disk or the network: the SQLite folder is made and pyodbc is
imported only when the first connection is opened. A parsed URL never shows a password,
whether printed, logged or put in an error message.
"""

from __future__ import annotations

import re
from typing import Literal
from urllib.parse import SplitResult, parse_qsl, unquote, urlsplit

import attrs

DialectName = Literal["sqlite", "postgresql", "mssql"]
DIALECTS: tuple[DialectName, ...] = ("sqlite", "postgresql", "mssql")
SCHEMES = ("sqlite", "postgresql", "postgres", "mssql", "odbc")
MSSQL_DRIVER = "ODBC Driver 18 for SQL Server"
POSTGRES_DRIVER = "PostgreSQL Unicode"
_RESERVED = {"driver", "server", "port", "database", "uid", "pwd", "user", "password"}
_KEYWORD = re.compile(r"^[A-Za-z][A-Za-z0-9_ ]*$")
_SECRET = re.compile(r"(?i)(\b(?:pwd|password)\s*=\s*)(\{(?:[^}]|\}\})*\}|[^;]*)")


def quote_odbc(value: str) -> str:
    """An ODBC connection-string value, braced when it holds ; { } or edge spaces."""
    if value == "" or value != value.strip() or any(ch in value for ch in ";{}"):
        return "{" + value.replace("}", "}}") + "}"
    return value


def redact_odbc(connect: str) -> str:
    """The connection string with every PWD / Password value replaced by ***."""
    return _SECRET.sub(r"\1***", connect)


def redact_url(url: str) -> str:
    """Any URL (database or Redis) with its password replaced, fit for a log line.

    The user-info password runs to the last ``@`` (passwords may contain ``@``); a
    ``password`` option is hidden, and an ``odbc_connect`` string is decoded first and its
    PWD hidden, braces and all."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "<unparseable url>"
    netloc = parts.netloc
    if "@" in netloc:
        userinfo, host = netloc.rsplit("@", 1)
        user, has_password, _ = userinfo.partition(":")
        netloc = f"{user}:***@{host}" if has_password else f"{user}@{host}"
    query = []
    for key, value in parse_qsl(parts.query, keep_blank_values=True):
        if key.lower() in {"password", "pwd"}:
            value = "***"
        elif key.lower() == "odbc_connect":
            value = redact_odbc(value)
        query.append(f"{key}={value}")
    redacted = f"{parts.scheme}://{netloc}{parts.path}"
    return redacted + ("?" + "&".join(query) if query else "")


@attrs.frozen(repr=False)
class DatabaseUrl:
    """Where the data lives: a SQLite file (stdlib sqlite3) or an ODBC connection string.

    ``dialect`` is None only for an ``odbc://`` URL without ``dialect=``: it is then read
    from the server (SQL_DBMS_NAME) on the first connection.
    """

    dialect: DialectName | None
    path: str | None = None
    odbc_connect: str | None = None

    @property
    def driver(self) -> Literal["sqlite3", "pyodbc"]:
        return "sqlite3" if self.path is not None else "pyodbc"

    @property
    def redacted(self) -> str:
        """A description fit for a log line."""
        if self.path is not None:
            return f"sqlite:///{self.path}"
        return redact_odbc(self.odbc_connect or "")

    def __repr__(self) -> str:
        return f"DatabaseUrl(driver={self.driver!r}, dialect={self.dialect!r}, {self.redacted!r})"

    __str__ = __repr__


def parse_database_url(url: str) -> DatabaseUrl:
    """Parse ``sqlite:///path``, ``mssql://…``, ``postgresql://…`` or ``odbc://?odbc_connect=…``.

    Raises ValueError naming the problem; the message never repeats the password.
    """
    if not isinstance(url, str) or not url.strip():
        raise ValueError("the database URL is empty; expected e.g. sqlite:///var/selteq.db")
    scheme, separator, _ = url.strip().partition("://")
    scheme = scheme.lower()
    if not separator or scheme not in SCHEMES:
        raise ValueError(
            f"the database URL must start with one of {', '.join(s + '://' for s in SCHEMES)}"
        )
    parts = urlsplit(url.strip())
    if parts.fragment:
        raise ValueError("the database URL has a '#': percent-encode it as %23")
    if scheme == "sqlite":
        return _sqlite(parts)
    if scheme == "odbc":
        return _odbc(parts)
    return _server("mssql" if scheme == "mssql" else "postgresql", parts)


def _sqlite(parts: SplitResult) -> DatabaseUrl:
    if parts.netloc:
        raise ValueError(
            "a sqlite URL has no host: use sqlite:///relative/path.db or sqlite:////absolute/path.db"
        )
    if parts.query:
        raise ValueError("a sqlite URL takes no options")
    path = unquote(parts.path[1:] if parts.path.startswith("/") else parts.path)
    if not path or path.endswith("/"):
        raise ValueError("the sqlite URL names no file, e.g. sqlite:///var/selteq.db")
    if path == ":memory:" or path.startswith("file:"):
        raise ValueError("the sqlite URL must name a file (every pooled connection shares it)")
    return DatabaseUrl("sqlite", path=path)


def _odbc(parts: SplitResult) -> DatabaseUrl:
    if parts.netloc or parts.path:
        raise ValueError("an odbc URL has only a query: odbc://?odbc_connect=<url-encoded string>")
    params = _params(parts.query)
    connect = params.pop("odbc_connect", "").strip()
    if not connect:
        raise ValueError("the odbc URL needs odbc_connect=<url-encoded ODBC connection string>")
    forced = params.pop("dialect", None)
    dialect = None if forced is None else _dialect(forced)
    if params:
        raise ValueError(
            f"the odbc URL takes only odbc_connect and dialect, not {', '.join(sorted(params))}"
        )
    return DatabaseUrl(dialect, odbc_connect=connect)


def _dialect(name: str) -> DialectName:
    for known in DIALECTS:
        if name.strip().lower() == known:
            return known
    raise ValueError(f"the odbc URL's dialect must be one of {', '.join(DIALECTS)}")


def _server(dialect: DialectName, parts: SplitResult) -> DatabaseUrl:
    try:
        host, port = parts.hostname, parts.port
    except ValueError:
        raise ValueError(f"the {dialect} URL's port must be a number from 1 to 65535") from None
    if not host:
        raise ValueError(f"the {dialect} URL names no host, e.g. {dialect}://user:pass@host/db")
    database = unquote(parts.path.lstrip("/"))
    if not database or "/" in database:
        raise ValueError(f"the {dialect} URL must name one database after the host: …@host/db")
    params = _params(parts.query)
    for name in ("odbc_connect", "dialect"):
        if name in params:
            raise ValueError(f"{name} belongs in an odbc:// URL, not a {dialect} one")
    driver = params.pop("driver", MSSQL_DRIVER if dialect == "mssql" else POSTGRES_DRIVER)
    _check_keywords(params)
    pairs = _address(dialect, driver, host, port)
    pairs.append(("DATABASE", database))
    if parts.username is not None:
        pairs.append(("UID", unquote(parts.username)))
    if parts.password is not None:
        pairs.append(("PWD", unquote(parts.password)))
    pairs.extend(_defaults(dialect, driver, params))
    pairs.extend(params.items())
    connect = ";".join(f"{key}={quote_odbc(value)}" for key, value in pairs)
    return DatabaseUrl(dialect, odbc_connect=connect)


def _address(
    dialect: DialectName, driver: str, host: str, port: int | None
) -> list[tuple[str, str]]:
    braced = f"[{host}]" if ":" in host else host
    if dialect == "postgresql":
        return [("DRIVER", driver), ("SERVER", host), ("PORT", str(port or 5432))]
    if "freetds" in driver.lower():
        return [("DRIVER", driver), ("SERVER", braced), ("PORT", str(port or 1433))]
    return [("DRIVER", driver), ("SERVER", f"tcp:{braced},{port or 1433}")]


def _defaults(dialect: DialectName, driver: str, given: dict[str, str]) -> list[tuple[str, str]]:
    """Driver options Selteq relies on, unless the URL sets them itself."""
    wanted: list[tuple[str, str]] = []
    if dialect == "postgresql":
        # Booleans as booleans (not '1'/'0' text); libpq gives up connecting after 5 s and
        # drops a connection whose sent data goes unacknowledged for 4 s (a vanished host
        # fails a read in bounded time); no
        # communication log (Debian registers the driver with CommLog=1, which leaves a
        # file in /tmp for every connection). UseServerSidePrepare=0: the driver binds the
        # parameters itself (escaped literals, as psycopg2 always does) and sends one simple
        # query, instead of a Parse/Describe/Bind/Execute with a savepoint and a DEALLOCATE
        # around each statement (docs/decisions/0003-client-side-binding.md).
        wanted = [
            ("BoolsAsChar", "0"),
            ("pqopt", "connect_timeout=3 tcp_user_timeout=4000"),
            ("CommLog", "0"),
            ("UseServerSidePrepare", "0"),
        ]
    elif "freetds" in driver.lower():
        # TDS 7.3+ returns DATETIME2 as a datetime instead of text.
        wanted = [("TDS_Version", "7.4"), ("ClientCharset", "UTF-8")]
    lowered = {key.lower() for key in given}
    return [(key, value) for key, value in wanted if key.lower() not in lowered]


def _params(query: str) -> dict[str, str]:
    params: dict[str, str] = {}
    try:
        pairs = parse_qsl(query, keep_blank_values=True, strict_parsing=bool(query))
    except ValueError:
        raise ValueError("the database URL's query string is malformed") from None
    for key, value in pairs:
        name = key.strip()
        if name.lower() in {"driver", "odbc_connect", "dialect"}:
            name = name.lower()
        if name in params:
            raise ValueError(f"the database URL sets {name!r} twice")
        params[name] = value
    return params


def _check_keywords(params: dict[str, str]) -> None:
    """Extra options of a server URL become ODBC keywords, so they must look like ones."""
    for name in params:
        if not _KEYWORD.match(name):
            raise ValueError(f"the database URL option {name!r} is not a valid ODBC keyword")
        if name.lower() in _RESERVED:
            raise ValueError(f"set {name} in the URL itself (user:password@host:port/db)")
