"""The pages answer each domain error with the status and headers the API gives it: one
table (``contract.problems``), the pages adding only their words."""

from __future__ import annotations

import pytest

from selteq_core import (
    AuthenticationFailed,
    Conflict,
    Forbidden,
    InvalidField,
    KeyReused,
    NotFound,
    PreconditionFailed,
    RateLimited,
    SelteqError,
    Unavailable,
)
from selteq_http.contract.problems import DOMAIN_PROBLEMS, status_of
from selteq_http.web.forms import failure

ERRORS: list[SelteqError] = [
    InvalidField("title", "must not be blank"),
    AuthenticationFailed(),
    Forbidden(),
    NotFound("task"),
    Conflict("username is taken"),
    PreconditionFailed(),
    KeyReused(),
    RateLimited(7),
    Unavailable("the database did not answer"),
]


def test_every_row_of_the_table_is_exercised() -> None:
    assert {type(error) for error in ERRORS} == set(DOMAIN_PROBLEMS)


@pytest.mark.parametrize("error", ERRORS, ids=lambda e: type(e).__name__)
def test_a_page_answers_as_the_api_does(error: SelteqError) -> None:
    refused = failure(error)
    status, headers = status_of(error)
    assert (refused.status, refused.headers) == (status, headers)
    assert refused.message or refused.errors  # words for a person, never empty


def test_a_stale_write_is_a_412_and_a_reused_key_is_not_a_taken_username() -> None:
    assert failure(PreconditionFailed()).status == 412
    reused = failure(KeyReused())
    assert reused.status == 422
    assert "username" not in reused.errors
    assert "already sent" in reused.message
