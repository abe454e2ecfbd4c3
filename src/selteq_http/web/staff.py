"""What the staff pages share: the way back to the page a form came from, the notices a
finished action leaves, and the words for a refusal.

Nothing here decides who is staff. Every staff page and form calls a staff use-case,
which refuses anyone else (Forbidden: the 403 page, nothing read for them or changed)
before it reads or writes anything (docs/decisions/0343-web-staff-pages.md).
"""

from __future__ import annotations

import re
from urllib.parse import urlencode

from selteq_core import USER_ORDERINGS, Conflict, Forbidden, SelteqError
from selteq_http.facade import Backend

from .forms import Failure, failure

USERS = "/admin/users"
TASKS = "/admin/tasks"
AUDIT = "/admin/audit"

NOTICES = {
    "deactivated": "{who} was deactivated: every session of theirs ended.",
    "activated": "{who} was activated: they can sign in again.",
    "reset": "The password of {who} was reset: every session of theirs ended.",
    "deleted": "{who} was deleted, with their tasks.",
    "staffed": "{who} is staff now.",
    "unstaffed": "{who} is no longer staff.",
    "task_deleted": "The task {who} was deleted.",
}
"""The sentence after each action; ``{who}`` is the user or task it was done to."""
USER_STATE = ("search", "after", "active", "staff", "ordering")
"""What the users page's address holds, carried by every row's form."""
FLAGS = {"yes": True, "no": False}
_CURSOR = re.compile(r"[A-Za-z0-9_-]{1,1200}")
"""What a page cursor looks like (an id, or URL-safe base64): anything else is dropped."""


def cursor_of(text: str | None) -> str | None:
    """A page cursor from an address or a form, or None when it is not one: the core
    still checks that it is one it gave out, in the list's order."""
    return text if text and _CURSOR.fullmatch(text) else None


def ordering_of(text: str | None, allowed: tuple[str, ...]) -> str:
    """An ``ordering`` one of ``allowed`` names, else "" (the list's own order): a sort
    link is never refused, it is only ignored."""
    value = (text or "").strip()
    return value if value in allowed else ""


def sort_links(
    path: str,
    kept: dict[str, str],
    columns: tuple[tuple[str, str, str], ...],
    ordering: str,
    default: str,
) -> dict[str, dict[str, str]]:
    """Each sortable column's header: its label, the link that sorts by it (the other way
    when it is the current sort; first in the column's own first direction otherwise,
    from the first page) and its ``aria-sort`` ("" when the table is not sorted by it)."""
    current = ordering or default
    links = {}
    for field, label, first in columns:
        if current == field:
            sort, target = "ascending", f"-{field}"
        elif current == f"-{field}":
            sort, target = "descending", field
        else:
            sort, target = "", first
        wanted = "" if target == default else target
        links[field] = {"label": label, "href": query(path, **kept, ordering=wanted), "sort": sort}
    return links


def query(path: str, **params: str | int | None) -> str:
    """``path`` with the parameters that are set, URL-encoded (empty ones are left out)."""
    kept = {name: str(value) for name, value in params.items() if value not in (None, "")}
    return f"{path}?{urlencode(kept)}" if kept else path


def user_state(state: dict[str, str]) -> dict[str, str | None]:
    """The users page's search, filters, sort and page from a form or an address, each
    only when it is one the page gives out."""
    return {
        "search": state.get("search", ""),
        "active": state.get("active") if state.get("active") in FLAGS else None,
        "staff": state.get("staff") if state.get("staff") in FLAGS else None,
        "ordering": ordering_of(state.get("ordering"), USER_ORDERINGS),
        "after": cursor_of(state.get("after")),
    }


def users_back(state: dict[str, str], notice: str | None = None, who: str = "") -> str:
    """The users page a row's form was on (its search, filters, sort and page), with a
    notice naming whom it was about."""
    return query(USERS, **user_state(state), notice=notice, who=who if notice else None)


def notice_of(code: str | None, who: str | None = None) -> dict[str, str] | None:
    """A notice from the fixed list only: a link chooses the sentence and whom it names
    (shown isolated, escaped), nothing else. ``before`` and ``after`` surround the name."""
    text = NOTICES.get(code or "")
    if text is None:
        return None
    before, _, after = text.partition("{who}")
    name = (who or "").strip()[:200]
    if not name:
        plain = text.replace("{who} ", "The user " if not before else "").replace(" {who}", "")
        return {"before": plain, "who": "", "after": ""}
    return {"before": before, "who": name, "after": after}


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
