"""A deadline on the request body: a client that announces a body and then stalls holds a
worker's memory and a connection for as long as it likes, and Granian waits with it.

The server bounds the request head (``SELTEQ_HEADER_TIMEOUT``); this layer bounds the body
(``SELTEQ_BODY_TIMEOUT``, counted from the request's start). Past it the read fails as a
408, which the problem handler answers, and the connection closes.
"""

from __future__ import annotations

import asyncio

from litestar.enums import ScopeType
from litestar.exceptions import HTTPException
from litestar.types import ASGIApp, Message, Receive, ReceiveMessage, Scope, Send

CLOSE = (b"connection", b"close")


class BodyDeadline:
    def __init__(self, app: ASGIApp, seconds: float) -> None:
        self.app = app
        self.seconds = seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP:
            await self.app(scope, receive, send)
            return
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.seconds
        complete = False
        timed_out = False

        async def receive_in_time() -> ReceiveMessage:
            nonlocal complete, timed_out
            if complete:
                return await receive()
            try:
                async with asyncio.timeout_at(deadline):
                    message = await receive()
            except TimeoutError:
                timed_out = True
                raise HTTPException(
                    status_code=408, detail="the request body did not arrive in time"
                ) from None
            complete = message["type"] != "http.request" or not message.get("more_body")
            return message

        async def send_closing(message: Message) -> None:
            if timed_out and message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", ()), CLOSE]
            await send(message)

        await self.app(scope, receive_in_time, send_closing)
