"""`selteq-worker` (`make worker`): Dramatiq's own CLI on ``selteq_jobs.worker``, with the
project's log set-up in its parent process as well.

``dramatiq selteq_jobs.worker`` works too, but Dramatiq's parent process (which starts,
watches and stops the worker processes) never imports the project: it writes its own few
lines ("booting up", "Sending signal ...") in Dramatiq's text format, whatever
SELTEQ_LOG_FORMAT says. Here the parent sets up the one format first and passes
``--skip-logging``, so no process of the worker writes any other. Every other argument
goes to Dramatiq unchanged (``selteq-worker --processes 2 --threads 4``).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from selteq_adapters.container import Settings, configure_logging, load_settings

PROG = "selteq-worker"
MODULE = "selteq_jobs.worker"


def require_redis(settings: Settings) -> None:
    """Stop (status 2) without SELTEQ_REDIS_URL: an in-process broker would leave the
    worker waiting on a queue nobody can reach."""
    if settings.redis_url is None:
        print(  # noqa: T201 - before logging exists, like load_settings' own errors
            f"{PROG}: SELTEQ_REDIS_URL is not set: the worker takes its messages from Redis"
            " (without it, `make run` runs the minute job inside the API process)",
            file=sys.stderr,
        )
        raise SystemExit(2)


def main(argv: Sequence[str] | None = None) -> int:
    from dramatiq.cli import main as dramatiq_main
    from dramatiq.cli import make_argument_parser

    settings = load_settings(PROG)
    require_redis(settings)
    configure_logging(settings)
    given = list(sys.argv[1:] if argv is None else argv)
    parser = make_argument_parser()  # type: ignore[no-untyped-call]
    args = parser.parse_args([MODULE, "--skip-logging", *given])
    return int(dramatiq_main(args) or 0)  # type: ignore[no-untyped-call]
