"""What only a real server shows: headers as a client sends them, and a client that hangs
up before its body is complete."""

from __future__ import annotations

import http.client
import json
import socket
import time
import urllib.parse

from .server import LiveServer

PASSWORD = "correct horse battery"


def _request(
    server: LiveServer, method: str, path: str, headers: list[tuple[str, str]], body: bytes = b""
) -> tuple[int, bytes]:
    """One request with exactly these header lines (repeats kept apart, as sent)."""
    url = urllib.parse.urlsplit(server.url)
    connection = http.client.HTTPConnection(url.hostname or "", url.port, timeout=10)
    try:
        connection.putrequest(method, path)
        for name, value in [*headers, ("Content-Length", str(len(body)))]:
            connection.putheader(name, value)
        connection.endheaders(body)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def _token(server: LiveServer, username: str) -> str:
    body = json.dumps({"username": username, "password": PASSWORD}).encode()
    json_type = [("Content-Type", "application/json")]
    assert _request(server, "POST", "/api/users/", json_type, body)[0] == 201
    status, answer = _request(server, "POST", "/api/token/", json_type, body)
    assert status == 200
    token: str = json.loads(answer)["access_token"]
    return token


def test_two_authorization_headers_are_a_400(server: LiveServer) -> None:
    token = _token(server, "twice")
    good = ("Authorization", f"Bearer {token}")
    assert _request(server, "GET", "/api/tasks/", [good])[0] == 200
    for headers in ([good, ("Authorization", "Bearer garbage")], [good, good]):
        assert _request(server, "GET", "/api/tasks/", headers)[0] == 400


def test_a_client_gone_mid_body_is_logged_as_such(server: LiveServer) -> None:
    token = _token(server, "leaver")
    url = urllib.parse.urlsplit(server.url)
    for path in ("/api/tasks/", "/api/token/"):
        with socket.create_connection((url.hostname, url.port), timeout=10) as client:
            client.sendall(
                f"POST {path} HTTP/1.1\r\nHost: test\r\nAuthorization: Bearer {token}\r\n"
                "Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n"
                '{"title": "'.encode()
            )
            time.sleep(0.2)  # let the server start reading the body before the hang-up
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and server.log().count("disconnected before") < 2:
        time.sleep(0.1)
    log = server.log()
    assert log.count("disconnected before its request body was complete") == 2, log
    assert "Traceback" not in log
    assert not [line for line in log.splitlines() if "access" in line and " 500 " in line]
