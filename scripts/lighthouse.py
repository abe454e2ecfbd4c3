"""Lighthouse scores of every web page and of Swagger UI, against a real ``selteq-api``.

``make lighthouse`` runs it: the pinned ``lighthouse`` npm package from tools/lighthouse/
(``npm ci`` there when it is missing), Debian's Chromium headless, a server on a temporary
SQLite file seeded with a user, a staff user, tasks, a kept draft and an audit trail.
Each page is measured at phone size (Lighthouse's default, simulated slow 4G and a slowed
CPU) and at desktop size (``--preset=desktop``), the API reference at /schema/swagger too,
and its Swagger UI console opened from the address (reported, not held). The session
cookie is a refresh token traded on every signed-in request, so each measurement signs in
afresh and hands Lighthouse its own cookie. The scores go to var/lighthouse/ (one JSON
report per run, ``scores.json`` and ``scores.md``); the exit status is 1 when a score is
under its goal (docs/operations.md, "Lighthouse scores").
"""

from __future__ import annotations

import argparse
import contextlib
import http.cookiejar
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
TOOL = ROOT / "tools" / "lighthouse"
LIGHTHOUSE = TOOL / "node_modules" / ".bin" / "lighthouse"
OUT = ROOT / "var" / "lighthouse"
CHROMIUM = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
PASSWORD = "correct horse battery"  # noqa: S105 - a throwaway account on a throwaway database
SECRET = "lighthouse-secret-that-is-at-least-32-bytes"  # noqa: S105
PRESETS = ("mobile", "desktop")

# Every web page, and the API reference, at or above this in every category, at both sizes.
PAGE_GOAL = dict.fromkeys(CATEGORIES, 95)
# A 404 answer is right not to be indexed: Lighthouse's SEO category marks its status code
# down by design, so the error page is held to the other three.
NOT_FOUND_GOAL = {k: v for k, v in PAGE_GOAL.items() if k != "seo"}

# (name, path, who): who is "" (signed out), "user" or "staff". {task}, {user} and
# {schedule} are filled in from what the seeding made.
PAGES: tuple[tuple[str, str, str], ...] = (
    ("sign-in", "/sign-in", ""),
    ("sign-up", "/sign-up", ""),
    ("not-found", "/no-such-page", ""),
    ("tasks", "/", "user"),
    ("rename", "/tasks/{task}/rename", "user"),
    ("delete", "/tasks/{task}/delete", "user"),
    ("password", "/account/password", "user"),
    ("draft", "/draft", "draft"),
    ("admin-users", "/admin/users", "staff"),
    ("admin-reset", "/admin/users/{user}/password", "staff"),
    ("admin-user-delete", "/admin/users/{user}/delete", "staff"),
    ("admin-tasks", "/admin/tasks", "staff"),
    ("admin-task-delete", "/admin/tasks/{task}/delete", "staff"),
    ("admin-audit", "/admin/audit", "staff"),
    ("admin-schedules", "/admin/schedules", "staff"),
    ("admin-schedule-new", "/admin/schedules/new", "staff"),
    ("admin-schedule-edit", "/admin/schedules/{schedule}/edit", "staff"),
    ("admin-schedule-delete", "/admin/schedules/{schedule}/delete", "staff"),
    ("admin-runs", "/admin/runs", "staff"),
    ("admin-dead-letters", "/admin/dead-letters", "staff"),
)
SWAGGER = ("swagger", "/schema/swagger", "")
# The console the reference loads on demand, opened straight from the address: Swagger UI's
# own bundle, measured so its cost is known, not held (decision 0475).
SWAGGER_CONSOLE = ("swagger-console", "/schema/swagger?console", "")
REPORTED_ONLY = {SWAGGER_CONSOLE[0]}


def goal_of(name: str, preset: str) -> dict[str, int]:
    """What ``name`` must score at ``preset`` (empty: reported only)."""
    if name in REPORTED_ONLY:
        return {}
    return NOT_FOUND_GOAL if name == "not-found" else PAGE_GOAL


def shortfalls(scores: Mapping[str, Mapping[str, Mapping[str, int]]]) -> list[str]:
    """Every score under its goal, as ``page preset category score < goal``."""
    short = []
    for name, by_preset in scores.items():
        for preset, got in by_preset.items():
            for category, wanted in goal_of(name, preset).items():
                score = got.get(category, -1)
                if score < wanted:
                    short.append(f"{name} {preset} {category} {score} < {wanted}")
    return short


