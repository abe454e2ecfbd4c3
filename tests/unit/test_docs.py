"""The README and docs/ hold together: links resolve, the README stays short, every setting
is documented, and no text is relative to a session or an issue."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from selteq_adapters.settings import Settings
from selteq_adapters.settings._read import known_variables

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
OPERATIONS = ROOT / "docs" / "operations.md"
PAGES = [README, *sorted((ROOT / "docs").rglob("*.md"))]
# What the forbidden-phrase check reads. To hold src/ and bench/ to it as well, add them:
# [README, ROOT / "docs", ROOT / "src", ROOT / "bench"].
PHRASE_CHECKED = [README, ROOT / "docs"]
# Spelled with \s+ so that a plain grep for these phrases does not find this file.
FORBIDDEN = re.compile(r"this\s+session|previous\s+session|issue\s+#[0-9]", re.IGNORECASE)
# Written by the benchmark (`make bench`), not by hand: a link to it may come before it does.
GENERATED = {ROOT / "docs" / "performance.md"}
# Settings on their way out of the code: they are read today but no longer documented.
BEING_REMOVED: set[str] = set()

LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
FENCE = re.compile(r"^```.*?^```$", re.MULTILINE | re.DOTALL)
HEADING = re.compile(r"^#{1,6}\s+(.*?)\s*$", re.MULTILINE)


def _prose(page: Path) -> str:
    """The page without its code blocks, where brackets and parentheses are code."""
    return FENCE.sub("", page.read_text())


def _slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"[`*_]", "", heading).strip().lower()
    return re.sub(r"\s", "-", re.sub(r"[^\w\s-]", "", text))


def _links() -> list[tuple[Path, str]]:
    found = []
    for page in PAGES:
        for target in LINK.findall(_prose(page)):
            if not re.match(r"^[a-z][a-z0-9+.-]*:", target):  # http:, https:, mailto:
                found.append((page, target))
    return found


@pytest.mark.parametrize(("page", "target"), _links(), ids=lambda value: str(value))
def test_every_relative_link_resolves(page: Path, target: str) -> None:
    path, _, anchor = target.partition("#")
    resolved = (page.parent / path).resolve() if path else page
    if resolved in GENERATED:
        return
    assert resolved.exists(), f"{page.relative_to(ROOT)}: {target} does not exist"
    if anchor and resolved.suffix == ".md":
        anchors = {_slug(h) for h in HEADING.findall(_prose(resolved))}
        assert anchor in anchors, f"{page.relative_to(ROOT)}: no heading #{anchor} in {path}"


def test_the_links_are_found() -> None:
    targets = {target for _, target in _links()}
    assert "docs/operations.md" in targets
    assert "docs/decisions/README.md" in targets


def test_the_readme_is_short() -> None:
    assert len(README.read_text().splitlines()) <= 260


def _checked_files() -> list[Path]:
    files = []
    for place in PHRASE_CHECKED:
        files += [place] if place.is_file() else sorted(p for p in place.rglob("*") if p.is_file())
    return [f for f in files if "__pycache__" not in f.parts]


def test_no_text_is_relative_to_a_session_or_an_issue() -> None:
    offending = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in _checked_files()
        for number, line in enumerate(path.read_text(errors="replace").splitlines(), 1)
        if FORBIDDEN.search(line)
    ]
    assert offending == []


def test_the_phrase_check_can_fail() -> None:
    assert FORBIDDEN.search(" ".join(("measured in the", "previous", "session")))
    assert FORBIDDEN.search(" ".join(("see", "Issue", "#6")))
    assert not FORBIDDEN.search("a PostgreSQL session's prepared statements")


def _documented_settings() -> set[str]:
    text = OPERATIONS.read_text()
    table = text.split("<!-- settings:begin", 1)[1].split("<!-- settings:end -->", 1)[0]
    first_cells = re.findall(r"^\|([^|]*)\|", table, re.MULTILINE)
    return {name for cell in first_cells for name in re.findall(r"`(SELTEQ_[A-Z0-9_]+)`", cell)}


def test_every_setting_the_code_reads_is_documented() -> None:
    """The settings table lists exactly what the code declares, and no stale variable."""
    declared = set(known_variables(Settings)) | {"SELTEQ_PASSWORD"}
    assert "SELTEQ_DATABASE_URL" in declared
    documented = _documented_settings()
    assert sorted(declared - BEING_REMOVED - documented) == []
    assert sorted(documented - declared) == []


DECISIONS = ROOT / "docs" / "decisions"


def _indexed_records() -> set[str]:
    return set(re.findall(r"\]\((\d{4}-[a-z0-9-]+\.md)\)", (DECISIONS / "README.md").read_text()))


def test_the_decision_index_lists_every_record() -> None:
    records = {path.name for path in DECISIONS.glob("[0-9][0-9][0-9][0-9]-*.md")}
    assert records - _indexed_records() == set(), "records missing from the index"
    assert _indexed_records() - records == set(), "the index names records that do not exist"


def test_decision_numbers_are_unique() -> None:
    numbers = [path.name[:4] for path in DECISIONS.glob("[0-9][0-9][0-9][0-9]-*.md")]
    assert sorted(numbers) == sorted(set(numbers))


def test_the_decision_index_is_in_number_order() -> None:
    listed = re.findall(r"^\| \[(\d{4})\]", (DECISIONS / "README.md").read_text(), re.MULTILINE)
    assert listed == sorted(listed)
