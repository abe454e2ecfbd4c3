"""Selteq's load benchmark: ``python -m bench`` (``make bench``), ``--smoke`` for CI.

It seeds a database through the project's own adapters, starts the real server process
and drives it with ``wrk``; see the README's Performance section for what it measures.
"""
