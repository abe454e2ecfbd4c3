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

from .flash import refused as refused_at
from .flash import shown, taken
from .forms import Failure, confirmed, failure, fields
from .render import page, see_other
from .session import Visit, open_visit, visit_of
from .tasks import SIGNED_IN, Signed

PATH = "/account/password"
NOT_CURRENT = "That is not your current password. Nothing was changed."


@get(PATH, dependencies=SIGNED_IN)
async def password_form(
    request: Request[Any, Any, Any], visit: Signed, changed: FromQuery[bool] = False
) -> Template:
    failed, _ = taken(request)
    context = {"changed": changed, "failure": failed}
    status, headers = (200, {}) if failed is None else (failed.status, failed.headers)
    answer = page(request, "password", context, visit=visit, status=status, headers=headers)
    return shown(request, answer)


@post(PATH)
async def change_password(request: Request[Any, Any, Any]) -> Redirect:
    values = await fields(request, "current_password", "new_password", "new_password_confirm")
    try:
        visit = await open_visit(request)
        confirmed(values, "new_password", "new_password_confirm")
        await _change(request, visit, values)
    except SelteqError as error:
        return refused_at(request, PATH, _words(failure(error, values)), {}, visit_of(request))
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
