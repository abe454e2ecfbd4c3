"""One rule for every new password (sign-up, change, staff reset): hard to guess, not
like the username, not the current one; each refusal names its field and says why."""

from __future__ import annotations

import pytest

from selteq_core import (
    ChangePassword,
    InvalidField,
    PasswordAssessment,
    PasswordRule,
    RegisterUser,
    ResetPassword,
)
from selteq_core.memory import InMemoryDatabase, ManualClock
from tests.fakes import FakeHasher, FakePasswordStrength, FakeSignupThrottle

GOOD = "correct horse battery"


class Rules:
    def __init__(self) -> None:
        db, clock, hasher = InMemoryDatabase(), ManualClock(), FakeHasher()
        self.strength = FakePasswordStrength()
        rule = PasswordRule(self.strength)
        uow = db.unit_of_work
        self.register = RegisterUser(uow, hasher, clock, FakeSignupThrottle(), rule=rule)
        self.change = ChangePassword(uow, hasher, clock, rule=rule)
        self.reset = ResetPassword(uow, hasher, clock, rule=rule)
        self.hasher = hasher


@pytest.fixture
def rules() -> Rules:
    return Rules()


def refusal(call: object, *args: object) -> dict[str, str]:
    with pytest.raises(InvalidField) as error:
        call(*args)  # type: ignore[operator]
    return error.value.fields


@pytest.mark.parametrize("password", ["password", "12345678", "short pw"])
def test_sign_up_refuses_a_weak_password_saying_why(rules: Rules, password: str) -> None:
    fields = refusal(rules.register, "alice", password)
    assert set(fields) == {"password"}
    assert fields["password"].startswith("is too easy to guess")


def test_the_librarys_advice_is_passed_on_in_sentences(rules: Rules) -> None:
    assert refusal(rules.register, "alice", "password")["password"] == (
        "is too easy to guess. This is a very common password. Add a word."
    )
    assert rules.strength.asked[-1] == ("password", ["alice"])


@pytest.mark.parametrize("password", ["alice-smith", "Smith.Alice", "alicesmith1"])
def test_a_password_like_the_username_is_refused(rules: Rules, password: str) -> None:
    fields = refusal(rules.register, "alice.smith", password)
    assert fields == {"password": "is too similar to the username"}


def test_every_bad_field_is_named_at_once(rules: Rules) -> None:
    fields = refusal(rules.register, "no spaces", "password")
    assert set(fields) == {"username", "password"}
    assert set(refusal(rules.register, "alice", "short")) == {"password"}


def test_a_strong_password_unlike_the_username_is_taken(rules: Rules) -> None:
    assert rules.register("alice", GOOD).username.value == "alice"


def test_a_change_to_the_same_or_a_weak_password_is_refused(rules: Rules) -> None:
    alice = rules.register("alice", GOOD).id.value
    assert refusal(rules.change, alice, GOOD, GOOD) == {
        "new_password": "must be different from the current password"
    }
    assert set(refusal(rules.change, alice, GOOD, "password")) == {"new_password"}
    assert refusal(rules.change, alice, GOOD, "alice alice")["new_password"] == (
        "is too similar to the username"
    )
    rules.change(alice, GOOD, "a better secret")


def test_a_wrong_current_password_is_said_before_the_rule(rules: Rules) -> None:
    """The rule's answer would tell a guesser nothing, but the order stays: first who you
    are, then what you asked for."""
    alice = rules.register("alice", GOOD).id.value
    assert set(refusal(rules.change, alice, "not the password", "password")) == {"current_password"}


def test_a_staff_reset_follows_the_same_rule(rules: Rules) -> None:
    root = rules.register("root", GOOD, staff=True).id.value
    alice = rules.register("alice", GOOD).id.value
    assert set(refusal(rules.reset, root, alice, "password")) == {"new_password"}
    assert refusal(rules.reset, root, alice, "Alice1234") == {
        "new_password": "is too similar to the username"
    }
    rules.reset(root, alice, "reset by staff")


def test_without_a_strength_port_the_core_still_checks_the_rest() -> None:
    rule = PasswordRule()
    assert rule.check("password", "password").value == "password"
    with pytest.raises(InvalidField) as error:
        rule.check("new_password", "bob-bob-bob", "bob")
    assert error.value.fields == {"new_password": "is too similar to the username"}
    with pytest.raises(InvalidField) as error:
        rule.check("new_password", "short")
    assert set(error.value.fields) == {"new_password"}


def test_the_minimum_score_is_the_rules_to_set() -> None:
    class Fixed:
        def assess(self, password: str, hints: object) -> PasswordAssessment:
            return PasswordAssessment(2)

    assert PasswordRule(Fixed(), min_score=2).check("password", "whatever!").value == "whatever!"
    with pytest.raises(InvalidField) as error:
        PasswordRule(Fixed()).check("password", "whatever!")
    assert error.value.fields == {"password": "is too easy to guess"}
