"""One logging set-up for every process (API, worker, scheduler, watcher).

``SELTEQ_LOG_FORMAT=text`` writes ``time level logger [request id] message``, one line per
record: control characters in the message (CR, LF, the other C0 and C1 codes, DEL) are
escaped, so a client-chosen path cannot start a forged line. ``json`` writes one object
per line with the same fields plus the record's ``extra`` values (method, route, status,
duration_ms, client, user_id, ...), safe by construction.
"""

from __future__ import annotations

import logging
import re
import sys
import time
from contextvars import ContextVar
from logging.handlers import RotatingFileHandler
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

import msgspec

if TYPE_CHECKING:
    from .settings import Settings

REQUEST_ID: ContextVar[str] = ContextVar("selteq_request_id", default="-")
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"
FILE_MAX_BYTES = 10 * 1024 * 1024
FILE_BACKUPS = 5
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
# JSON escapes C0 itself; these it may write raw, and some line readers split on them.
_JSON_RAW_BREAKS = re.compile("[\x7f-\x9f\u2028\u2029]")
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {
    "message",
    "asctime",
    "request_id",
    "taskName",
}
_json = msgspec.json.Encoder(enc_hook=str)


def escape(text: str) -> str:
    """``text`` with every control character written as a visible escape (``\\n``, ``\\x1b``)."""
    return _CONTROL.sub(lambda m: repr(m[0])[1:-1], text)


class RequestIdFilter(logging.Filter):
    """Stamps every record with the id of the request being served ("-" outside one)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = REQUEST_ID.get()
        return True


class ConsumerOutageFilter(logging.Filter):
    """One line per Redis outage from a Dramatiq worker, not two every few seconds.

    Each consumer thread logs CRITICAL "Consumer encountered a connection error" and INFO
    "Restarting consumer" on every retry while Redis is away. The first error of an outage
    passes (saying that the repeats are held back); the rest are dropped until the broker
    logs that its consumers reach Redis again (``selteq_adapters.broker``)."""

    def __init__(self) -> None:
        super().__init__()
        self.outage = False

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "consumers_recovered", False):
            was, self.outage = self.outage, False
            return was
        if not record.name.startswith(_CONSUMER_LOGGER):
            return True
        text = str(record.msg)
        if text.startswith(_CONSUMER_ERROR):
            if self.outage:
                return False
            self.outage = True
            record.msg = text + _HELD_BACK
            return True
        return not (self.outage and text.startswith(_CONSUMER_RESTART))


_CONSUMER_LOGGER = "dramatiq.worker.ConsumerThread("
_CONSUMER_ERROR = "Consumer encountered a connection error"
_CONSUMER_RESTART = "Restarting consumer"
_HELD_BACK = " (the worker retries every few seconds; repeats are not logged until it reconnects)"


class TextFormatter(logging.Formatter):
    """The text line, its message escaped; a traceback follows on indented lines (computed
    here, not taken from ``record.exc_text``, which another handler may have filled)."""

    def __init__(self) -> None:
        super().__init__(TEXT_FORMAT)

    def format(self, record: logging.LogRecord) -> str:
        record.message = escape(record.getMessage())
        record.asctime = self.formatTime(record)
        line = self.formatMessage(record)
        if record.exc_info:
            line += "\n" + _indented(self.formatException(record.exc_info))
        if record.stack_info:
            line += "\n" + _indented(record.stack_info)
        return line


def _indented(text: str) -> str:
    return "\n".join("    " + escape(line) for line in text.splitlines())


class JsonFormatter(logging.Formatter):
    """One JSON object per record: time, level, logger, message, request_id, extras."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": _utc(record.created),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", REQUEST_ID.get()),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and key not in entry:
                entry[key] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        text = _json.encode(entry).decode()
        return _JSON_RAW_BREAKS.sub(lambda m: f"\\u{ord(m[0]):04x}", text)


def _utc(created: float) -> str:
    millis = int(created * 1000) % 1000
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(created)) + f".{millis:03d}Z"


def formatter(settings: Settings) -> logging.Formatter:
    return JsonFormatter() if settings.log_format == "json" else TextFormatter()


class _SelteqHandler(logging.StreamHandler[TextIO]):
    """Ours, so configuring twice replaces it instead of doubling every line."""


