"""The batched list's JSON document: what a well-formed one becomes, and what a broken one
raises (a broken database is an error for the batch, never a partial or coerced list)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import msgspec
import pytest

from selteq_adapters.db.dialect import dialect_named
from selteq_adapters.db.mapping import task_from_row, tasks_from_json
from selteq_core import InvalidField

POSTGRESQL = dialect_named("postgresql")
ROW = {
    "id": 7,
    "user_id": 3,
    "title": "Write the report",
    "duration": 45,
    "created_at": "2026-05-06T12:08:09.123456",
    "updated_at": "2026-05-06T12:09:00",
}


def test_a_document_gives_the_tasks_a_fetched_row_gives() -> None:
    row = (7, 3, "Write the report", 45, datetime(2026, 5, 6, 12, 8, 9, 123456),
           datetime(2026, 5, 6, 12, 9))  # fmt: skip
    expected = task_from_row(row, POSTGRESQL)
    assert tasks_from_json(json.dumps([ROW]), POSTGRESQL) == [expected]
    assert tasks_from_json(json.dumps([ROW]).encode(), POSTGRESQL) == [expected]
    assert expected.created_at.tzinfo is UTC


@pytest.mark.parametrize("document", [None, "[]", "null"])
def test_no_rows_is_an_empty_list(document: str | None) -> None:
    assert tasks_from_json(document, POSTGRESQL) == []


@pytest.mark.parametrize(
    "change",
    [
        {"id": "7"},  # a number as text is not coerced
        {"duration": 45.0},
        {"created_at": "yesterday"},
        {"title": None},
    ],
    ids=["id-as-text", "float-duration", "bad-time", "null-title"],
)
def test_a_field_of_the_wrong_type_fails_the_whole_document(change: dict[str, object]) -> None:
    with pytest.raises(msgspec.ValidationError):
        tasks_from_json(json.dumps([ROW, {**ROW, **change}]), POSTGRESQL)


def test_a_missing_field_or_broken_json_fails_it_too() -> None:
    incomplete = {k: v for k, v in ROW.items() if k != "title"}
    with pytest.raises(msgspec.ValidationError):
        tasks_from_json(json.dumps([incomplete]), POSTGRESQL)
    with pytest.raises(msgspec.DecodeError):
        tasks_from_json(json.dumps([ROW])[:-1], POSTGRESQL)


def test_values_the_domain_refuses_are_refused_here_as_from_any_row() -> None:
    with pytest.raises(InvalidField):
        tasks_from_json(json.dumps([{**ROW, "title": "   "}]), POSTGRESQL)
    with pytest.raises(InvalidField):
        tasks_from_json(json.dumps([{**ROW, "duration": 0}]), POSTGRESQL)


def test_a_value_that_is_not_text_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="expected JSON text"):
        tasks_from_json(42, POSTGRESQL)
