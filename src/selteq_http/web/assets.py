"""The pages' stylesheet, script and icon under fingerprinted addresses,
``/assets/<digest>/<name>`` (contract/fingerprints.py). The plain ``/static/<name>`` stays
for anyone who linked it, revalidated as before.
"""

from __future__ import annotations

from pathlib import Path

from selteq_http.contract.fingerprints import Fingerprinted

STATIC = Path(__file__).with_name("static")
FILES = Fingerprinted(STATIC, "/assets")
fingerprinted = FILES.route("web-assets")


def asset(name: str) -> str:
    """The fingerprinted address of ``static/<name>``, for the templates."""
    return FILES.address(name)
