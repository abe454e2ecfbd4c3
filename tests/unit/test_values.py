"""Value objects validate on creation and name the field they reject."""

from __future__ import annotations

from datetime import UTC, datetime

import attrs
import pytest

from selteq_core import (
    Duration,
    InvalidField,
    Password,
    Task,
    TaskId,
    Title,
    UserId,
    Username,
)


def test_title_is_trimmed() -> None:
    assert Title("  Write the report \n").value == "Write the report"


@pytest.mark.parametrize("bad", ["", "   ", "x" * 201, 5, None, b"bytes", "nul\x00"])
def test_title_rejects(bad: object) -> None:
    with pytest.raises(InvalidField) as error:
        Title(bad)  # type: ignore[arg-type]
    assert set(error.value.fields) == {"title"}


def test_title_accepts_200_characters_after_trimming() -> None:
    assert len(Title(" " + "é" * 200 + " ").value) == 200


@pytest.mark.parametrize("good", [1, 60, 2_147_483_647])
def test_duration_accepts_whole_minutes(good: int) -> None:
    assert Duration(good).minutes == good


@pytest.mark.parametrize("bad", [0, -1, 2_147_483_648, 1.0, 1.5, True, False, "60", None])
def test_duration_rejects(bad: object) -> None:
    with pytest.raises(InvalidField) as error:
        Duration(bad)  # type: ignore[arg-type]
    assert set(error.value.fields) == {"duration"}


@pytest.mark.parametrize("bad", [0, -3, True])
def test_ids_are_positive_integers(bad: object) -> None:
    with pytest.raises(InvalidField):
        TaskId(bad)  # type: ignore[arg-type]
    with pytest.raises(InvalidField):
        UserId(bad)  # type: ignore[arg-type]


@pytest.mark.parametrize("bad", ["", "a b", "x" * 151, "semi;colon", 7])
def test_username_rejects(bad: object) -> None:
    with pytest.raises(InvalidField) as error:
        Username(bad)  # type: ignore[arg-type]
    assert "username" in error.value.fields


def test_password_length_is_counted_in_utf8_bytes() -> None:
    assert Password("é" * 4).value == "éééé"  # 8 bytes, 4 characters
    with pytest.raises(InvalidField) as short:
        Password("ééé")  # 6 bytes
    assert "password" in short.value.fields
    Password("a" * 1024)
    with pytest.raises(InvalidField):
        Password("a" * 1025)


def test_password_never_shows_in_repr() -> None:
    assert "hunter22" not in repr(Password("hunter22-secret"))


def test_rename_keeps_duration_and_returns_a_new_task() -> None:
    at = datetime(2026, 1, 1, tzinfo=UTC)
    task = Task(TaskId(1), UserId(1), Title("old"), Duration(30), at, at)
    later = datetime(2026, 1, 2, tzinfo=UTC)
    renamed = task.rename(Title("new"), later)
    assert (renamed.title.value, renamed.duration, renamed.updated_at) == (
        "new",
        Duration(30),
        later,
    )
    assert task.title.value == "old"
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        task.title = Title("x")  # type: ignore[misc]
