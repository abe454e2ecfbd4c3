"""Password strength by zxcvbn (the Python port of Dropbox's estimator): it scores a
password by how many guesses the likeliest attack needs (common passwords, words,
keyboard walks, dates, repeats, l33t, the user's own name) and explains a weak one in
plain sentences. docs/decisions/0410-password-strength-by-zxcvbn.md says why."""

from __future__ import annotations

from collections.abc import Sequence

from selteq_core import PasswordAssessment, PasswordStrength

CHECKED_LENGTH = 72
"""zxcvbn's own limit (its time grows with length): only a longer password's first 72
characters are scored. Sign-ups are throttled per address, so the estimate's cost (well
under a password hash's on ordinary passwords) is bounded too."""


class ZxcvbnPasswordStrength(PasswordStrength):
    def assess(self, password: str, hints: Sequence[str]) -> PasswordAssessment:
        # Imported on the first new password, in the use-case's database thread: zxcvbn
        # builds its ranked word lists when imported, a sixth of a server process's memory,
        # and most processes (every API worker under client load) never score a password.
        from zxcvbn import zxcvbn

        found = zxcvbn(password[:CHECKED_LENGTH], user_inputs=[h for h in hints if h])
        feedback = found["feedback"]
        return PasswordAssessment(
            score=int(found["score"]),
            warning=str(feedback["warning"]),
            suggestions=tuple(str(s) for s in feedback["suggestions"]),
        )
