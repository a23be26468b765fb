"""A real Prometheus scrapes a live llsearch and alerts on overdue action items.

The shipped ops/prometheus/prometheus.yml and alerts.yml are used as they are, with three changes
for a test: the scrape target is the live test server, intervals are 1 s, and the overdue rule
fires without waiting (`for: 0s`).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import threading
import time
from pathlib import Path

import pytest
import requests
from werkzeug.serving import make_server

from llsearch.engine.embedded import free_port

pytestmark = pytest.mark.slow

OPS = Path(__file__).resolve().parents[2] / "ops" / "prometheus"
TODAY = "2026-12-01"  # the dataset fixture's pinned clock
PROMETHEUS = shutil.which("prometheus") or "/usr/bin/prometheus"


def prometheus_config(target: str) -> str:
    text = (OPS / "prometheus.yml").read_text()
    assert "127.0.0.1:8080" in text
    text = text.replace("127.0.0.1:8080", target)
    return re.sub(r"(scrape_interval|evaluation_interval|scrape_timeout): \w+", r"\1: 1s", text)


def immediate_rules() -> str:
    """alerts.yml with the overdue rule's `for:` set to 0s."""
    text = (OPS / "alerts.yml").read_text()
    start = text.index("- alert: LessonsLearnedOverdueActionItems")
    head, rule = text[:start], text[start:]
    changed, count = re.subn(r"for: \w+", "for: 0s", rule, count=1)
    assert count == 1
    return head + changed


@pytest.fixture(scope="module")
def live_service(dataset):
    """The dataset app served over HTTP on a free port, in a thread of this process."""
    server = make_server("127.0.0.1", free_port(), dataset[0], threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def prometheus(live_service, tmp_path_factory):
    if not Path(PROMETHEUS).exists():
        pytest.fail("prometheus is not installed; `make install` installs Debian's package")
    workdir = tmp_path_factory.mktemp("prometheus")
    (workdir / "prometheus.yml").write_text(prometheus_config(live_service))
    (workdir / "alerts.yml").write_text(immediate_rules())
    port = free_port()
    with open(workdir / "prometheus.log", "w") as log:
        process = subprocess.Popen(
            [PROMETHEUS, f"--config.file={workdir / 'prometheus.yml'}", f"--storage.tsdb.path={workdir / 'data'}",
             f"--web.listen-address=127.0.0.1:{port}", "--log.level=warn"],
            stdout=subprocess.DEVNULL, stderr=log,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            wait_for(lambda: requests.get(f"{url}/-/ready", timeout=2).status_code == 200, "prometheus ready")
            yield url
        finally:
            process.terminate()
            process.wait(timeout=30)


def wait_for(check, what: str, timeout: float = 60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            found = check()
            if found:
                return found
        except requests.ConnectionError:
            pass
        time.sleep(0.25)
    pytest.fail(f"timed out waiting for {what}")


def query(prometheus: str, promql: str) -> list[dict]:
    answer = requests.get(f"{prometheus}/api/v1/query", params={"query": promql}, timeout=5).json()
    assert answer["status"] == "success", answer
    return answer["data"]["result"]


def scalar(prometheus: str, promql: str) -> float:
    """The value of a query, waiting until Prometheus has scraped something for it."""
    result = wait_for(lambda: query(prometheus, promql), f"a value for {promql}")
    assert len(result) == 1, result
    return float(result[0]["value"][1])


def overdue_in_engine(runtime, component: str | None = None) -> int:
    item = {"bool": {"filter": [{"range": {"action_items.due_date": {"lt": TODAY}}}],
                     "must_not": [{"term": {"action_items.status": "COMPLETED"}}]}}
    lessons = {"term": {"component": component}} if component else {"match_all": {}}
    answer = runtime.engine.search(index=runtime.names.lessons, body={
        "size": 0, "query": lessons,
        "aggs": {"items": {"nested": {"path": "action_items"}, "aggs": {"overdue": {"filter": item}}}},
    })
    return answer["aggregations"]["items"]["overdue"]["doc_count"]


def test_prometheus_reads_back_the_engine_counts(dataset, prometheus):
    runtime = dataset[0].extensions["llsearch"]
    assert scalar(prometheus, 'up{job="llsearch"}') == 1
    assert scalar(prometheus, "sum(lessons_learned_total)") == runtime.engine.count(
        index=runtime.names.lessons)["count"] == len(dataset[1])
    security_critical = runtime.engine.count(index=runtime.names.lessons, body={"query": {"bool": {"filter": [
        {"term": {"category": "SECURITY"}}, {"term": {"severity": "CRITICAL"}}]}}})["count"]
    assert scalar(prometheus, 'lessons_learned_total{category="SECURITY",severity="CRITICAL"}') == security_critical
    assert scalar(prometheus, "sum(lessons_learned_action_items_overdue)") == overdue_in_engine(runtime)
    assert scalar(prometheus, 'lessons_learned_action_items_overdue{component="health_check"}') == \
        overdue_in_engine(runtime, "health_check")


def test_the_overdue_alert_fires(dataset, prometheus):
    assert overdue_in_engine(dataset[0].extensions["llsearch"]) > 2

    def firing():
        alerts = requests.get(f"{prometheus}/api/v1/alerts", timeout=5).json()["data"]["alerts"]
        return [alert for alert in alerts
                if alert["labels"]["alertname"] == "LessonsLearnedOverdueActionItems" and alert["state"] == "firing"]

    (alert,) = wait_for(firing, "LessonsLearnedOverdueActionItems to fire")
    assert alert["labels"]["severity"] == "warning" and alert["labels"]["job"] == "llsearch"
    assert float(alert["value"]) == overdue_in_engine(dataset[0].extensions["llsearch"])
    series = query(prometheus, 'ALERTS{alertname="LessonsLearnedOverdueActionItems",alertstate="firing"}')
    assert len(series) == 1


def test_promtool_checks_and_unit_tests_the_shipped_rules():
    promtool = shutil.which("promtool") or "/usr/bin/promtool"
    for command in (["check", "config", str(OPS / "prometheus.yml")],
                    ["check", "rules", str(OPS / "alerts.yml")],
                    ["test", "rules", str(OPS / "alerts_test.yml")]):
        checked = subprocess.run([promtool, *command], capture_output=True, text=True, timeout=120)
        assert checked.returncode == 0, checked.stdout + checked.stderr
