"""The import rules of ARCHITECTURE.md, checked on every test run."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src"
IO_MODULES = {"sqlite3", "socket", "ssl", "asyncio", "subprocess", "http", "urllib", "shutil"}


def imported_modules(package: Path) -> set[str]:
    names: set[str] = set()
    for path in package.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
    return names


def test_the_core_imports_only_the_standard_library_and_attrs() -> None:
    imported = imported_modules(SRC / "selteq_core")
    outside = {n for n in imported if n not in sys.stdlib_module_names and n != "attrs"}
    assert outside == set()
    assert imported & IO_MODULES == set()


def test_import_linter_contracts_hold() -> None:
    lint_imports = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    assert lint_imports is not None, "import-linter is not installed in this environment"
    result = subprocess.run(
        [lint_imports, "--no-cache"],
        cwd=SRC.parent,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout
