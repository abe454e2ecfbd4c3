"""Form input in, and the core's refusals out as messages beside the fields.

Each refusal answers with the status the JSON API would give (400, 401, 409, 429, 503),
the page shows the form again with what was typed (never a password), and every message
names what to do next.
"""

from __future__ import annotations

import re
from typing import Any

import attrs
from litestar import Request

from selteq_core import (
    AuthenticationFailed,
    Conflict,
    InvalidField,
    RateLimited,
    SelteqError,
    Title,
    Unavailable,
)
from selteq_http.problems import RETRY_UNAVAILABLE

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
    try:
        Title(title)
    except InvalidField as error:
        problems.update(error.fields)
    if problems:
        raise InvalidField.of(problems)
    assert value is not None
    return title, value


@attrs.frozen
class Failure:
    """What a refused form shows: a message per field, or one for the whole form."""

    status: int
    errors: dict[str, str] = attrs.field(factory=dict)
    message: str = ""
    headers: dict[str, str] = attrs.field(factory=dict)


def failure(error: SelteqError) -> Failure:
    """The page's words for each refusal the API would answer with a problem."""
    if isinstance(error, InvalidField):
        errors = {
            name: f"{LABELS.get(name, name)} {reason}." for name, reason in error.fields.items()
        }
        return Failure(400, errors, "Please correct the fields marked below.")
    if isinstance(error, Conflict):
        return Failure(409, {"username": "That username is taken; choose another."})
    if isinstance(error, RateLimited):
        wait = error.retry_after
        unit = "second" if wait == 1 else "seconds"
        return Failure(
            429,
            message=f"Too many attempts. Try again in {wait} {unit}.",
            headers={"Retry-After": str(wait)},
        )
    if isinstance(error, AuthenticationFailed):
        return Failure(401, message="That username and password do not match an account.")
    if isinstance(error, Unavailable):
        return Failure(
            503,
            message="The service cannot reach its database right now. Nothing was changed;"
            f" try again in {RETRY_UNAVAILABLE} seconds.",
            headers={"Retry-After": str(RETRY_UNAVAILABLE)},
        )
    raise error
