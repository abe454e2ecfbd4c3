"""``bench.whatif`` variant names: options joined by ``-`` become the server's environment,
and a typo stops the tool before it seeds anything."""

from __future__ import annotations

import pytest
from bench.whatif import variant_env


def test_options_combine_into_the_server_environment() -> None:
    env = variant_env("selteq-batch16-threads-thawed")
    assert env["SELTEQ_BENCH_VARIANT"] == "selteq-batch16-threads-thawed"
    assert (env["SELTEQ_LIST_BATCH"], env["SELTEQ_INLINE_READS"]) == ("16", "0")
    assert "SELTEQ_LIST_BATCH" not in variant_env("selteq-thawed")
    assert "SELTEQ_INLINE_READS" not in variant_env("inline-nolog")


@pytest.mark.parametrize("name", ["selteq-batchX", "selteq-frozen", "selteq-batch4-", "inline-x"])
def test_an_unknown_variant_or_option_stops_the_tool(name: str) -> None:
    with pytest.raises(SystemExit, match="unknown"):
        variant_env(name)
