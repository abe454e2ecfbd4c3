"""Files under addresses that carry their content's digest: ``<path>/<digest>/<name>``.

A browser may keep such a file for a year without asking again (``immutable``): a changed
file has a new digest, and the pages name the new address. The digests are read once, when
the folder is first named (at import), so a request reads no file to find its address.
Used by the web pages' files and by the API reference's.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from litestar import get
from litestar.exceptions import NotFoundException
from litestar.handlers import HTTPRouteHandler
from litestar.params import FromPath
from litestar.response import File

FOREVER = "public, max-age=31536000, immutable"
TYPES = {
    ".css": "text/css",  # Litestar adds "; charset=utf-8" to text types
    ".js": "text/javascript",
    ".svg": "image/svg+xml",
}
"""What may be served this way; other files in the folder are not."""


class Fingerprinted:
    """The files of ``folder`` (of the types above) served under ``path``."""

    def __init__(self, folder: Path, path: str) -> None:
        self.folder = folder
        self.path = path
        self.digests = {
            file.name: hashlib.sha256(file.read_bytes()).hexdigest()[:16]
            for file in sorted(folder.iterdir())
            if file.is_file() and file.suffix in TYPES
        }

    def address(self, name: str) -> str:
        """The fingerprinted address of ``<folder>/<name>``, for the pages."""
        return f"{self.path}/{self.digests[name]}/{name}"

    def route(self, route_name: str) -> HTTPRouteHandler:
        """The route that serves them; any other digest or name is a 404."""
        digests, folder = self.digests, self.folder

        @get(
            f"{self.path}/{{digest:str}}/{{name:str}}",
            name=route_name,
            include_in_schema=False,
            sync_to_thread=False,
        )
        def fingerprinted(digest: FromPath[str], name: FromPath[str]) -> File:
            if digests.get(name) != digest:
                raise NotFoundException()
            path = folder / name
            return File(
                path,
                content_disposition_type="inline",
                media_type=TYPES[path.suffix],
                headers={"Cache-Control": FOREVER},
            )

        return fingerprinted
