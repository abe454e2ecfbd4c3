"""The stand-in for ``Container.span`` in jobs built without a container's tracing."""

from __future__ import annotations

from contextlib import AbstractContextManager, nullcontext
from typing import Any

from selteq_adapters.container import SpanFactory

__all__ = ["SpanFactory", "untraced"]

_NO_SPAN: AbstractContextManager[Any] = nullcontext()


def untraced(name: str, **attributes: object) -> AbstractContextManager[Any]:
    """No span: what a job does when no tracing is set up."""
    return _NO_SPAN