def configure_logging(settings: Settings, stream: TextIO | None = None) -> None:
    """Send every record to stderr (or ``stream``) in the configured format and level.

    Idempotent; replaces a plain handler that ``logging.basicConfig`` (or Dramatiq's CLI)
    put on the root logger, so every process prints one format."""
    root = logging.getLogger()
    for old in list(root.handlers):
        if isinstance(old, _SelteqHandler) or type(old) is logging.StreamHandler:
            root.removeHandler(old)
    handler = _SelteqHandler(stream or sys.stderr)
    handler.addFilter(RequestIdFilter())
    handler.addFilter(ConsumerOutageFilter())
    handler.setFormatter(formatter(settings))
    root.addHandler(handler)
    root.setLevel(settings.log_level)
    # APScheduler narrates every run at INFO; the jobs log their own lines.
    logging.getLogger("apscheduler").setLevel(max(root.level, logging.WARNING))


def file_handler(settings: Settings, path: str) -> logging.Handler:
    """A size-bounded rotating file in the same format (the watcher's tasks.log)."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    handler = RotatingFileHandler(
        path, maxBytes=FILE_MAX_BYTES, backupCount=FILE_BACKUPS, encoding="utf-8"
    )
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(formatter(settings))
    return handler


class AccessLog:
    """The access line of each HTTP request, preformatted, for the server to write in bulk.

    :meth:`line` builds the line ``logging`` would write for the ``selteq.http.access``
    logger (the text format's escaped message, or the JSON object with the request's
    fields) in one step; :meth:`write` puts any number of them on the stream of the handler
    that ``configure_logging`` set up, in one write under that handler's lock, and flushes,
    so no line waits in a buffer. Where logging is set up otherwise (another handler on the
    root logger, a handler of the access logger's own, a test capturing records),
    :meth:`line` sends the record through ``logging`` as any record and returns None."""

    def __init__(self) -> None:
        self._logger = logging.getLogger("selteq.http.access")
        self._root = logging.getLogger()
        self._second = -1
        self._stamp = ""

    def line(
        self,
        method: str,
        path: str,
        status: int,
        elapsed_ms: float,
        fields: dict[str, Any],
    ) -> str | None:
        """``fields``: ``client``, ``user_id`` (None when no bearer token named one) and
        ``route`` (None when no route matched). None when there is nothing left to write."""
        logger = self._logger
        if not logger.isEnabledFor(logging.INFO):
            return None
        user = fields["user_id"]
        handler = self._handler()
        if handler is None:
            logger.info(
                "%s %s %d %.1fms client=%s user=%s",
                method,
                path,
                status,
                elapsed_ms,
                fields["client"],
                "-" if user is None else user,
                extra={
                    "method": method,
                    "path": path,
                    "status": status,
                    "duration_ms": round(elapsed_ms, 3),
                    **fields,
                },
            )
            return None
        now = time.time()
        message = (
            f"{method} {path} {status} {elapsed_ms:.1f}ms "
            f"client={fields['client']} user={'-' if user is None else user}"
        )
        if isinstance(handler.formatter, JsonFormatter):
            entry = {
                "time": _utc(now),
                "level": "INFO",
                "logger": logger.name,
                "message": message,
                "request_id": REQUEST_ID.get(),
                "method": method,
                "path": path,
                "status": status,
                "duration_ms": round(elapsed_ms, 3),
                **fields,
            }
            text = _json.encode(entry).decode()
            return _JSON_RAW_BREAKS.sub(lambda m: f"\\u{ord(m[0]):04x}", text)
        stamp, request_id = self._text_time(now), REQUEST_ID.get()
        return f"{stamp} INFO {logger.name} [{request_id}] {escape(message)}"

    def write(self, lines: list[str]) -> None:
        """``lines`` from :meth:`line`, in one write and a flush."""
        handler = self._handler()
        if handler is None:  # logging was set up anew since: to stderr, as they are
            sys.stderr.write("".join(line + "\n" for line in lines))
            return
        text = handler.terminator.join(lines) + handler.terminator
        handler.acquire()
        try:
            handler.stream.write(text)
            handler.stream.flush()
        finally:
            handler.release()

    def _handler(self) -> _SelteqHandler | None:
        """The one handler ``configure_logging`` set up, while it is the only one."""
        handlers = self._root.handlers
        handler = handlers[0] if len(handlers) == 1 else None
        if not isinstance(handler, _SelteqHandler):
            return None
        if self._logger.handlers or not self._logger.propagate:
            return None
        return handler

    def _text_time(self, now: float) -> str:
        """``logging.Formatter.formatTime``'s default: local time, then milliseconds."""
        second = int(now)
        if second != self._second:
            self._second = second
            self._stamp = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(second))
        return f"{self._stamp},{int((now - second) * 1000):03d}"
