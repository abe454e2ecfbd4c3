"""Entity tags for tasks (RFC 9110 §8.8.3, §13): ``ETag`` on every task answer,
``If-Match`` on writes (the core refuses a task that moved on: 412), ``If-None-Match`` on
reads (304).

A task's tag is its core ``version`` in quotes: strong, since it changes with every byte
of the representation that can change. If-Match compares strongly (a weak tag never
matches); If-None-Match weakly, as the RFC says.
"""

from __future__ import annotations

from typing import Annotated

from litestar.datastructures import ResponseHeader
from litestar.params import HeaderParameter

from selteq_core import InvalidField, Task

TAG_LIST = r'^\s*(\*|(W/)?"[!#-~]*"(\s*,\s*(W/)?"[!#-~]*")*)\s*$'
"""``*`` or entity tags (RFC 9110 §8.8.3), as the document states and Litestar checks."""
IfMatch = Annotated[
    str | None,
    HeaderParameter(
        name="If-Match",
        pattern=TAG_LIST,
        description='Change the task only if its ETag is one of these (or "*"); else 412.',
    ),
]
IfNoneMatch = Annotated[
    str | None,
    HeaderParameter(
        name="If-None-Match",
        pattern=TAG_LIST,
        description="Answer 304 without a body when the task's ETag is one of these.",
    ),
]
ETAG = ResponseHeader(
    name="ETag", value='"e3b0c442"', description="The task's entity tag", documentation_only=True
)


def etag(task: Task) -> str:
    return f'"{task.version}"'


def _tags(header: str, name: str) -> list[str]:
    """The entity tags of a list header (``"a", W/"b"``), as written."""
    tags = [part.strip() for part in header.split(",") if part.strip()]
    for tag in tags:
        opaque = tag.removeprefix("W/")
        if len(opaque) < 2 or opaque[0] != '"' or opaque[-1] != '"' or '"' in opaque[1:-1]:
            raise InvalidField(name, 'must be "*" or a list of quoted entity tags')
    return tags


def versions(if_match: str | None) -> list[str] | None:
    """The versions a write may find (``["*"]`` for any), or None without a precondition.
    Weak tags are dropped: they never match strongly."""
    if if_match is None:
        return None
    if if_match.strip() == "*":
        return ["*"]
    return [tag[1:-1] for tag in _tags(if_match, "If-Match") if not tag.startswith("W/")]


def unchanged(if_none_match: str | None, task: Task) -> bool:
    """True when the client already has this representation (weak comparison)."""
    if if_none_match is None:
        return False
    if if_none_match.strip() == "*":
        return True
    return etag(task) in (tag.removeprefix("W/") for tag in _tags(if_none_match, "If-None-Match"))
