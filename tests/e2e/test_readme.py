"""The README's API walkthrough, run as written against a real ``selteq-api`` process."""

from __future__ import annotations

import json
import os
import re
import subprocess
import urllib.error
import urllib.request
from collections.abc import Mapping
from pathlib import Path

import pytest

from .server import LiveServer

README = Path(__file__).resolve().parents[2] / "README.md"
BASH_BLOCK = re.compile(r"^```bash\n(.*?)^```$", re.MULTILINE | re.DOTALL)


def api_blocks() -> list[str]:
    text = README.read_text()
    section = text.split("<!-- api:begin -->", 1)[1].split("<!-- api:end -->", 1)[0]
    return BASH_BLOCK.findall(section)


def _without_selteq(environ: Mapping[str, str]) -> dict[str, str]:
    return {k: v for k, v in environ.items() if not k.startswith("SELTEQ_")}


def _status(url: str, body: dict[str, str]) -> int:
    request = urllib.request.Request(  # noqa: S310 - a local http URL
        url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return int(response.status)
    except urllib.error.HTTPError as error:
        return error.code


def test_the_readme_documents_every_route() -> None:
    script = "\n".join(api_blocks())
    for route in (
        "/api/users/",
        "/api/token/",
        "/api/token/refresh/",
        "/api/token/revoke/",
        "/api/tasks/",
        "/api/tasks/$TASK_ID/",
        "/health/live",
        "/health/ready",
        "/schema/openapi.json",
    ):
        assert f'"$SELTEQ_URL{route}"' in script, route
    for method in ("-X PATCH", "-X DELETE"):
        assert method in script


@pytest.mark.slow
def test_the_readme_walkthrough_runs_against_the_real_server(
    server: LiveServer, tmp_path: Path
) -> None:
    script = "set -euo pipefail\n" + "\n".join(api_blocks())
    script += '\nprintf "REFRESH=%s\\n" "$REFRESH"\n'
    (tmp_path / "walkthrough.sh").write_text(script)
    result = subprocess.run(
        ["bash", str(tmp_path / "walkthrough.sh")],
        env={**_without_selteq(os.environ), "SELTEQ_URL": server.url},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    assert '"username":"alice"' in out
    assert '"title":"Write the report","duration":45' in out
    assert '"title":"Send the report","duration":45' in out
    assert out.count("204\n") == 2  # the delete and the logout
    assert '"invalid_params":[{"name":"title"' in out
    assert '"name":"duration"' in out
    assert "/api/tasks/{task_id}" in out
    last_refresh = out.rsplit("REFRESH=", 1)[1].strip()
    assert _status(f"{server.url}/api/token/refresh/", {"refresh_token": last_refresh}) == 401
