"""The API's documentation page at ``/schema/swagger``: a reference drawn by the server from
the OpenAPI document, with Swagger UI (served from this origin) as a console on demand
(docs/decisions/0475-api-reference-first-swagger-ui-on-demand.md)."""

from .files import swagger_assets
from .page import OAUTH2_REDIRECT_PATH, OAUTH2_REDIRECT_POLICY, swagger_plugin

__all__ = ["OAUTH2_REDIRECT_PATH", "OAUTH2_REDIRECT_POLICY", "swagger_assets", "swagger_plugin"]
