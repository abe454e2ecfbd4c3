"""The JWT secret: the development one kept under ``var/``, and what production refuses.

Making the development secret is an explicit step (``selteq secret``, run by ``make run``);
reading settings only reads the kept file, so loading settings never writes to the disk.
"""

from __future__ import annotations

import contextlib
import math
import os
import re
import secrets
import tempfile
from collections import Counter
from pathlib import Path

MIN_SECRET_BYTES = 32
MIN_SECRET_BITS = 128
HOW_TO_MAKE = 'python -c "import secrets; print(secrets.token_urlsafe(48))"'
# Words that mark a value copied from an example rather than generated.
PLACEHOLDERS = ("changeme", "replaceme", "placeholder", "yoursecret", "secretkey", "example")


def secret_path(var_dir: str | Path) -> Path:
    return Path(var_dir) / "jwt-secret"


def read_kept_secret(var_dir: str | Path) -> str | None:
    """The kept development secret, or None when there is none worth using."""
    try:
        secret = secret_path(var_dir).read_text().strip()
    except (FileNotFoundError, NotADirectoryError):
        return None
    return secret if len(secret.encode()) >= MIN_SECRET_BYTES else None


def make_secret(var_dir: str | Path) -> tuple[Path, bool]:
    """Keep a random secret in ``var_dir/jwt-secret`` unless a usable one is there already;
    the path and whether it was made now. Idempotent, and safe against a racing process:
    the secret is written to a private temporary file and linked into place, so a reader
    sees either no file or the whole secret."""
    folder, path = Path(var_dir), secret_path(var_dir)
    if read_kept_secret(folder) is not None:
        return path, False
    folder.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=folder, prefix=".jwt-secret.")
    try:
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(48))
        if path.exists() and read_kept_secret(folder) is None:
            path.unlink(missing_ok=True)  # an empty or truncated file from a crash
        with contextlib.suppress(FileExistsError):
            os.link(temporary, path)
    finally:
        os.unlink(temporary)
    if read_kept_secret(folder) is None:
        raise OSError(f"could not keep a JWT secret in {path}")
    return path, True


def estimated_bits(secret: str) -> float:
    """Length times the Shannon entropy of the secret's own character frequencies: a
    simple upper estimate that is low for anything built from few, repeated symbols."""
    counts, total = Counter(secret), len(secret)
    per_char = -sum(n / total * math.log2(n / total) for n in counts.values())
    return per_char * total


def _is_repetition(secret: str) -> bool:
    """True for a value that is a shorter unit repeated (``aaaa``, ``change-mechange-me``)."""
    return any(
        (secret[:k] * (len(secret) // k + 1))[: len(secret)] == secret
        for k in range(1, len(secret) // 2 + 1)
    )


def weak_secret(secret: str) -> str | None:
    """Why production must refuse ``secret``, or None when it is fit to sign tokens.

    Refused: fewer than 32 bytes; a repetition of a shorter unit; a known placeholder
    word; an estimated entropy (:func:`estimated_bits`) under 128 bits."""
    if not secret:
        reason = "is not set"
    elif len(secret.encode()) < MIN_SECRET_BYTES:
        reason = f"must be at least {MIN_SECRET_BYTES} bytes"
    elif _is_repetition(secret):
        reason = "is a repeated pattern"
    elif any(word in re.sub(r"[^a-z]", "", secret.lower()) for word in PLACEHOLDERS):
        reason = "is a placeholder"
    elif estimated_bits(secret) < MIN_SECRET_BITS:
        reason = f"has too little entropy (under {MIN_SECRET_BITS} bits)"
    else:
        return None
    return f"SELTEQ_JWT_SECRET {reason} (make one with: {HOW_TO_MAKE})"
