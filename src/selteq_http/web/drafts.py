"""A create or rename posted after the session ended is kept, and offered back after sign-in.

The draft travels in a cookie of its own (HttpOnly, SameSite=Lax, an hour), signed with a
key derived from the JWT secret so that the page shows back only what this server stored.
It holds the form's action and its text fields, never a password; each field is kept up to
``FIELD_MAX`` characters, far past anything the core accepts, so nothing typed that could
be saved is lost while the cookie stays within what browsers keep.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
from typing import Any

import attrs
from litestar import Request, get
from litestar.datastructures import Cookie
from litestar.response import Redirect, Template

from selteq_adapters.container import Settings
from selteq_http.facade import backend_of

from .render import page, see_other
from .security import derived_key
from .session import open_visit

DRAFT_COOKIE = "selteq_draft"
FIELD_MAX = 1000
_ACTIONS = {
    re.compile(r"/tasks/?"): ("title", "duration"),
    re.compile(r"/tasks/\d+/rename/?"): ("title",),
}


@attrs.frozen
class Draft:
    """A form's text kept for ``owner`` (None when the ended session's owner is unknown, as
    after its token expired: then it is offered to whoever signs in on this browser)."""

    action: str
    values: dict[str, str]
    owner: int | None = None

    def for_user(self, user_id: int) -> bool:
        return self.owner is None or self.owner == user_id


def fields_of(path: str) -> tuple[str, ...]:
    """The fields kept for a form posted to ``path`` (none: not a form whose text is kept)."""
    for pattern, names in _ACTIONS.items():
        if pattern.fullmatch(path):
            return names
    return ()


def draft_of(path: str, form: dict[str, str], owner: int | None = None) -> Draft | None:
    """What a refused form held, when it is one whose text is kept."""
    names = fields_of(path)
    if not names or not form:
        return None
    return Draft(path, {name: form.get(name, "")[:FIELD_MAX] for name in names}, owner)


def _sign(settings: Settings, body: bytes) -> str:
    return hmac.new(
        derived_key(settings, b"selteq web draft").encode(), body, hashlib.sha256
    ).hexdigest()


def draft_cookie(settings: Settings, draft: Draft) -> Cookie:
    body = base64.urlsafe_b64encode(json.dumps(attrs.asdict(draft)).encode())
    return _cookie(settings, f"{body.decode()}.{_sign(settings, body)}", 3600)


def _cookie(settings: Settings, value: str, max_age: int) -> Cookie:
    return Cookie(
        key=DRAFT_COOKIE,
        value=value,
        max_age=max_age,
        path="/",
        httponly=True,
        secure=settings.production,
        samesite="lax",
    )


def kept_draft(request: Request[Any, Any, Any]) -> Draft | None:
    """The draft this browser holds, if this server signed it."""
    body, _, signature = request.cookies.get(DRAFT_COOKIE, "").partition(".")
    settings = backend_of(request).settings
    if not body or not hmac.compare_digest(signature, _sign(settings, body.encode())):
        return None
    try:
        data = json.loads(base64.urlsafe_b64decode(body))
        values = {str(k): str(v) for k, v in data["values"].items()}
        owner = data.get("owner")
        draft = Draft(str(data["action"]), values, None if owner is None else int(owner))
    except (ValueError, KeyError, TypeError, AttributeError):
        return None
    return draft if fields_of(draft.action) else None


@get("/draft")
async def draft_page(request: Request[Any, Any, Any]) -> Template | Redirect:
    """The kept text, in a form that posts where it was meant to go; shown once."""
    visit = await open_visit(request)
    draft = kept_draft(request)
    if draft is None or not draft.for_user(visit.user_id):
        return see_other(request, "/", visit=visit)
    answer = page(request, "draft", {"draft": draft}, visit=visit)
    answer.cookies.append(_cookie(backend_of(request).settings, "", 0))
    return answer


DRAFT_PAGES = [draft_page]
