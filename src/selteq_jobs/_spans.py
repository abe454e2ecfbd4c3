"""The shape of ``Container.span``, and its stand-in for the jobs built without one."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from typing import Any

SpanFactory = Callable[..., AbstractContextManager[Any]]
_NO_SPAN: AbstractContextManager[Any] = nullcontext()


def untraced(name: str, **attributes: object) -> AbstractContextManager[Any]:
    """No span: what a job does when no tracing is set up."""
    return _NO_SPAN
