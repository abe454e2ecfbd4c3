"""`selteq`: administration commands (`make migrate`, `make user`).

selteq secret                       keep a development JWT secret in var/jwt-secret (idempotent)
selteq migrate                      apply pending migrations (idempotent)
selteq user                         create a user, prompting like Django's createsuperuser
selteq user --username alice --no-input   password from SELTEQ_PASSWORD, for scripts
selteq user --admin                 a staff user, who may manage users and see every task
"""

from __future__ import annotations

import argparse
import getpass
import logging
import os
import sys
from collections.abc import Sequence

from selteq_core import Conflict, InvalidField, SelteqError

from .container import bootstrap
from .logs import configure_logging
from .settings import Settings, load_settings, make_secret, redact_url

log = logging.getLogger("selteq.cli")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="selteq", description="Selteq administration.")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("secret", help="keep a development JWT secret in var/jwt-secret")
    commands.add_parser("migrate", help="apply pending database migrations")
    user = commands.add_parser("user", help="create a user (prompts for the password)")
    user.add_argument("--username", help="the new user's name (prompted when omitted)")
    user.add_argument(
        "--no-input",
        action="store_true",
        help="never prompt: take the password from SELTEQ_PASSWORD (for scripts)",
    )
    user.add_argument(
        "--admin",
        action="store_true",
        help="make a staff user, who manages users and sees every task (like createsuperuser)",
    )
    args = parser.parse_args(argv)
    if args.command == "secret":
        return _secret()
    settings = load_settings("selteq")
    configure_logging(settings)
    try:
        if args.command == "migrate":
            return _migrate(settings)
        return _create_user(settings, args.username, no_input=args.no_input, staff=args.admin)
    except SelteqError as error:
        print(f"selteq: {type(error).__name__}: {error}", file=sys.stderr)  # noqa: T201
        return 1
    except KeyboardInterrupt:
        return 130


def _secret() -> int:
    """Made before settings are read: reading them only reads the kept file."""
    path, made = make_secret("var")
    print(f"selteq: {'kept a new JWT secret in' if made else 'keeping'} {path}", file=sys.stderr)  # noqa: T201
    return 0


def _migrate(settings: Settings) -> int:
    container = bootstrap(settings)
    try:
        applied = container.migrate()
    finally:
        container.close()
    where = redact_url(settings.database_url)
    if applied:
        log.info("applied %s to %s", ", ".join(applied), where)
    else:
        log.info("%s is up to date", where)
    return 0


NO_TERMINAL = (
    "selteq: there is no terminal to ask for a username and password; in a script, run"
    " `selteq user --username NAME --no-input` with the password in SELTEQ_PASSWORD"
)


def _ask(username: str | None) -> tuple[str, str | None]:
    """The username and the password typed twice (None when the two differ). Without a
    terminal, or with its input closed, this raises EOFError or OSError."""
    if sys.stdin is None or sys.stdin.closed:
        raise EOFError
    username = username or input("Username: ").strip()
    password = getpass.getpass("Password: ")
    again = getpass.getpass("Password (again): ")
    return username, password if again == password else None


def _create_user(
    settings: Settings, username: str | None, *, no_input: bool, staff: bool = False
) -> int:
    if no_input:
        password = os.environ.get("SELTEQ_PASSWORD", "")
        if not username or not password:
            print("selteq: --no-input needs --username and SELTEQ_PASSWORD", file=sys.stderr)  # noqa: T201
            return 2
    else:
        try:
            username, typed = _ask(username)
        except (EOFError, OSError):
            print(NO_TERMINAL, file=sys.stderr)  # noqa: T201
            return 2
        if typed is None:
            print("selteq: the passwords did not match", file=sys.stderr)  # noqa: T201
            return 1
        password = typed
    container = bootstrap(settings)
    try:
        user = container.register_user(username, password, staff=staff)
    except InvalidField as error:
        for field, reason in error.fields.items():
            print(f"selteq: {field} {reason}", file=sys.stderr)  # noqa: T201
        return 1
    except Conflict:
        print(f"selteq: the username {username!r} is taken", file=sys.stderr)  # noqa: T201
        return 1
    finally:
        container.close()
    kind = "staff user" if user.is_staff else "user"
    log.info("created %s %s with id %d", kind, user.username.value, user.id.value)
    return 0


if __name__ == "__main__":
    sys.exit(main())
