"""The pages' stylesheet, script and icon under fingerprinted addresses.

``/assets/<digest>/<name>`` names a file by the digest of its content, so a browser may keep
it for a year without asking again (``immutable``): a changed file has a new digest and the
pages name the new address. The plain ``/static/<name>`` stays for anyone who linked it,
revalidated as before. The digests are read once, when the app is built.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from litestar import get
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import File

STATIC = Path(__file__).with_name("static")
FOREVER = "public, max-age=31536000, immutable"
_TYPES = {
    ".css": "text/css",  # Litestar adds "; charset=utf-8" to text types
    ".js": "text/javascript",
    ".svg": "image/svg+xml",
}


def _digests() -> dict[str, str]:
    return {
        path.name: hashlib.sha256(path.read_bytes()).hexdigest()[:16]
        for path in sorted(STATIC.iterdir())
        if path.is_file()
    }


DIGESTS = _digests()


def asset(name: str) -> str:
    """The fingerprinted address of ``static/<name>``, for the templates."""
    return f"/assets/{DIGESTS[name]}/{name}"


@get("/assets/{digest:str}/{name:str}", include_in_schema=False, sync_to_thread=False)
def fingerprinted(digest: FromPath[str], name: FromPath[str]) -> File:
    if DIGESTS.get(name) != digest:
        raise NotFoundException()
    path = STATIC / name
    return File(
        path,
        content_disposition_type="inline",
        media_type=_TYPES.get(path.suffix),
        headers={"Cache-Control": FOREVER},
    )