def table(scores: Mapping[str, Mapping[str, Mapping[str, int]]]) -> str:
    """The scores as a markdown table: one row per page, each cell ``phone / desktop``."""
    rows = ["| page | " + " | ".join(CATEGORIES) + " |", "|---|" + "---:|" * len(CATEGORIES)]
    for name, by_preset in scores.items():
        cells = [
            " / ".join(str(by_preset[p].get(c, "—")) for p in PRESETS if p in by_preset)
            for c in CATEGORIES
        ]
        rows.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(rows) + "\n"


# --- the tool ---------------------------------------------------------------------------


def ensure_lighthouse() -> None:
    """The pinned package in tools/lighthouse/node_modules, from its lock file."""
    if not LIGHTHOUSE.exists():
        subprocess.run(
            ["npm", "ci", "--no-audit", "--no-fund", "--ignore-scripts"], cwd=TOOL, check=True
        )


def lighthouse(
    url: str, preset: str, report: Path, cookie: str = "", error_page: bool = False
) -> dict[str, int]:
    """One Lighthouse run; its report kept at ``report``, its category scores (0-100)."""
    argv = [
        str(LIGHTHOUSE),
        url,
        "--quiet",
        "--output=json",
        f"--output-path={report}",
        f"--only-categories={','.join(CATEGORIES)}",
        "--chrome-flags=--headless=new --no-sandbox --disable-gpu",
    ]
    if preset == "desktop":
        argv.append("--preset=desktop")
    if error_page:  # measured as it is, where Lighthouse would stop at its status
        argv.append("--ignore-status-code")
    if cookie:
        argv.append("--extra-headers=" + json.dumps({"Cookie": cookie}))
    env = {**os.environ, "CHROME_PATH": CHROMIUM}
    subprocess.run(argv, env=env, check=True, timeout=180)
    result = json.loads(report.read_text())
    if result["finalDisplayedUrl"] != url:  # sent to sign in: not the page meant
        raise SystemExit(f"lighthouse: {url} ended on {result['finalDisplayedUrl']}")
    return {
        key: round(100 * (category["score"] or 0)) for key, category in result["categories"].items()
    }


# --- the server ----------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def _script(name: str) -> str:
    return str(Path(sys.executable).with_name(name))


