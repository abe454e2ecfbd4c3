"""Sign in, sign up, sign out: the same use-cases as the JSON API, through the same
hashing gate, with the same client address for the login and sign-up throttles."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from litestar import Request, get, post
from litestar.params import FromQuery, QueryParameter
from litestar.response import Redirect, Template

from selteq_core import SelteqError
from selteq_http.facade import backend_of
from selteq_http.layers.clients import client_address

from .drafts import kept_draft
from .flash import refused as refused_at
from .flash import shown, taken
from .forms import confirmed, failure, fields
from .render import page, see_other, signed_out
from .security import SESSION_COOKIE
from .session import Visit
from .wayfinding import REASONS, local_path, sign_in_address


@get("/sign-in", name="sign_in")
async def sign_in_form(
    request: Request[Any, Any, Any],
    username: FromQuery[str] = "",
    next_path: Annotated[str, QueryParameter(name="next")] = "/",
    why: FromQuery[str] = "",
) -> Template:
    failed, kept = taken(request)
    values = {"username": username, "next": local_path(next_path), **kept}
    context = {
        "values": values,
        "welcome": bool(username) and failed is None,
        "reason": REASONS.get(why, ""),
        "draft": kept_draft(request) is not None,
        "failure": failed,
    }
    status, headers = (200, {}) if failed is None else (failed.status, failed.headers)
    return shown(request, page(request, "sign_in", context, status=status, headers=headers))


@post("/sign-in")
async def sign_in(request: Request[Any, Any, Any]) -> Template | Redirect:
    values = await fields(request, "username", "password", "next")
    values["username"] = values["username"].strip()
    backend = backend_of(request)
    login = backend.cases.login
    try:
        session = await backend.hashing(
            login, values["username"], values["password"], client_address(request)
        )
        user = backend.cases.authenticate.verify(session.access_token)
    except SelteqError as error:
        refused = failure(error, values)
        back = local_path(values["next"])
        kept = {"username": values["username"], "next": back}
        return refused_at(request, sign_in_address(back), refused, kept)
    draft = kept_draft(request)
    offered = draft is not None and draft.for_user(user.value)
    after = "/draft" if offered else local_path(values["next"])
    return see_other(request, after, visit=Visit.of(user.value, session))


@get("/sign-up")
async def sign_up_form(request: Request[Any, Any, Any]) -> Template:
    failed, kept = taken(request)
    context = {"values": {"username": "", **kept}, "failure": failed}
    status, headers = (200, {}) if failed is None else (failed.status, failed.headers)
    return shown(request, page(request, "sign_up", context, status=status, headers=headers))


@post("/sign-up")
async def sign_up(request: Request[Any, Any, Any]) -> Redirect:
    backend = backend_of(request)
    values = await fields(request, "username", "password", "password_confirm")
    values["username"] = values["username"].strip()
    register = backend_of(request).cases.register_user
    try:
        confirmed(values, "password", "password_confirm")
        user = await backend.hashing(
            register, values["username"], values["password"], client_address(request)
        )
    except SelteqError as error:
        kept = {"username": values["username"]}
        return refused_at(request, "/sign-up", failure(error, values), kept)
    return see_other(request, "/sign-in?" + urlencode({"username": user.username.value}))


@post("/sign-out")
async def sign_out(request: Request[Any, Any, Any]) -> Redirect:
    """Revokes the cookie's whole family, so every copy of the cookie stops working."""
    token = request.cookies.get(SESSION_COOKIE, "")
    if token:
        backend = backend_of(request)
        await backend.run(backend.cases.logout, token)
    return signed_out(request)


def account_pages(signup: bool) -> list[Any]:
    """Sign-up exists only while ``SELTEQ_SIGNUP`` allows it (otherwise a 404)."""
    handlers: list[Any] = [sign_in_form, sign_in, sign_out]
    return [*handlers, sign_up_form, sign_up] if signup else handlers
