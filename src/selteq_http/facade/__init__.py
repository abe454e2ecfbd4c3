"""How routes and pages call the core: one async façade (``backend_of(request)``) that
hands every database call to a database thread under the request's deadline."""

from selteq_http.facade.backend import Backend, backend_of

__all__ = ["Backend", "backend_of"]
