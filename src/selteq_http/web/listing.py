"""Which tasks the list page shows, and where in the list the person is.

A page is ``WEB_PAGE_SIZE`` tasks of ``ListTaskPage``, searched and sorted as asked, with
the count read in the same transaction. The core pages by keyset, with no offset, so the
position (as "21 to 40 of 117") travels in the query string as ``start`` (decision 0435): the
Older link adds the page's length, the Newer link takes one page off, and both ends
correct it (the first page starts at 1, the last page ends at the total), so a position
that drifted while tasks were added or deleted elsewhere is right again at either end.

Every form about a task carries the list's state (``back``) so that after an add, a
rename or a delete the person lands on the page, search and sort they were on, with a
message naming the task (``done`` and ``what`` in the query: they only choose which fixed
sentence is shown and the title it quotes, escaped like any title).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl, urlencode

import attrs

from selteq_core import ORDERINGS, WEB_PAGE_SIZE, InvalidField, Task, TaskPage
from selteq_http.facade import Backend

ORDER_NAMES = {
    "-created_at": "Newest first",
    "created_at": "Oldest first",
    "-duration": "Longest first",
    "duration": "Shortest first",
}
"""The web's names of the core's ``ORDERINGS``, in their order."""
DONE = {"added": "Added", "renamed": "Renamed", "deleted": "Deleted"}
"""The messages a list page shows after a form: a verb and the task's title."""
_CURSOR_MAX = 100


@attrs.frozen
class ListState:
    """What the list page is showing: its search, order, page token and position."""

    search: str = ""
    ordering: str = ORDERINGS[0]
    before: str = ""
    start: int = 1

    @classmethod
    def of(cls, query: Mapping[str, Any]) -> ListState:
        """The state from a query or a form; anything out of shape is dropped, never an
        error: a list page always shows."""
        search = str(query.get("search") or "").strip()  # whole: the core says if too long
        ordering = str(query.get("ordering") or "")
        before = str(query.get("before") or "")
        try:
            start = max(1, int(str(query.get("start") or 1)))
        except ValueError:
            start = 1
        return cls(
            search=search,
            ordering=ordering if ordering in ORDERINGS else ORDERINGS[0],
            before=before if len(before) <= _CURSOR_MAX else "",
            start=start if before else 1,
        )

    @classmethod
    def from_back(cls, back: str | None) -> ListState:
        """The state a form carried as ``back`` (a list page's query string)."""
        return cls.of(dict(parse_qsl(back or "", keep_blank_values=False)[:8]))

    def pairs(self) -> list[tuple[str, str]]:
        pairs = []
        if self.search:
            pairs.append(("search", self.search))
        if self.ordering != ORDERINGS[0]:
            pairs.append(("ordering", self.ordering))
        if self.before:
            pairs += [("before", self.before), ("start", str(self.start))]
        return pairs

    @property
    def query(self) -> str:
        """The state as a query string (no ``?``), empty for the plain first page."""
        return urlencode(self.pairs())

    def href(self, **extra: str) -> str:
        """The list page with this state, and ``extra`` (a message) added."""
        query = urlencode(self.pairs() + list(extra.items()))
        return f"/?{query}" if query else "/"

    def at(self, before: str | None, start: int) -> str:
        """The list page with this search and order, at another page."""
        moved = attrs.evolve(self, before=before or "", start=start if before else 1)
        return moved.href()


@attrs.frozen
class Listing:
    """A page to show: its tasks, the links to the pages around it, where it is."""

    tasks: list[Task]
    total: int
    first: int
    last: int
    newer: str | None
    older: str | None
    stale: bool = False
    """True when the asked page's link no longer worked and the first page is shown."""


async def my_tasks(backend: Backend, user_id: int, state: ListState | None = None) -> Listing:
    state = state or ListState()
    stale = False
    try:
        page = await _read(backend, user_id, state)
    except InvalidField as error:
        if "before" not in error.fields:
            raise
        state, stale = attrs.evolve(state, before="", start=1), True
        page = await _read(backend, user_id, state)
    return _listing(state, page, stale)


async def _read(backend: Backend, user_id: int, state: ListState) -> TaskPage:
    return await backend.run(
        backend.cases.list_task_page,
        user_id,
        state.before or None,
        WEB_PAGE_SIZE,
        search=state.search or None,
        ordering=state.ordering,
        total=True,
    )


def _listing(state: ListState, page: TaskPage, stale: bool) -> Listing:
    total, shown = page.total or 0, len(page.tasks)
    first = 1 if page.previous is None else state.start
    if page.next is None or first + shown - 1 > total:
        first = max(1, total - shown + 1)
    last = first + shown - 1
    newer = None
    if page.previous is not None:
        newer = state.at(page.previous, max(1, first - WEB_PAGE_SIZE))
    older = None if page.next is None else state.at(page.next, last + 1)
    return Listing(page.tasks, total, first, last, newer, older, stale)


def duration_text(minutes: int) -> str:
    """A duration as people read it: "45 min", "1 h 30 min", "2 d 3 h"."""
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    parts = []
    if days:
        parts.append(f"{days:,} d")
    if hours:
        parts.append(f"{hours} h")
    if mins or not parts:
        parts.append(f"{mins} min")
    return " ".join(parts)
