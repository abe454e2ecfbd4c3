"""A relay in front of SQL Server that reads the TDS requests a client sends: how many
round trips a piece of code costs, and what each one was (a batch's text, an RPC's
procedure), with nothing patched in the code under test.

The login is not read (it may travel inside TLS). A test ``watch()``es the requests from
a moment when the connection is idle: the next bytes the client sends then start a TDS
packet, and every request after that is in clear (``Encrypt=no`` encrypts the login only).
"""

from __future__ import annotations

import socket
import threading

import attrs

from tests.integration.http.relay import Relay, close_both

_BATCH, _RPC, _TRANSACTION = 0x01, 0x03, 0x0E
_PROCEDURES = {
    10: "sp_executesql",
    11: "sp_prepare",
    12: "sp_execute",
    13: "sp_prepexec",
    14: "sp_prepexecrpc",
    15: "sp_unprepare",
}


@attrs.frozen
class Request:
    """One client request (one round trip): ``batch`` with its text, ``rpc`` with the
    procedure it calls, or ``transaction`` (the driver's own BEGIN/COMMIT/ROLLBACK)."""

    kind: str
    what: str


class TdsCounter(Relay):
    """A :class:`Relay` that records the requests going upstream while it watches."""

    def __init__(self, upstream: tuple[str, int]) -> None:
        super().__init__(upstream)
        self._watching = False
        self._buffer = b""
        self._requests: list[Request] = []
        self._seen = threading.Lock()

    def watch(self) -> None:
        """Record from now on, starting afresh; call it while no request is in flight."""
        with self._seen:
            self._watching, self._buffer, self._requests = True, b"", []

    def requests(self) -> list[Request]:
        with self._seen:
            return list(self._requests)

    def _pipe(self, source: socket.socket, target: socket.socket) -> None:
        if target.getpeername()[1] != self.upstream[1]:
            super()._pipe(source, target)
            return
        try:
            while data := source.recv(65536):
                self._read(data)
                target.sendall(data)
        except OSError:
            pass
        finally:
            close_both(source, target)

    def _read(self, data: bytes) -> None:
        with self._seen:
            if not self._watching:
                return
            self._buffer += data
            while len(self._buffer) >= 8:
                length = int.from_bytes(self._buffer[2:4], "big")
                if len(self._buffer) < length:
                    return
                packet, self._buffer = self._buffer[:length], self._buffer[length:]
                if packet[1] & 0x01:  # end of message: one request
                    self._requests.append(_request(packet))


def _request(packet: bytes) -> Request:
    """What one request's (first) packet asks for."""
    kind, body = packet[0], packet[8:]
    if kind in (_BATCH, _RPC):
        body = body[int.from_bytes(body[:4], "little") :]  # the ALL_HEADERS block
    if kind == _BATCH:
        return Request("batch", body.decode("utf-16-le", "replace").strip())
    if kind == _RPC:
        size = int.from_bytes(body[:2], "little")
        if size == 0xFFFF:
            number = int.from_bytes(body[2:4], "little")
            return Request("rpc", _PROCEDURES.get(number, f"procedure {number}"))
        return Request("rpc", body[2 : 2 + 2 * size].decode("utf-16-le", "replace"))
    if kind == _TRANSACTION:
        return Request("transaction", f"request {int.from_bytes(body[:2], 'little')}")
    return Request(f"type {kind}", "")
