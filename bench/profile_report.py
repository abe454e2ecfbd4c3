"""Reading the workers' merged profile: CPU per request by layer, the hottest functions,
and the cumulative cost of the calls a request is made of."""

from __future__ import annotations

import pstats
from collections import defaultdict
from pathlib import Path
from typing import Any

Key = tuple[str, int, str]

# (layer, fragments of "file:function"); the first match wins.
LAYERS = (
    ("JWT (pyjwt, hmac)", ("/jwt/", "hmac", "_hashlib")),
    ("argon2", ("argon2",)),
    ("database (driver, SQL, pool, uow)", ("/selteq_adapters/db/", "sqlite3", "pyodbc")),
    ("logging (records, format, write)", ("/logging/", "selteq_adapters/logs.py", "_io.")),
    ("JSON (msgspec)", ("msgspec", "/json/")),
    ("core use-cases, entities (attrs)", ("/selteq_core/", "/attr/", "<attrs generated")),
    ("selteq_http (handlers, auth, context)", ("/selteq_http/", "uuid")),
    ("Litestar (routing, DI, middleware)", ("/litestar/",)),
    (
        "thread offload (anyio, futures, self-pipe)",
        (
            "/anyio/",
            "concurrent/futures",
            "_write_to_self",
            "_read_from_self",
            "threading.py",
            "_thread.lock",
        ),
    ),
    ("event loop (asyncio)", ("/asyncio/", "selectors", "epoll")),
    ("granian (Python side)", ("/granian/",)),
)
# What a request is made of: (label, fragments of "file:function" whose cumulative time
# counts), measured inclusive of everything they call.
CALLS = (
    ("token check (Authenticate)", "selteq_core/_auth.py:__call__"),
    ("list use-case (ListRecentTasks)", "selteq_core/_tasks.py:__call__"),
    ("DB execute (driver round trip)", "selteq_adapters/db/connection.py:_execute"),
    ("unit of work enter+exit", "selteq_adapters/db/uow.py:__e"),
    ("access log record", "selteq_adapters/logs.py:"),
    ("logging.Logger._log", "logging/__init__.py:_log"),
    ("anyio run_sync (offload)", "anyio/to_thread.py:run_sync"),
)


def _text(key: Key) -> str:
    return f"{key[0]}:{key[2]}"


def layer_of(key: Key) -> str | None:
    text = _text(key)
    for layer, fragments in LAYERS:
        if any(fragment in text for fragment in fragments):
            return layer
    return None


def load(files: list[Path]) -> pstats.Stats:
    stats = pstats.Stats(str(files[0]))
    for path in files[1:]:
        stats.add(str(path))
    return stats


def layers(stats: pstats.Stats) -> dict[str, float]:
    """Self CPU by layer; an unclassified built-in goes to its callers' layers, in
    proportion to the time each caller spent in it."""
    table: dict[Key, Any] = stats.stats  # type: ignore[attr-defined]
    out: defaultdict[str, float] = defaultdict(float)
    for key, (_, _, tottime, _, callers) in table.items():
        layer = layer_of(key)
        if layer is not None or not callers:
            out[layer or "other"] += tottime
            continue
        edges = {caller: edge[2] for caller, edge in callers.items()}
        total = sum(edges.values()) or 1.0
        for caller, spent in edges.items():
            out[layer_of(caller) or "other"] += tottime * spent / total
    return dict(out)


def render(stats: pstats.Stats, requests: int) -> str:
    per = 1000 / max(requests, 1)
    table: dict[Key, Any] = stats.stats  # type: ignore[attr-defined]
    by_layer = layers(stats)
    total = sum(by_layer.values())
    lines = [f"profiled CPU {total * per:.3f} ms per request (all threads)", ""]
    lines.append(f"{'layer (self time)':<46}{'share':>7}{'ms/req':>9}")
    for layer, seconds in sorted(by_layer.items(), key=lambda kv: -kv[1]):
        lines.append(f"{layer:<46}{seconds / total:>7.1%}{seconds * per:>9.3f}")
    lines += ["", f"{'a request is made of (inclusive)':<46}{'ms/req':>16}"]
    for label, fragment in CALLS:
        spent = sum(v[3] for k, v in table.items() if fragment in _text(k))
        lines.append(f"{label:<46}{spent * per:>16.3f}")
    lines += ["", "hottest functions (self time, ms/req):"]
    hottest = sorted(table.items(), key=lambda kv: -kv[1][2])[:15]
    for key, value in hottest:
        where = _text(key).split("site-packages/")[-1].split("/src/")[-1]
        lines.append(f"{value[2] * per:>8.3f}  {where.split('/lib/python3.11/')[-1]}")
    return "\n".join(lines)
