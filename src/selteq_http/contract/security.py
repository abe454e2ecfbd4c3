"""How the OpenAPI document declares the API's authentication: a bearer token, which
Swagger UI's Authorize can obtain with the OAuth2 password flow at /api/token/."""

from __future__ import annotations

from litestar.openapi.spec import (
    OAuthFlow,
    OAuthFlows,
    Reference,
    SecurityRequirement,
    SecurityScheme,
)

BEARER = "BearerAuth"
OAUTH2 = "OAuth2Password"
TOKEN_URL = "/api/token/"  # noqa: S105 - a route, not a secret

SECURITY_SCHEMES: dict[str, SecurityScheme | Reference] = {
    OAUTH2: SecurityScheme(
        type="oauth2",
        description="Username and password, exchanged at /api/token/ (Swagger UI's Authorize).",
        flows=OAuthFlows(password=OAuthFlow(token_url=TOKEN_URL, scopes={})),
    ),
    BEARER: SecurityScheme(
        type="http",
        scheme="bearer",
        bearer_format="JWT",
        description="An access token from POST /api/token/ (valid 300 s).",
    ),
}
REQUIRED: list[SecurityRequirement] = [{OAUTH2: []}, {BEARER: []}]
"""A route's ``security``: either scheme. The password flow comes first, so Swagger UI's
Authorize dialog opens on the username and password, not on an empty bearer box."""
