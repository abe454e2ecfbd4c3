"""What the staff pages share: the way back to the page a form came from, the notices a
finished action leaves, and the words for a refusal.

Nothing here decides who is staff. Every staff page and form calls a staff use-case,
which refuses anyone else (Forbidden: the 403 page, nothing read for them or changed)
before it reads or writes anything (docs/decisions/0343-web-staff-pages.md).
"""

from __future__ import annotations

from urllib.parse import urlencode

from selteq_core import Conflict, Forbidden, SelteqError
from selteq_http.facade import Backend

from .forms import Failure, failure

USERS = "/admin/users"
TASKS = "/admin/tasks"

NOTICES = {
    "deactivated": "The user was deactivated: every session of theirs ended.",
    "activated": "The user was activated: they can sign in again.",
    "reset": "The password was reset: every session of that user ended.",
    "deleted": "The user was deleted, with their tasks.",
}


def query(path: str, **params: str | int | None) -> str:
    """``path`` with the parameters that are set, URL-encoded (empty ones are left out)."""
    kept = {name: str(value) for name, value in params.items() if value not in (None, "")}
    return f"{path}?{urlencode(kept)}" if kept else path


def users_back(search: str, after: str, notice: str | None = None) -> str:
    """The users page a row's form was on (its search and page), with a notice."""
    return query(USERS, search=search, after=after if after.isdigit() else None, notice=notice)


def notice_of(code: str | None) -> str | None:
    """A notice's words, from the fixed list only: a link cannot make the page say anything."""
    return NOTICES.get(code or "")


def refusal(error: SelteqError) -> Failure:
    """``failure``, with the core's own sentence for a conflict (the last staff account)."""
    if isinstance(error, Conflict):
        text = str(error)
        return Failure(409, message=f"{text[:1].upper()}{text[1:]}. Nothing was changed.")
    return failure(error)


async def still_staff(backend: Backend, actor: int) -> None:
    """Forbidden unless the actor is staff: asked before a page shows a refused filter,
    since the core checks the filter's shape before it checks the caller."""
    if not await backend.run(backend.cases.is_staff, actor):
        raise Forbidden()
