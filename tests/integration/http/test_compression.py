"""gzip for text answers of a packet or more (pages, Swagger UI's files, long lists);
the hot path's short task arrays are sent as written, and fingerprinted assets are kept
by browsers for a year."""

from __future__ import annotations

import re

from .conftest import Api

GZIP = {"accept-encoding": "gzip, br"}


def test_swagger_ui_and_its_files_are_compressed(api: Api) -> None:
    page = api.client.get("/schema/swagger", headers=GZIP)
    assert page.headers["content-encoding"] == "gzip"
    own = re.findall(r'(?:href|src)="(/schema/swagger-page/[^"]+)"', page.text)
    assert len(own) == 2  # the page's stylesheet and script
    for path in (*own, "/schema/swagger-ui/swagger-ui-bundle.js"):
        answer = api.client.get(path, headers=GZIP)
        assert answer.status_code == 200, path
        assert answer.headers["content-encoding"] == "gzip", path


def test_the_hot_paths_short_list_is_not_compressed(api: Api) -> None:
    headers = {**api.user("alice"), **GZIP}
    for n in range(4):
        api.create(headers, title=f"task {n}")
    answer = api.client.get("/api/tasks/", headers=headers)
    assert answer.status_code == 200
    assert "content-encoding" not in answer.headers


def test_the_json_api_is_sent_as_written_and_the_pages_compressed(api: Api) -> None:
    """Decision 0471: compression is the pages' and the documentation's, never on the JSON
    API's path; the same long list is gzip as a page and plain as JSON."""
    headers = {**api.user("alice"), **GZIP}
    for n in range(30):
        api.create(headers, title=f"a task with a longer title, number {n}")
    answer = api.client.get("/api/tasks/?limit=30", headers=headers)
    assert "content-encoding" not in answer.headers
    assert len(answer.json()) == 30
    assert len(answer.content) > 1400  # long enough that a page would be compressed
    schema = api.client.get("/schema/openapi.json", headers=GZIP)
    assert schema.headers["content-encoding"] == "gzip"


def test_fingerprinted_assets_are_cached_for_a_year(api: Api) -> None:
    page = api.client.get("/sign-in", headers=GZIP)
    assert page.headers["content-encoding"] == "gzip"
    assets = re.findall(r'(?:href|src)="(/assets/[0-9a-f]{16}/[^"]+)"', page.text)
    assert {a.rsplit("/", 1)[1] for a in assets} == {"selteq.css", "selteq.js", "icon.svg"}
    for asset in set(assets):
        answer = api.client.get(asset)
        assert answer.status_code == 200
        assert answer.headers["cache-control"] == "public, max-age=31536000, immutable"
    css = next(a for a in assets if a.endswith(".css"))
    assert api.client.get(css, headers=GZIP).headers["content-encoding"] == "gzip"
    stale = re.sub(r"/assets/[0-9a-f]{16}/", "/assets/0000000000000000/", css)
    assert api.client.get(stale).status_code == 404


def test_swagger_opens_authorize_on_the_password_flow(api: Api) -> None:
    page = api.client.get("/schema/swagger").text
    assert 'data-oauth2-redirect="/schema/oauth2-redirect.html"' in page
    assert '<meta name="description"' in page
    script = re.search(r'src="(/schema/swagger-page/[0-9a-f]{16}/console\.js)"', page)
    assert script is not None
    console = api.client.get(script[1]).text
    assert "persistAuthorization: true" in console
    assert "oauth2RedirectUrl: data.oauth2Redirect" in console
    document = api.client.get("/schema/openapi.json").json()
    assert next(iter(document["components"]["securitySchemes"])) == "OAuth2Password"
