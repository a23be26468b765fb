"""An operator points llsearch's alerts at a webhook, a Slack channel and a mailbox, and they arrive."""

from __future__ import annotations

import pytest

import llsearch_alerts
from llsearch.config import load_settings
from llsearch.plugins import collect, get_plugin_manager
from llsearch_alerts.alerts import critical_lesson_alert, overdue_alert
from llsearch_alerts.settings import AlertSettings
from llsearch_alerts.sinks import (
    SIGNATURE_HEADER, EmailSink, SinkError, SlackSink, WebhookSink, alert_body, configured_sinks, verify,
)
from llsearch_alerts.testing import SmtpReceiver, WebhookReceiver
from llsearch.model.dates import parse_datetime

NOW = parse_datetime("2026-12-01T12:00:00Z")
ALERT = overdue_alert(5, 2, [{"component": "dns", "overdue": 3}, {"component": "kafka", "overdue": 2}],
                      "2026-12-01", NOW)


def test_the_webhook_receives_the_alert_signed_with_the_shared_secret():
    with WebhookReceiver() as hook:
        WebhookSink(hook.url, "s3cret").send(ALERT)
    (received,) = hook.requests
    assert received.json() == ALERT
    assert received.body == alert_body(ALERT)
    assert received.headers["Content-Type"] == "application/json"
    assert received.headers["X-Llsearch-Delivery"] == "overdue_action_items"
    assert verify(received.body, "s3cret", received.headers[SIGNATURE_HEADER])
    assert not verify(received.body, "other", received.headers[SIGNATURE_HEADER])
    assert not verify(received.body + b" ", "s3cret", received.headers[SIGNATURE_HEADER])


def test_a_webhook_without_a_secret_is_sent_unsigned():
    with WebhookReceiver() as hook:
        WebhookSink(hook.url).send(ALERT)
    assert SIGNATURE_HEADER not in hook.requests[0].headers


def test_failures_raise_sink_errors_naming_the_sink():
    with WebhookReceiver(statuses=[503]) as hook:
        with pytest.raises(SinkError, match="webhook: .* answered 503"):
            WebhookSink(hook.url, "s").send(ALERT)
        url = hook.url
    with pytest.raises(SinkError, match="slack: .* unreachable"):
        SlackSink(url, timeout=2).send(ALERT)
    with pytest.raises(SinkError, match="email: 127.0.0.1:9"):
        EmailSink("127.0.0.1", ("ops@example.com",), port=9, timeout=2).send(ALERT)


def test_slack_gets_text_and_blocks():
    alert = critical_lesson_alert({"id": "LL-2026-12-01-001", "title": "Exchange feed down", "severity": "CRITICAL",
                                   "component": "market_data"}, "psa-key", NOW)
    with WebhookReceiver() as hook:
        SlackSink(hook.url).send(alert)
    message = hook.requests[0].json()
    assert message["text"] == "[CRITICAL] CRITICAL lesson LL-2026-12-01-001 recorded: Exchange feed down"
    assert [block["type"] for block in message["blocks"]] == ["section", "section", "context"]
    assert "*component*: market_data" in message["blocks"][1]["text"]["text"]


def test_email_goes_through_a_real_smtp_server():
    with SmtpReceiver() as smtp:
        EmailSink("127.0.0.1", ("ops@example.com", "psa@example.com"), sender="alerts@example.com",
                  port=smtp.port).send(ALERT)
        (message,) = smtp.wait_for(1)
    assert smtp.envelopes == [("alerts@example.com", ["ops@example.com", "psa@example.com"])]
    assert message["Subject"] == "[llsearch] [WARNING] 5 lesson-learned action items are overdue (threshold 2)"
    assert message["X-Llsearch-Alert"] == "LessonsLearnedOverdueActionItems"
    body = message.get_content()
    assert "overdue_count" in body and "dns (3), kafka (2)" in body


def test_sinks_come_from_settings_or_the_environment(monkeypatch):
    settings = load_settings({"alerts_webhook_url": "http://127.0.0.1:1/h", "alerts_webhook_secret": "k",
                              "alerts_smtp_host": "127.0.0.1", "alerts_smtp_to": "a@x, b@x",
                              "alerts_overdue_threshold": "7"}, environ={})
    config = AlertSettings.load(settings)
    assert config.overdue_threshold == 7 and config.smtp_to == ("a@x", "b@x")
    assert [sink.name for sink in configured_sinks(config)] == ["webhook", "email"]
    monkeypatch.setenv("LLSEARCH_ALERTS_SLACK_WEBHOOK_URL", "http://127.0.0.1:1/slack")
    monkeypatch.setenv("LLSEARCH_ALERTS_WEBHOOK_SECRET", "from-env")
    from_env = AlertSettings.load(settings)
    assert from_env.webhook_secret == "k"  # the settings file or dict wins over the environment
    assert [sink.name for sink in configured_sinks(from_env)] == ["webhook", "slack", "email"]
    with pytest.raises(ValueError, match="alerts_smtp_port"):
        AlertSettings.load(load_settings({"alerts_smtp_port": "twenty-five"}, environ={}))


def test_nothing_configured_means_no_sinks_and_the_hook_says_so():
    pm = get_plugin_manager(load_settings({"plugins_allow": "alerts"}, environ={}))
    assert pm.get_plugin("alerts") is llsearch_alerts
    assert collect(pm, "register_alert_sinks", settings=load_settings({}, environ={})) == []
    configured = load_settings({"alerts_slack_webhook_url": "http://127.0.0.1:1/s"}, environ={})
    assert [sink.name for sink in collect(pm, "register_alert_sinks", settings=configured)] == ["slack"]
    names = {job.name for job in collect(pm, "register_periodic_jobs")}
    assert "alerts-overdue-check" in names
