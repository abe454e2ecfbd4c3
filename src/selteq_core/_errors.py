"""The domain's errors: one small hierarchy that every adapter maps to its own world."""

from __future__ import annotations


class SelteqError(Exception):
    """Base of every error the core raises on purpose."""


class NotFound(SelteqError):
    """The thing does not exist, or the caller may not see it (the two are never told apart)."""

    def __init__(self, what: str) -> None:
        super().__init__(f"{what} not found")
        self.what = what


class InvalidField(SelteqError):
    """One or more fields of the input are invalid; ``fields`` maps each field to its reason."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.fields: dict[str, str] = {field: reason}

    @classmethod
    def of(cls, fields: dict[str, str]) -> InvalidField:
        """Several invalid fields at once, so a client can fix them all in one go."""
        first, *_ = fields.items()
        error = cls(*first)
        error.fields = dict(fields)
        error.args = ("; ".join(f"{k}: {v}" for k, v in fields.items()),)
        return error


class Conflict(SelteqError):
    """The change clashes with what is stored (a username that is taken, say)."""


class Forbidden(SelteqError):
    """The caller is known but may not do this (a staff-only action by someone who is not
    staff). Nothing was changed."""

    def __init__(self, message: str = "staff only") -> None:
        super().__init__(message)


class KeyReused(Conflict):
    """An idempotency key that already stands for a different request."""

    def __init__(self) -> None:
        super().__init__("the idempotency key was used for a different request")


class PreconditionFailed(SelteqError):
    """The caller asked to change a task only if it was still as they saw it, and it was not."""

    def __init__(self) -> None:
        super().__init__("the task changed since it was read")


class AuthenticationFailed(SelteqError):
    """Credentials or a token were wrong, expired, revoked or of the wrong kind.

    The message is deliberately vague: it never says which part was wrong.
    """

    def __init__(self, message: str = "invalid credentials") -> None:
        super().__init__(message)


class SessionEnded(AuthenticationFailed):
    """A refresh token that the server issued no longer buys a session, and ``why`` says
    why in one word an edge can put in a person's words: ``"ended"`` (signed out, revoked,
    replayed or deleted), ``"password"`` (the password was changed since), or
    ``"deactivated"``. Only the holder of a token the server issued learns it, and
    ``user_id`` names whose session it was (so an edge can keep their unsaved work for them
    alone)."""

    def __init__(self, why: str = "ended", user_id: int | None = None) -> None:
        super().__init__("session ended")
        self.why = why
        self.user_id = user_id


class AccountDeactivated(AuthenticationFailed):
    """The right password for an account that staff deactivated. Told only after the
    password matched, as Django's sign-in form does, so it reveals nothing to a guesser."""

    def __init__(self) -> None:
        super().__init__("account deactivated")


class RateLimited(AuthenticationFailed):
    """Too many attempts (failed logins, sign-ups); try again after ``retry_after`` seconds."""

    def __init__(self, retry_after: int, message: str = "too many failed attempts") -> None:
        super().__init__(message)
        self.retry_after = max(1, retry_after)


class Unavailable(SelteqError):
    """A backing service (the database, Redis) cannot be reached right now; retry later."""
