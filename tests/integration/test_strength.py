"""zxcvbn behind the core's PasswordStrength port: scores, plain advice, the user's own
name counted as guessable, and a long password scored on its start."""

from __future__ import annotations

import time

from selteq_adapters.strength import ZxcvbnPasswordStrength

STRENGTH = ZxcvbnPasswordStrength()


def test_common_passwords_score_low_with_advice() -> None:
    for password in ("password", "12345678", "qwertyuiop"):
        found = STRENGTH.assess(password, [])
        assert found.score <= 1, password
        assert found.warning or found.suggestions


def test_a_passphrase_scores_high() -> None:
    assert STRENGTH.assess("correct horse battery", ["alice"]).score >= 3


def test_the_username_given_as_a_hint_weakens_a_password_holding_it() -> None:
    plain = STRENGTH.assess("zorblaxian1", [])
    hinted = STRENGTH.assess("zorblaxian1", ["zorblaxian"])
    assert hinted.score < plain.score


def test_a_password_past_zxcvbns_limit_is_scored_on_its_start_and_quickly() -> None:
    started = time.perf_counter()
    found = STRENGTH.assess("x7#kq" * 200, [])
    assert time.perf_counter() - started < 5
    assert 0 <= found.score <= 4
