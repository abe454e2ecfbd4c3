"""Reading the deploy files the way Docker Compose and Docker read them, without an engine.

Only the parts the tests need: Compose's ``${...}`` interpolation and ``env_file`` lines,
the Dockerfile's instructions grouped by stage, and the deploy section of docs/operations.md.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs
import yaml

from selteq_adapters.db.url import DatabaseUrl

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
COMPOSE_FILE = DEPLOY / "docker-compose.yml"
ENV_EXAMPLE = DEPLOY / ".env.example"
DOCKERFILE = DEPLOY / "Dockerfile"
OPERATIONS = ROOT / "docs" / "operations.md"
INIT_SQL = DEPLOY / "mssql-init.sql"
SCHEMA = Path(__file__).with_name("compose-spec.json")

_VARIABLE = re.compile(
    r"\$(?:(?P<escaped>\$)"
    r"|\{(?P<braced>[A-Za-z_][A-Za-z0-9_]*)(?:(?P<op>:?[-?+])(?P<arg>[^}]*))?\}"
    r"|(?P<named>[A-Za-z_][A-Za-z0-9_]*))"
)
_ENV_LINE = re.compile(r"^(?P<key>[A-Za-z_][A-Za-z0-9_]*)=(?P<value>[^\s'\"#]*)$")


class InterpolationError(ValueError):
    """A ``${VAR:?message}`` whose variable is unset or empty, as Compose refuses it."""


def load_compose() -> dict[str, Any]:
    """The compose file as YAML data: anchors and ``<<`` merge keys resolved, not yet
    interpolated (Compose validates and interpolates this same structure)."""
    data = yaml.safe_load(COMPOSE_FILE.read_text())
    assert isinstance(data, dict)
    return data


def read_env_file(path: Path) -> dict[str, str]:
    """``KEY=value`` lines, comments and blank lines skipped. The example keeps to plain
    lines (no quotes, no trailing comments) so every parser reads it the same way."""
    values: dict[str, str] = {}
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        match = _ENV_LINE.match(line)
        if match is None:
            raise ValueError(f"{path.name}:{number}: not a plain KEY=value line: {line!r}")
        values[match["key"]] = match["value"]
    return values


def interpolate(value: Any, env: Mapping[str, str]) -> Any:
    """Compose's interpolation applied to every string in ``value``."""
    if isinstance(value, str):
        return _VARIABLE.sub(lambda match: _substitute(match, env), value)
    if isinstance(value, dict):
        return {key: interpolate(item, env) for key, item in value.items()}
    if isinstance(value, list):
        return [interpolate(item, env) for item in value]
    return value


def _substitute(match: re.Match[str], env: Mapping[str, str]) -> str:
    if match["escaped"]:
        return "$"
    name = match["braced"] or match["named"]
    op, arg = match["op"] or "", match["arg"] or ""
    current = env.get(name)
    missing = current is None or (op.startswith(":") and current == "")
    if op.endswith("?") and missing:
        raise InterpolationError(f"{name}: {arg}")
    if op.endswith("-") and missing:
        return arg
    if op.endswith("+"):
        return "" if missing else arg
    return current or ""


@attrs.frozen
class Instruction:
    keyword: str
    arguments: str


@attrs.frozen
class Stage:
    base: str
    name: str | None
    instructions: list[Instruction]

    def arguments(self, keyword: str) -> list[str]:
        return [i.arguments for i in self.instructions if i.keyword == keyword]

    def environment(self) -> dict[str, str]:
        """The stage's ``ENV key=value`` pairs (the form this Dockerfile uses)."""
        pairs = (
            item.partition("=") for args in self.arguments("ENV") for item in shlex.split(args)
        )
        return {key: value for key, _, value in pairs}


def dockerfile_stages(text: str) -> list[Stage]:
    """The build stages in order, each ``FROM`` resolved against the global ``ARG``
    defaults. Continuation lines are joined and comments and the parser directive dropped,
    as Docker's parser does with the default ``\\`` escape."""
    logical: list[str] = []
    pending = ""
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        logical.append(pending + line)
        pending = ""
    global_args: dict[str, str] = {}
    stages: list[Stage] = []
    for line in logical:
        keyword, _, rest = line.partition(" ")
        instruction = Instruction(keyword.upper(), " ".join(rest.split()))
        if instruction.keyword == "FROM":
            image, *name = re.split(r"\s+as\s+", instruction.arguments, maxsplit=1, flags=re.I)
            base = re.sub(r"\$\{(\w+)\}", lambda m: global_args[m[1]], image)
            stages.append(Stage(base, name[0] if name else None, []))
        elif not stages and instruction.keyword == "ARG":
            key, _, default = instruction.arguments.partition("=")
            global_args[key] = default
        if stages:
            stages[-1].instructions.append(instruction)
    return stages


def odbc_pairs(url: DatabaseUrl) -> dict[str, str]:
    """The ODBC connection string's keywords and values (none of these values is braced)."""
    assert url.odbc_connect is not None
    return dict(item.split("=", 1) for item in url.odbc_connect.split(";"))


def documented_deploy_section() -> str:
    text = OPERATIONS.read_text()
    begin, end = "<!-- deploy:begin -->", "<!-- deploy:end -->"
    assert text.count(begin) == 1, begin
    assert text.count(end) == 1, end
    return text.split(begin, 1)[1].split(end, 1)[0]


def documented_services() -> set[str]:
    """The services the documented deploy section names: the first column of its table."""
    return set(re.findall(r"^\|\s*`([A-Za-z0-9._-]+)`\s*\|", documented_deploy_section(), re.M))
