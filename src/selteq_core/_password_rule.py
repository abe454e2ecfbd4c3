"""One rule for every new password, whoever sets it (sign-up, a change, a staff reset).

Length is the ``Password`` value's own rule; beyond it a password must be hard to guess
(scored by a strength library behind the ``PasswordStrength`` port), not like the
username, and, when changed, not the current one. Reasons are said in people's words and
name the field they belong to.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher
from typing import TYPE_CHECKING

import attrs

from ._errors import InvalidField
from ._values import Password

if TYPE_CHECKING:
    from ._ports import PasswordStrength

MIN_SCORE = 3
"""The least strength score (zxcvbn's scale: 0 to 4) a new password needs: 3 is "safely
unguessable", out of reach of an online attack and costly offline."""
MAX_SIMILARITY = 0.7
"""As Django's UserAttributeSimilarityValidator: a password this like the username, or a
part of it, is refused."""


@attrs.frozen(slots=True)
class PasswordAssessment:
    """What a strength estimate says: a score from 0 (guessed at once) to 4 (very hard),
    and, for a weak one, a warning and suggestions in plain sentences (may be empty)."""

    score: int
    warning: str = ""
    suggestions: tuple[str, ...] = ()


def _letters(text: str) -> str:
    return re.sub(r"[\W\d_]+", "", text)


def _similar(password: str, username: str) -> bool:
    """As Django's check (the whole name or a part of it, a ratio of 0.7 or more), and
    also a password whose letters are only the name's parts, repeated or reordered
    ("Smith.Alice1" for alice.smith)."""
    lowered = password.lower()
    parts = [p for p in {username.lower(), *re.split(r"[\W_]+", username.lower())} if p]
    for part in parts:
        matcher = SequenceMatcher(a=lowered, b=part)
        if matcher.quick_ratio() >= MAX_SIMILARITY and matcher.ratio() >= MAX_SIMILARITY:
            return True
    letters = _letters(lowered)
    words = sorted({_letters(p) for p in parts} - {""}, key=len, reverse=True)
    return (
        bool(letters and words)
        and re.fullmatch("(?:" + "|".join(map(re.escape, words)) + ")+", letters) is not None
    )


@attrs.frozen
class PasswordRule:
    """Checks a new password; without a ``strength`` port only length, likeness to the
    username and reuse are checked (a library user who brings none)."""

    strength: PasswordStrength | None = None
    min_score: int = MIN_SCORE

    def check(
        self, field: str, password: object, username: str = "", current: str | None = None
    ) -> Password:
        """The Password, or InvalidField naming ``field`` with the first reason it fails."""
        try:
            secret = Password(password)  # type: ignore[arg-type]
        except InvalidField as error:
            raise InvalidField(field, error.fields["password"]) from None
        value = secret.value
        if current is not None and value == current:
            raise InvalidField(field, "must be different from the current password")
        if username and _similar(value, username):
            raise InvalidField(field, "is too similar to the username")
        if self.strength is not None:
            found = self.strength.assess(value, [username] if username else [])
            if found.score < self.min_score:
                raise InvalidField(field, _weak(found))
        return secret


def _weak(found: PasswordAssessment) -> str:
    """ "is too easy to guess", then the library's own plain advice."""
    said = [found.warning, *found.suggestions]
    advice = " ".join(s.strip() if s.strip().endswith(".") else f"{s.strip()}." for s in said if s)
    return "is too easy to guess" + (f". {advice}" if advice else "")


BASIC_RULE = PasswordRule()
"""The rule without a strength estimate: what a use-case checks unless given another."""
