"""Staff read the audit log: who did what to whom, and when, newest first, a page at a
time (as Django's admin shows its LogEntry)."""

from __future__ import annotations

from typing import Any

from litestar import Request, get
from litestar.params import FromQuery
from litestar.response import Template

from selteq_core import AuditAction
from selteq_http.facade import backend_of

from .render import page
from .staff import AUDIT, query
from .tasks import SIGNED_IN, Signed

ACTIONS = {
    AuditAction.DEACTIVATE_USER: "deactivated",
    AuditAction.ACTIVATE_USER: "activated",
    AuditAction.RESET_PASSWORD: "reset the password of",
    AuditAction.DELETE_USER: "deleted the user",
    AuditAction.MAKE_STAFF: "made staff",
    AuditAction.UNMAKE_STAFF: "unmade staff",
    AuditAction.DELETE_TASK: "deleted the task",
}
"""Each action in words, between who did it and to whom."""


@get(AUDIT, dependencies=SIGNED_IN)
async def audit_log(
    request: Request[Any, Any, Any], visit: Signed, before: FromQuery[int | None] = None
) -> Template:
    backend = backend_of(request)
    found = await backend.run(backend.cases.list_audit_log, visit.user_id, before)
    context: dict[str, Any] = {"entries": found.entries, "actions": ACTIONS}
    if found.next is not None:
        context["older"] = query(AUDIT, before=found.next)
    return page(request, "admin_audit", context, visit=visit)


AUDIT_PAGES = [audit_log]
