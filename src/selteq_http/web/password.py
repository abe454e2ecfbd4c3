"""Change my password: the current one, a new one; my other sessions end, this one stays.

The session kept is this browser's own refresh family, the one its cookie was just traded
in, exactly as ``PUT /api/users/me/password`` keeps the family of the caller's token.
Checking the current password and hashing the new one pass through the hashing gate.
"""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.params import FromQuery
from litestar.response import Redirect, Template

from selteq_core import SelteqError
from selteq_http.facade import backend_of

from .forms import Failure, failure, fields
from .render import page, see_other
from .session import Visit, open_visit, visit_of
from .tasks import SIGNED_IN, Signed

PATH = "/account/password"
NOT_CURRENT = "That is not your current password. Nothing was changed."


@get(PATH, dependencies=SIGNED_IN)
async def password_form(
    request: Request[Any, Any, Any], visit: Signed, changed: FromQuery[bool] = False
) -> Template:
    return page(request, "password", {"changed": changed}, visit=visit)


@post(PATH)
async def change_password(request: Request[Any, Any, Any]) -> Template | Redirect:
    values = await fields(request, "current_password", "new_password")
    try:
        visit = await open_visit(request)
        await _change(request, visit, values)
    except SelteqError as error:
        refused = _words(failure(error))
        return page(
            request,
            "password",
            {"failure": refused},
            visit=visit_of(request),
            status=refused.status,
            headers=refused.headers,
        )
    return see_other(request, f"{PATH}?changed=true", visit=visit)


async def _change(request: Request[Any, Any, Any], visit: Visit, values: dict[str, str]) -> None:
    backend = backend_of(request)
    keep = backend.cases.authenticate.family(visit.session.access_token)
    await backend.hashing(
        backend.cases.change_password,
        visit.user_id,
        values["current_password"],
        values["new_password"],
        keep,
    )


def _words(refused: Failure) -> Failure:
    """The core names the field; the page says it as a person would."""
    if "current_password" not in refused.errors:
        return refused
    errors = {**refused.errors, "current_password": NOT_CURRENT}
    return Failure(refused.status, errors, refused.message, refused.headers)


PASSWORD_PAGES = [password_form, change_password]
