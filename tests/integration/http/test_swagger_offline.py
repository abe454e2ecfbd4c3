"""Swagger UI needs nothing but this server: the page names only same-origin assets, and
each one is served with its content type. Its example bodies are ones the API accepts."""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urlsplit

from .conftest import Api

TYPES = {".js": "text/javascript", ".css": "text/css", ".png": "image/png"}


class _References(HTMLParser):
    """Every URL the page would load: scripts, stylesheets, icons, images."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        wanted = {"script": "src", "link": "href", "img": "src", "iframe": "src"}.get(tag)
        self.found += [value for name, value in attrs if name == wanted and value]


def references(html: str) -> list[str]:
    parser = _References()
    parser.feed(html)
    return parser.found


def test_the_page_loads_only_same_origin_assets_and_each_answers(api: Api) -> None:
    page = api.client.get("/schema/swagger")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    found = references(page.text)
    assert len(found) >= 3  # the bundle, the stylesheet, the icon
    for url in found:
        parts = urlsplit(url)
        assert (parts.scheme, parts.netloc) == ("", ""), url
        assert url.startswith("/schema/swagger-ui/"), url
        asset = api.client.get(url)
        assert asset.status_code == 200, url
        kind = TYPES[url[url.rindex(".") :]]
        assert asset.headers["content-type"].startswith(kind), (url, asset.headers)
        assert len(asset.content) > 100
    assert "http://" not in page.text
    assert "https://" not in page.text
    bundle = next(url for url in found if url.endswith("swagger-ui-bundle.js"))
    assert "SwaggerUIBundle" in api.client.get(bundle).text


def test_the_standalone_preset_it_never_runs_is_not_loaded(api: Api) -> None:
    """Litestar's page would load the preset and name it where the bundle defines nothing."""
    found = references(api.client.get("/schema/swagger").text)
    assert [url for url in found if "standalone-preset" in url] == []
    assert any(url.endswith("swagger-ui-bundle.js") for url in found)


def test_an_asset_outside_the_package_is_not_served(api: Api) -> None:
    assert api.client.get("/schema/swagger-ui/../../pyproject.toml").status_code == 404
    assert api.client.get("/schema/swagger-ui/no-such-file.js").status_code == 404


def test_the_create_example_is_a_body_the_api_accepts(api: Api) -> None:
    document = api.client.get("/schema/openapi.json").json()
    ref = document["paths"]["/api/tasks/"]["post"]["requestBody"]["content"]["application/json"]
    schema = document["components"]["schemas"][ref["schema"]["$ref"].rsplit("/", 1)[1]]
    example = {name: spec["examples"][0] for name, spec in schema["properties"].items()}
    created = api.client.post("/api/tasks/", json=example, headers=api.user("alice"))
    assert created.status_code == 201, created.text
    assert example["duration"] >= 1
