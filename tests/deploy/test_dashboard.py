"""deploy/grafana-dashboard.json: valid JSON whose queries name only metrics the processes
export (the names the code declares), and every declared Selteq metric has a panel."""

from __future__ import annotations

import json
import re

from . import _files as files

DASHBOARD = files.DEPLOY / "grafana-dashboard.json"
SOURCES = ("selteq_http/layers/metrics.py", "selteq_adapters/metrics.py", "selteq_jobs/metrics.py")
SUFFIXES = ("_total", "_bucket", "_count", "_sum")


def declared() -> set[str]:
    names: set[str] = set()
    for source in SOURCES:
        text = (files.ROOT / "src" / source).read_text()
        names |= set(re.findall(r'(?:Counter|Gauge|Histogram)\(\s*"(selteq_\w+)"', text))
    return names


def queried() -> set[str]:
    dashboard = json.loads(DASHBOARD.read_text())
    exprs = [t["expr"] for panel in dashboard["panels"] for t in panel["targets"]]
    names = set(re.findall(r"\b(selteq_\w+)", " ".join(exprs)))
    return {next((n.removesuffix(s) for s in SUFFIXES if n.endswith(s)), n) for n in names}


def test_the_dashboard_shows_every_selteq_metric_and_no_other() -> None:
    assert len(declared()) >= 15
    assert queried() == declared()


def test_panels_have_unique_ids_and_a_prometheus_source() -> None:
    panels = json.loads(DASHBOARD.read_text())["panels"]
    assert len({panel["id"] for panel in panels}) == len(panels)
    for panel in panels:
        assert panel["datasource"]["type"] == "prometheus", panel["title"]
