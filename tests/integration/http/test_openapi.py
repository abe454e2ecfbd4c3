"""The OpenAPI document: 3.1, both security schemes, protected routes marked, Swagger UI."""

from __future__ import annotations

from .conftest import Api


def test_the_document_declares_bearer_and_the_oauth2_password_flow(api: Api) -> None:
    response = api.client.get("/schema/openapi.json")
    assert response.status_code == 200
    document = response.json()
    assert document["openapi"].startswith("3.1")
    schemes = document["components"]["securitySchemes"]
    bearer = next(s for s in schemes.values() if s["type"] == "http")
    assert (bearer["scheme"], bearer["bearerFormat"]) == ("bearer", "JWT")
    oauth2 = next(s for s in schemes.values() if s["type"] == "oauth2")
    assert oauth2["flows"]["password"]["tokenUrl"] == "/api/token/"


def test_task_routes_are_protected_and_token_routes_are_not(api: Api) -> None:
    paths = api.client.get("/schema/openapi.json").json()["paths"]
    task_operations = [
        op for path, item in paths.items() if path.startswith("/api/tasks") for op in item.values()
    ]
    assert len(task_operations) == 6
    assert all(op.get("security") for op in task_operations)
    for path in ("/api/token/", "/api/token/refresh/", "/api/token/revoke/", "/api/users/"):
        assert not paths[path]["post"].get("security")
    token_body = paths["/api/token/"]["post"]["requestBody"]
    assert set(token_body["content"]) == {"application/json"}  # decision 0305
    assert "application/x-www-form-urlencoded" in token_body["description"]
    errors = paths["/api/tasks/"]["post"]["responses"]["400"]["content"]
    assert "application/problem+json" in errors


def test_swagger_ui_is_served(api: Api) -> None:
    for path in ("/schema/swagger", "/schema"):
        page = api.client.get(path)
        assert page.status_code == 200
        assert "<h1>Selteq API reference" in page.text
        assert "Swagger UI" in page.text  # the console, a click away
