"""Password hashing and token signing: the container's entry point to both adapters."""

from __future__ import annotations

from .hashing import Argon2PasswordHasher
from .tokens import PyJwtTokenCodec

__all__ = ["Argon2PasswordHasher", "PyJwtTokenCodec"]