@contextlib.contextmanager
def live_server(workdir: Path) -> Iterator[tuple[str, dict[str, str]]]:
    """``selteq migrate``, then ``selteq-api`` until the block ends: (its URL, its env)."""
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("SELTEQ_")}
    env.update(
        SELTEQ_ENV="development",
        SELTEQ_DATABASE_URL=f"sqlite:///{workdir}/selteq.db",
        SELTEQ_JWT_SECRET=SECRET,
        SELTEQ_HOST="127.0.0.1",
        SELTEQ_PORT=str(port),
        SELTEQ_TASKS_LOG=str(workdir / "tasks.log"),
        SELTEQ_LOGIN_RATE="1000/minute",
    )
    subprocess.run([_script("selteq"), "migrate"], env=env, cwd=workdir, check=True)
    with (workdir / "server.log").open("wb") as log:
        process = subprocess.Popen(
            [_script("selteq-api")],
            env=env,
            cwd=workdir,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while not _answers(url + "/health/live"):
            if process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit((workdir / "server.log").read_text())
            time.sleep(0.2)
        yield url, env
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as answer:  # noqa: S310 - our own server
            return bool(answer.status == 200)
    except OSError:
        return False


def _api(url: str, method: str, path: str, body: Any = None, token: str = "") -> Any:
    request = urllib.request.Request(  # noqa: S310 - our own server
        url + path, method=method, data=None if body is None else json.dumps(body).encode()
    )
    request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    with urllib.request.urlopen(request, timeout=30) as answer:  # noqa: S310
        text = answer.read()
    return json.loads(text) if text else None


def _token(url: str, username: str) -> str:
    body = _api(url, "POST", "/api/token/", {"username": username, "password": PASSWORD})
    return str(body["access_token"])


def seed(url: str, env: dict[str, str], workdir: Path) -> dict[str, str]:
    """A user with a page and more of tasks, a staff user, an audit trail; the ids to fill
    the pages' paths with."""
    made = {**env, "SELTEQ_PASSWORD": PASSWORD}
    for name, extra in (("admin", ["--admin"]), ("alice", [])):
        argv = [_script("selteq"), "user", "--no-input", "--username", name, *extra]
        subprocess.run(argv, env=made, cwd=workdir, check=True, capture_output=True)
    alice, admin = _token(url, "alice"), _token(url, "admin")
    durations = (5, 25, 45, 90, 150, 480)
    task = {}
    for n in range(24):
        title = f"Task {n + 1}: write the weekly report and send it round"
        body = {"title": title, "duration": durations[n % len(durations)]}
        task = _api(url, "POST", "/api/tasks/", body, alice)
    users = _api(url, "GET", "/api/admin/users/?search=alice", token=admin)
    user_id = str(users[0]["id"] if isinstance(users, list) else users["items"][0]["id"])
    for action in ("deactivate", "activate"):  # two lines in the audit log
        _api(url, "POST", f"/api/admin/users/{user_id}/{action}", token=admin)
    schedules = _api(url, "GET", "/api/admin/schedules/", token=admin)
    rows = schedules if isinstance(schedules, list) else schedules["items"]
    return {"task": str(task["id"]), "user": user_id, "schedule": str(rows[0]["id"])}


class _Stay(urllib.request.HTTPRedirectHandler):
    """Leaves a redirect unfollowed: following it would spend the new session cookie."""

    def redirect_request(self, *_: Any, **__: Any) -> None:
        return None


_CSRF = re.compile(r'name="_csrf_token" value="([^"]*)"')


def sign_in(url: str, username: str, draft: bool = False) -> str:
    """A fresh session's Cookie header, as a browser holds it after signing in; with
    ``draft``, a task form posted after the session ended is kept first."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), _Stay())

    def post(path: str, form: dict[str, str]) -> None:
        with opener.open(url + "/sign-in", timeout=30) as page:
            found = _CSRF.search(page.read().decode())
        assert found, "the sign-in page has no CSRF token"
        data = urllib.parse.urlencode({**form, "_csrf_token": found[1]}).encode()
        with contextlib.suppress(urllib.error.HTTPError):  # the 303 is the answer
            opener.open(url + path, data=data, timeout=30)

    if draft:
        post("/tasks", {"title": "Plan the quarter, typed as the session ended", "duration": "60"})
    post("/sign-in", {"username": username, "password": PASSWORD, "next": "/"})
    return "; ".join(f"{c.name}={c.value}" for c in jar)


# --- the run -------------------------------------------------------------------------------


def measure(only: Sequence[str], presets: Sequence[str]) -> dict[str, dict[str, dict[str, int]]]:
    OUT.mkdir(parents=True, exist_ok=True)
    scores: dict[str, dict[str, dict[str, int]]] = {}
    with tempfile.TemporaryDirectory(prefix="selteq-lighthouse-") as tmp:
        workdir = Path(tmp)
        with live_server(workdir) as (url, env):
            ids = seed(url, env, workdir)
            for name, path, who in (*PAGES, SWAGGER, SWAGGER_CONSOLE):
                if only and name not in only:
                    continue
                for preset in presets:
                    cookie = ""
                    if who:
                        user = "admin" if who == "staff" else "alice"
                        cookie = sign_in(url, user, draft=who == "draft")
                    report = OUT / f"{name}-{preset}.json"
                    address = url + path.format(**ids)
                    try:
                        got = lighthouse(address, preset, report, cookie, name == "not-found")
                    except (subprocess.SubprocessError, SystemExit) as failed:
                        print(f"lighthouse: {name} {preset} not measured: {failed}")
                        got = {}  # held as a missing score: the run fails
                    scores.setdefault(name, {})[preset] = got
                    print(name, preset, got, flush=True)
    return scores


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", nargs="*", default=[], help="page names (default: all)")
    parser.add_argument("--preset", choices=PRESETS, nargs="*", default=list(PRESETS))
    args = parser.parse_args(argv)
    if not shutil.which("npm") or not Path(CHROMIUM).exists():
        raise SystemExit("lighthouse: needs npm (Node.js 18.16+) and Chromium at CHROME_PATH")
    ensure_lighthouse()
    scores = measure(args.only, args.preset)
    (OUT / "scores.json").write_text(json.dumps(scores, indent=2) + "\n")
    (OUT / "scores.md").write_text(table(scores))
    short = shortfalls(scores)
    print(table(scores), *short, sep="\n")
    return 1 if short else 0


if __name__ == "__main__":
    sys.exit(main())
