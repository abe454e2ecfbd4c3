"""The browser's session: its cookie holds a refresh token of the same family as the
API's tokens, and every signed-in request trades it for the next one.

Trading on every request (not only when a cached access token expires) is what makes
the cookie follow the family at once: after a sign-out, a revoke, a password change
that ends other sessions, or a deactivation, the next request with that cookie is
refused. Requests sent together with one cookie (tabs, parallel fetches) each get a
sibling pair within the core's short reuse window; a copied cookie presented after it
counts as a replay, which revokes the whole family (docs/decisions/0430). The access token
of each new pair is used only to learn whose session it is; it never leaves the server.
The new pair carries the user's name and whether they are staff, read from the row the
trade already reads, so the header names the person and offers the staff pages without
another trip to the database; the staff pages are guarded by the core's own check in
every staff use-case.
"""

from __future__ import annotations

from typing import Any

import attrs
from litestar import Request

from selteq_core import AuthenticationFailed, Session, SessionEnded
from selteq_http.facade import Backend, backend_of

from .security import SESSION_COOKIE

VISIT_KEY = "selteq_web_visit"


class SignInRequired(Exception):
    """No session, or one the core no longer accepts: the browser goes to the sign-in page,
    told ``why`` when a session it had ended (the core's ``SessionEnded.why``)."""

    def __init__(
        self, why: str = "", form: dict[str, str] | None = None, owner: int | None = None
    ) -> None:
        super().__init__(why)
        self.why = why
        self.form = form or {}
        self.owner = owner


@attrs.frozen
class Visit:
    """A signed-in request: whose it is, the session the answer hands back, whether to
    offer the staff pages, and the name the header shows."""

    user_id: int
    session: Session
    staff: bool = False
    username: str = ""

    @classmethod
    def of(cls, user_id: int, session: Session) -> Visit:
        return cls(user_id, session, session.is_staff, session.username)


def _trade(backend: Backend, token: str) -> Visit:
    session = backend.cases.resume_session(token)
    user = backend.cases.authenticate.verify(session.access_token)
    return Visit.of(user.value, session)


async def open_visit(request: Request[Any, Any, Any]) -> Visit:
    """The request's user, after trading its cookie for a fresh pair (in a worker thread:
    the trade writes to the database)."""
    token = request.cookies.get(SESSION_COOKIE, "")
    if not token:
        raise SignInRequired(form=await _posted(request))
    backend = backend_of(request)
    try:
        visit = await backend.run(_trade, backend, token)
    except SessionEnded as ended:
        raise SignInRequired(ended.why, await _posted(request), ended.user_id) from None
    except AuthenticationFailed:
        raise SignInRequired("ended", await _posted(request)) from None
    request.state[VISIT_KEY] = visit  # an error page after the trade still hands it back
    return visit


async def _posted(request: Request[Any, Any, Any]) -> dict[str, str]:
    """A refused form's text fields, so what was typed can be kept as a draft."""
    if request.method != "POST":
        return {}
    form = await request.form()
    return {name: value for name, value in form.items() if isinstance(value, str)}


def visit_of(request: Request[Any, Any, Any]) -> Visit | None:
    """The request's visit once its cookie was traded, else None."""
    visit: Visit | None = request.state.get(VISIT_KEY)
    return visit
