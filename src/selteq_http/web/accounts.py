"""Sign in, sign up, sign out: the same use-cases as the JSON API, through the same
hashing gate, with the same client address for the login and sign-up throttles."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from litestar import Request, get, post
from litestar.params import FromQuery
from litestar.response import Redirect, Template

from selteq_core import SelteqError
from selteq_http.blocking import in_thread
from selteq_http.clients import client_address
from selteq_http.deps import services_of
from selteq_http.gate import gate_of

from .forms import failure, fields
from .render import page, see_other, signed_out
from .security import SESSION_COOKIE
from .session import Visit


@get("/sign-in", name="sign_in")
async def sign_in_form(request: Request[Any, Any, Any], username: FromQuery[str] = "") -> Template:
    context = {"values": {"username": username}, "welcome": bool(username)}
    return page(request, "sign_in", context)


@post("/sign-in")
async def sign_in(request: Request[Any, Any, Any]) -> Template | Redirect:
    values = await fields(request, "username", "password")
    container = services_of(request)
    login = container.login
    try:
        session = await gate_of(request).run(
            login, values["username"], values["password"], client_address(request)
        )
        user = container.authenticate.verify(session.access_token)
    except SelteqError as error:
        refused = failure(error)
        context = {"values": {"username": values["username"]}, "failure": refused}
        return page(request, "sign_in", context, status=refused.status, headers=refused.headers)
    return see_other(request, "/", visit=Visit(user.value, session))


@get("/sign-up")
async def sign_up_form(request: Request[Any, Any, Any]) -> Template:
    return page(request, "sign_up", {"values": {"username": ""}})


@post("/sign-up")
async def sign_up(request: Request[Any, Any, Any]) -> Template | Redirect:
    values = await fields(request, "username", "password")
    register = services_of(request).register_user
    try:
        user = await gate_of(request).run(
            register, values["username"], values["password"], client_address(request)
        )
    except SelteqError as error:
        refused = failure(error)
        context = {"values": {"username": values["username"]}, "failure": refused}
        return page(request, "sign_up", context, status=refused.status, headers=refused.headers)
    return see_other(request, "/sign-in?" + urlencode({"username": user.username.value}))


@post("/sign-out")
async def sign_out(request: Request[Any, Any, Any]) -> Redirect:
    """Revokes the cookie's whole family, so every copy of the cookie stops working."""
    token = request.cookies.get(SESSION_COOKIE, "")
    if token:
        container = services_of(request)
        await in_thread(container.settings.db_timeout, container.logout, token)
    return signed_out(request)


def account_pages(signup: bool) -> list[Any]:
    """Sign-up exists only while ``SELTEQ_SIGNUP`` allows it (otherwise a 404)."""
    handlers: list[Any] = [sign_in_form, sign_in, sign_out]
    return [*handlers, sign_up_form, sign_up] if signup else handlers
