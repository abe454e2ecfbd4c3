"""How the documentation page reads an OpenAPI document (contract/swagger/reference.py):
the rules a document of the app's own does not exercise, on small documents written here."""

from __future__ import annotations

from typing import Any

from selteq_http.contract.swagger.page import draw
from selteq_http.contract.swagger.reference import reference
from selteq_http.contract.swagger.words import Word, kind_of

OK = {"200": {"description": "Fine"}}


def _document(**extra: Any) -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {"title": "Demo", "version": "2"},
        "paths": {
            "/things/{id}": {
                "parameters": [{"name": "id", "in": "path", "required": True}],
                "get": {"tags": ["the things"], "operationId": "getThing", "responses": OK},
                "delete": {
                    "tags": ["the things"],
                    "operationId": "dropThing",
                    "security": [],
                    "responses": OK,
                },
            },
            "/health": {"get": {"tags": ["probes"], "responses": OK}},
        },
        **extra,
    }


def test_operations_are_grouped_by_tag_declared_tags_first() -> None:
    read = reference(_document(tags=[{"name": "probes", "description": "For the balancer"}]))
    assert [(g.tag, g.description) for g in read.groups] == [
        ("probes", "For the balancer"),
        ("the things", ""),
    ]
    things = read.groups[1].operations
    assert [(op.method, op.operation_id) for op in things] == [
        ("GET", "getThing"),
        ("DELETE", "dropThing"),
    ]


def test_path_parameters_are_every_operations() -> None:
    (thing, drop) = reference(_document()).groups[0].operations
    assert [(p.name, p.where, p.required) for p in thing.parameters] == [("id", "path", True)]
    assert drop.parameters == thing.parameters


def test_the_documents_security_applies_unless_an_operation_says_otherwise() -> None:
    read = reference(_document(security=[{"Key": []}, {"Key": [], "Other": []}]))
    (thing, drop), (health,) = (g.operations for g in read.groups)
    assert thing.security == ("Key", "Other")
    assert drop.security == ()  # an empty list: no token needed
    assert health.security == ("Key", "Other")


def test_deep_links_are_swagger_uis_and_need_an_operation_id() -> None:
    (thing, _), (health,) = (g.operations for g in reference(_document()).groups)
    assert thing.deep_link == "#/the%20things/getThing"
    assert health.deep_link == ""


def test_types_in_words() -> None:
    def text(schema: dict[str, Any]) -> str:
        return "".join(word.text for word in kind_of(schema))

    assert kind_of({"$ref": "#/components/schemas/Task"}) == (Word("Task", "Task"),)
    assert kind_of({"type": "array", "items": {"$ref": "#/components/schemas/Task"}}) == (
        Word("array of "),
        Word("Task", "Task"),
    )
    assert text({"oneOf": [{"type": "integer"}, {"type": "null"}]}) == "integer or null"
    assert text({"type": ["string", "null"]}) == "string or null"
    assert text({"type": "string", "format": "date-time"}) == "string (date-time)"
    assert text({"type": "string", "enum": ["a", "b"]}) == "string, one of: a, b"
    assert text({"properties": {}}) == "object"
    assert text({}) == "any"


def test_schemes_say_how_to_send_a_token() -> None:
    schemes = {
        "Password": {"type": "oauth2", "flows": {"password": {"tokenUrl": "/token"}}},
        "Bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"},
        "Key": {"type": "apiKey", "in": "header", "name": "X-Key", "description": "Ask us"},
    }
    read = reference(_document(components={"securitySchemes": schemes}))
    assert [(s.name, s.detail, s.description) for s in read.schemes] == [
        ("Password", "OAuth 2.0 password flow, token URL `/token`", ""),
        ("Bearer", "the header `Authorization: Bearer <token>` (a JWT)", ""),
        ("Key", "an API key in the header `X-Key`", "Ask us"),
    ]


def test_the_documents_words_are_escaped_and_only_backticks_become_code() -> None:
    document = _document()
    document["info"]["description"] = "Send `<b>` as <script>alert(1)</script>"
    page = draw(document, "/openapi.json").decode()
    assert "Send <code>&lt;b&gt;</code> as &lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>" not in page
