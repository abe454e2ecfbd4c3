"""Accounts made and used from outside the browser: the CLI an operator runs, and JSON
calls to the live server."""

from __future__ import annotations

import json
import subprocess
import urllib.error
import urllib.request
from typing import Any

from .server import LiveServer, console_script, server_env

PASSWORD = "correct horse battery"


def staff_by_cli(server: LiveServer, username: str) -> None:
    """``selteq user --admin``, as an operator makes the first staff account."""
    port = server.url.rsplit(":", 1)[1]
    env = server_env(server.workdir, int(port), SELTEQ_PASSWORD=PASSWORD)
    command = [*console_script("selteq", "selteq_adapters.cli"), "user", "--no-input", "--admin"]
    subprocess.run(
        [*command, "--username", username], env=env, cwd=server.workdir, check=True, timeout=60
    )


def api_call(server: LiveServer, method: str, path: str, token: str = "", body: Any = None) -> Any:
    """One JSON call from outside the browser: (status, body or None)."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(server.url + path, data=data, method=method)  # noqa: S310
    request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310
            text = answer.read()
            return answer.status, json.loads(text) if text else None
    except urllib.error.HTTPError as error:
        return error.code, None


def access_token(server: LiveServer, username: str, password: str) -> str:
    status, body = api_call(
        server, "POST", "/api/token/", body={"username": username, "password": password}
    )
    assert status == 200
    return str(body["access_token"])
