"""Selteq's load benchmark: ``python -m bench`` (``make bench``), ``--smoke`` for CI.

It drives only the public surface: ``selteq migrate`` and ``selteq user`` build the schema
and the first user, its own SQL seeds the rest, the real ``selteq-api`` serves, and wrk
loads it. ``docs/performance.md`` is written from its JSON by ``python -m bench --render``.
"""
