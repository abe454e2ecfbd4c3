"""The documentation page needs nothing but this server: it names only same-origin files,
the console's (Swagger UI's, from swagger-ui-py) among them, and each one is served with
its content type. Its example bodies are ones the API accepts."""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urlsplit

from .conftest import Api

TYPES = {".js": "text/javascript", ".css": "text/css", ".png": "image/png"}
FILES = ("/schema/swagger-ui/", "/schema/swagger-page/")


class _References(HTMLParser):
    """Every URL the page would load: scripts, stylesheets, icons, images, and the files
    its script fetches for the console (the console holder's ``data-js`` and ``data-css``)."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []
        self.console: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        wanted = {"script": "src", "link": "href", "img": "src", "iframe": "src"}.get(tag)
        self.found += [value for name, value in attrs if name == wanted and value]
        if ("id", "console") in attrs:
            self.console = {
                name.removeprefix("data-"): value or ""
                for name, value in attrs
                if name.startswith("data-")
            }
            self.found += [self.console["js"], self.console["css"]]


def references(html: str) -> list[str]:
    parser = _References()
    parser.feed(html)
    return parser.found


def console_of(html: str) -> dict[str, str]:
    parser = _References()
    parser.feed(html)
    return parser.console


def test_the_page_loads_only_same_origin_files_and_each_answers(api: Api) -> None:
    page = api.client.get("/schema/swagger")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    found = references(page.text)
    assert len(found) >= 5  # its stylesheet, script and icon; the console's bundle and sheet
    for url in found:
        parts = urlsplit(url)
        assert (parts.scheme, parts.netloc) == ("", ""), url
        assert url.startswith(FILES), url
        asset = api.client.get(url)
        assert asset.status_code == 200, url
        kind = TYPES[url[url.rindex(".") :]]
        assert asset.headers["content-type"].startswith(kind), (url, asset.headers)
        assert len(asset.content) > 100
    assert "http://" not in page.text
    assert "https://" not in page.text
    bundle = next(url for url in found if url.endswith("swagger-ui-bundle.js"))
    assert "SwaggerUIBundle" in api.client.get(bundle).text


def test_the_page_loads_no_swagger_ui_until_asked(api: Api) -> None:
    """What the browser fetches on its own (scripts, stylesheets) is the page's; Swagger UI's
    bundle and stylesheet are named only for the console's script to fetch."""
    html = api.client.get("/schema/swagger").text
    parser = _References()
    parser.feed(html)
    loaded = [url for url in parser.found if url not in parser.console.values()]
    assert [url for url in loaded if url.endswith((".js", ".css"))] == [
        url for url in loaded if url.startswith("/schema/swagger-page/")
    ]
    assert parser.console["js"] == "/schema/swagger-ui/swagger-ui-bundle.js"
    assert parser.console["css"] == "/schema/swagger-ui/swagger-ui.css"
    assert parser.console["openapi"] == "/schema/openapi.json"
    assert all("standalone-preset" not in url for url in parser.found)


def test_the_page_files_are_fingerprinted_and_kept(api: Api) -> None:
    found = references(api.client.get("/schema/swagger").text)
    own = [url for url in found if url.startswith("/schema/swagger-page/")]
    assert sorted(url.rsplit("/", 1)[1] for url in own) == ["console.js", "reference.css"]
    for url in own:
        answer = api.client.get(url)
        assert answer.headers["cache-control"] == "public, max-age=31536000, immutable"
        stale = url.replace(url.split("/")[3], "0" * 16)
        assert api.client.get(stale).status_code == 404


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
