"""The caller's own account: PUT /api/users/me/password.

Present whether or not sign-up is open. Checking the current password and hashing the new
one pass through the hashing gate, like a login.
"""

from __future__ import annotations

from typing import Any

from litestar import Request, Router, put
from litestar.di import Provide
from litestar.params import JSONBody

from selteq_http.api.auth import REQUIRED, BearerAuth, CallerId, bearer_token, caller
from selteq_http.contract.bodies import StrictJson
from selteq_http.contract.problems import problem_specs
from selteq_http.contract.schemas import PasswordChange
from selteq_http.facade import backend_of


@put(
    "/password",
    status_code=204,
    dto=StrictJson[PasswordChange],
    return_dto=None,
    summary="Change my password (the current one is needed); my other sessions end",
    responses=problem_specs(400, 401, 413, 415, 503),
)
async def change_password(
    request: Request[Any, Any, Any],
    data: JSONBody[PasswordChange],
    user_id: CallerId,
) -> None:
    backend = backend_of(request)
    # The session this access token belongs to stays; every other one of the user's ends.
    family = backend.cases.authenticate.family(bearer_token(request.scope))
    change = backend.cases.change_password
    await backend.hashing(change, user_id, data.current_password, data.new_password, family)


def me_router() -> Router:
    return Router(
        path="/api/users/me",
        route_handlers=[change_password],
        middleware=[BearerAuth],
        dependencies={"user_id": Provide(caller, sync_to_thread=False)},
        security=REQUIRED,
        tags=["users"],
    )
