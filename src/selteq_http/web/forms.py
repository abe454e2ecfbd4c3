"""Form input in, and the core's refusals out as messages beside the fields.

Each refusal answers with the status and headers the JSON API gives the same error (the
one table, ``contract.problems.status_of``); the page keeps only its words. It shows the
form again with what was typed (never a password), and every message names what to do
next.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import attrs
from litestar import Request

from selteq_core import (
    AccountDeactivated,
    AuthenticationFailed,
    Conflict,
    Duration,
    Forbidden,
    InvalidField,
    KeyReused,
    NotFound,
    PreconditionFailed,
    RateLimited,
    SelteqError,
    Title,
    Unavailable,
)
from selteq_http.contract.problems import RETRY_UNAVAILABLE, status_of

_WHOLE = re.compile(r"[0-9]{1,30}")
LABELS = {
    "title": "Title",
    "duration": "Duration",
    "username": "Username",
    "password": "Password",
    "current_password": "Current password",
    "new_password": "New password",
    "search": "Search",
    "owner": "Owner",
    "created_from": "From",
    "created_to": "To",
    "password_confirm": "Password confirmation",
    "new_password_confirm": "New password confirmation",
}


async def fields(request: Request[Any, Any, Any], *names: str) -> dict[str, str]:
    """The named text fields of a posted form (missing ones as ``""``)."""
    form = await request.form()
    values: dict[str, str] = {}
    for name in names:
        value = form.get(name)
        values[name] = value if isinstance(value, str) else ""
    return values


def minutes(text: str) -> int | None:
    """A whole number typed in a form, or None (the core then names the field)."""
    text = text.strip()
    return int(text) if _WHOLE.fullmatch(text) else None


def task_input(title: str, duration: str) -> tuple[str, int]:
    """Both fields checked at once, so one answer names every problem."""
    problems: dict[str, str] = {}
    value = minutes(duration)
    if value is None:
        problems["duration"] = "must be a whole number"
    checks: list[Callable[[], object]] = [lambda: Title(title)]
    if value is not None:
        checks.append(lambda: Duration(value))
    for check in checks:
        try:
            check()
        except InvalidField as error:
            problems.update(error.fields)
    if problems:
        raise InvalidField.of(problems)
    assert value is not None
    return title, value


_BETWEEN = re.compile(r"must be between 1 and ([0-9]+)")
_CHARACTERS = re.compile(r"must be 1 to ([0-9]+) characters")
_BYTES = re.compile(r"must be ([0-9]+) to ([0-9]+) bytes long")


def in_words(name: str, reason: str) -> str:
    """The core's reason for ``name`` as a person would say it: characters, not bytes; "1
    or more", not a range ending in the largest integer; "is required" for a blank."""
    label = LABELS.get(name, name.replace("_", " ").capitalize())
    if reason in ("must not be blank", "must be a string"):
        return f"{label} is required."
    if reason == "must be a whole number":
        return f"{label} must be a whole number of minutes, 1 or more."
    if found := _BETWEEN.fullmatch(reason):
        return f"{label} must be 1 or more (at most {int(found[1]):,})."
    if found := _CHARACTERS.fullmatch(reason):
        return f"{label} must be {int(found[1]):,} characters or fewer."
    if found := _BYTES.fullmatch(reason):
        return f"{label} must be at least {found[1]} characters."
    return f"{label} {reason}."


def confirmed(values: dict[str, str], name: str, confirmation: str) -> None:
    """A new password typed twice the same, refused before the core is asked; the other
    fields are still checked by the core in the same answer when they match."""
    if values[name] != values[confirmation]:
        raise InvalidField.of({confirmation: "does not match the password typed above"})


_AT_MOST = re.compile(r"must be at most ([0-9]+) characters")


def _said(name: str, reason: str, typed: str | None) -> str:
    """``reason`` in words; knowing what was typed, a blank field is required whatever rule
    it broke, and a field too long says how long it is (nothing is cut to fit)."""
    if typed is None:
        return in_words(name, reason)
    if not typed.strip():
        return in_words(name, "must not be blank")
    said = in_words(name, reason)
    if (found := _AT_MOST.fullmatch(reason)) and len(typed.strip()) > int(found[1]):
        said += f" This one has {len(typed.strip()):,}."
    return said


@attrs.frozen
class Failure:
    """What a refused form shows: a message per field, or one for the whole form."""

    status: int
    errors: dict[str, str] = attrs.field(factory=dict)
    message: str = ""
    headers: dict[str, str] = attrs.field(factory=dict)


def failure(error: SelteqError, typed: dict[str, str] | None = None) -> Failure:
    """The page's words for a refusal; its status and headers are the API's. With what was
    ``typed``, a field left blank is said to be required, whatever rule it broke."""
    status, headers = status_of(error)
    if isinstance(error, InvalidField):
        errors = {
            name: _said(name, reason, (typed or {}).get(name))
            for name, reason in error.fields.items()
        }
        return Failure(status, errors, "Please correct the fields marked below.", headers)
    if isinstance(error, KeyReused):
        message = "This was already sent with other values. Nothing was changed."
    elif isinstance(error, Conflict):
        return Failure(status, {"username": "That username is taken; choose another."})
    elif isinstance(error, PreconditionFailed):
        message = "It changed since you opened it. Nothing was changed; reload and try again."
    elif isinstance(error, NotFound):
        message = "There is no such " + ("user." if error.what == "user" else "task among yours.")
    elif isinstance(error, Forbidden):
        message = "This is for staff only. Nothing was changed."
    elif isinstance(error, RateLimited):
        wait = error.retry_after
        message = f"Too many attempts. Try again in {wait} {'second' if wait == 1 else 'seconds'}."
    elif isinstance(error, AccountDeactivated):
        message = "This account was deactivated — ask an administrator."
    elif isinstance(error, AuthenticationFailed):
        message = "That username and password do not match an account."
    elif isinstance(error, Unavailable):
        message = (
            "The service cannot reach its database right now. Nothing was changed;"
            f" try again in {RETRY_UNAVAILABLE} seconds."
        )
    else:
        message = "Something went wrong on our side. Nothing was changed."
    return Failure(status, message=message, headers=headers)
