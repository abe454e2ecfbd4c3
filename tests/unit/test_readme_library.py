"""The README's "Use as a library" examples run as written and print what they promise."""

from __future__ import annotations

import contextlib
import io
import re
from datetime import timedelta
from pathlib import Path
from typing import Any

README = Path(__file__).resolve().parents[2] / "README.md"


def library_examples() -> list[str]:
    section = README.read_text().split("## Use as a library", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```python\n(.*?)```", section, flags=re.DOTALL)


def run(code: str) -> tuple[list[str], dict[str, Any]]:
    namespace: dict[str, Any] = {}
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, str(README), "exec"), namespace)  # noqa: S102 - our own README
    return out.getvalue().splitlines(), namespace


def test_the_tasks_example_prints_what_its_comments_promise() -> None:
    tasks_example, _ = library_examples()
    printed, _ = run(tasks_example)
    assert printed == ["['task 5', 'task 4', 'task 3', 'task 2']", "renamed 30", "task not found"]


def test_the_adapter_example_satisfies_the_clock_port() -> None:
    _, adapter_example = library_examples()
    _, namespace = run(adapter_example)
    now = namespace["SystemClock"]().now()
    assert now.utcoffset() == timedelta(0)
