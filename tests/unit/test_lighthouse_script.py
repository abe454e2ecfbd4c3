"""``make lighthouse`` (scripts/lighthouse.py) measures every page a browser can open, and its
exit status holds the goals. The run itself takes minutes of Chromium, too long for
``make test``; these check its own logic, so a new page cannot slip past it unmeasured."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from types import ModuleType

from selteq_adapters.settings import Settings
from selteq_http.web import web_app

ROOT = Path(__file__).resolve().parents[2]
# Routes that answer no page of their own: a redirect, and the files pages load.
NOT_PAGES = {"/tasks", "/static/{file_path:path}", "/assets/{digest:str}/{name:str}"}


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("lighthouse", ROOT / "scripts" / "lighthouse.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


lighthouse = _script()


def _page_routes() -> set[str]:
    app = web_app(Settings(env="test", jwt_secret="x" * 40))
    found = set()
    for router in app.routers:
        for route in router.routes:
            if "GET" in getattr(route, "methods", set()) and route.path not in NOT_PAGES:
                found.add(route.path)
    return found


def _same(route: str, measured: str) -> bool:
    pattern = re.sub(r"\\\{[a-z_]+:(int|str)\\\}", r"\\{[a-z]+\\}", re.escape(route))
    return re.fullmatch(pattern, measured) is not None


def test_every_page_route_is_measured() -> None:
    routes = _page_routes()
    assert "/" in routes
    assert "/admin/users" in routes
    measured = [path for _, path, _ in lighthouse.PAGES]
    missing = [r for r in routes if not any(_same(r, m) for m in measured)]
    assert missing == []


def test_the_error_page_the_reference_and_its_console_are_measured() -> None:
    names = {name for name, _, _ in lighthouse.PAGES}
    assert "not-found" in names
    assert lighthouse.SWAGGER[1] == "/schema/swagger"
    assert lighthouse.SWAGGER_CONSOLE[1] == "/schema/swagger?console"


def test_a_score_under_its_goal_fails_the_run() -> None:
    full = dict.fromkeys(lighthouse.CATEGORIES, 100)
    scores = {
        "tasks": {"mobile": full, "desktop": {**full, "accessibility": 94}},
        "swagger-console": {"mobile": {**full, "performance": 40, "accessibility": 80}},
    }
    assert lighthouse.shortfalls(scores) == ["tasks desktop accessibility 94 < 95"]
    scores["swagger"] = {"mobile": full, "desktop": {**full, "performance": 94}}
    assert lighthouse.shortfalls(scores)[-1] == "swagger desktop performance 94 < 95"


def test_a_missing_score_fails_and_the_404_is_not_held_to_seo() -> None:
    low_seo = {**dict.fromkeys(lighthouse.CATEGORIES, 100), "seo": 60}
    assert lighthouse.shortfalls({"not-found": {"mobile": low_seo}}) == []
    assert lighthouse.shortfalls({"sign-in": {"mobile": {}}})
    both = {"mobile": low_seo, "desktop": dict.fromkeys(lighthouse.CATEGORIES, 99)}
    assert "| sign-in | 100 / 99 | 100 / 99 | 100 / 99 | 60 / 99 |" in lighthouse.table(
        {"sign-in": both}
    )
