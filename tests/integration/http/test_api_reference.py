"""``/schema/swagger`` is the API reference drawn by the server from the served OpenAPI
document (decision 0475): every operation, with its parameters, body, answers and whether
it needs a token, is in the HTML itself, so the page is complete before any script runs."""

from __future__ import annotations

import re
from typing import Any

from .conftest import Api


def _articles(html: str) -> dict[str, str]:
    """Each operation's block of HTML by its anchor (``op-<operationId>``)."""
    return dict(re.findall(r'<article class="op" id="op-([^"]+)">(.*?)</article>', html, re.S))


def _operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method.upper(), path, operation)
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if isinstance(operation, dict) and "responses" in operation
    ]


def test_every_operation_of_the_document_is_on_the_page(api: Api) -> None:
    document = api.client.get("/schema/openapi.json").json()
    articles = _articles(api.client.get("/schema/swagger").text)
    operations = _operations(document)
    assert len(operations) >= 30
    assert len(articles) == len(operations)
    for method, path, operation in operations:
        block = articles[operation["operationId"]]
        assert f'<span class="method {method.lower()}">{method}</span>' in block, path
        assert f'<code class="path">{path}</code>' in block
        for status in operation["responses"]:
            assert f'<strong class="status">{status}</strong>' in block, (path, status)
        for parameter in operation.get("parameters", []):
            assert f'<code class="name">{parameter["name"]}</code>' in block, path
        tag = operation["tags"][0]
        assert f'href="?console#/{tag}/{operation["operationId"]}"' in block


def test_an_operation_shows_its_parameters_body_answers_and_token(api: Api) -> None:
    articles = _articles(api.client.get("/schema/swagger").text)
    listing = articles["listTasks"]
    assert "The caller&#39;s tasks, newest first" in listing
    assert (
        '<code class="name">limit</code> <span class="where">in query,</span> '
        '<span class="opt">optional,</span> <span class="kind">integer or null</span>'
    ) in listing
    assert "string, one of: -created_at, created_at, -duration, duration" in listing
    assert 'Needs a token: <a href="#authentication">OAuth2Password or BearerAuth</a>' in listing
    assert 'array of <a href="#schema-Task">Task</a>' in listing
    created = articles["createTask"]
    assert '<a href="#schema-TaskCreate">TaskCreate</a> as application/json, required' in created
    assert "<code>Link: &lt;…&gt;; rel=&#34;next&#34;</code>" in listing  # backticks as code
    assert "No token needed" in articles["obtainToken"]
    assert (
        '<span class="where">in path,</span> <span class="req">required,</span>'
        in (articles["getTask"])
    )


def test_the_page_says_how_to_authenticate_and_lists_the_schemas(api: Api) -> None:
    html = api.client.get("/schema/swagger").text
    section = html[html.index('<section id="authentication">') : html.index("</section>")]
    assert "<strong>OAuth2Password</strong>: OAuth 2.0 password flow" in section
    assert "token URL <code>/api/token/</code>" in section
    assert "<code>Authorization: Bearer &lt;token&gt;</code>" in section
    document = api.client.get("/schema/openapi.json").json()
    for name in document["components"]["schemas"]:
        assert f'<article class="schema" id="schema-{name}">' in html
    task_create = html[html.index('id="schema-TaskCreate"') :]
    assert '<code class="name">duration</code> <span class="req">required,</span>' in task_create


def test_the_page_is_one_document_with_no_inline_script(api: Api) -> None:
    page = api.client.get("/schema/swagger")
    assert page.text == api.client.get("/schema").text
    assert page.text.startswith('<!DOCTYPE html>\n<html lang="en">')
    assert page.text.count("<h1>") == 1
    assert '<meta name="description" content="Selteq' in page.text
    assert re.search(r"<script>|<script [^>]*>[^<]", page.text) is None
    policy = page.headers["content-security-policy"]
    assert "script-src 'self';" in policy
    assert "default-src 'self'" in policy
