"""Alert sinks: plain classes with a `name` and `send(alert)`, which raises SinkError on failure.

One attempt per `send`: retries and isolation are the dispatcher's (`delivery`), so a sink stays
a few lines of protocol.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import smtplib
import urllib.error
import urllib.request
from dataclasses import dataclass
from email.message import EmailMessage
from email.policy import SMTP
from typing import Any

from llsearch_alerts import __version__

log = logging.getLogger(__name__)

USER_AGENT = f"llsearch-alerts/{__version__}"
SIGNATURE_HEADER = "X-Llsearch-Signature-256"


class SinkError(RuntimeError):
    """A delivery failed; the message says where and why."""


def alert_body(alert: dict) -> bytes:
    """The JSON bytes a webhook receives, and signs: keys sorted, no insignificant spaces."""
    return json.dumps(alert, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def sign(body: bytes, secret: str) -> str:
    """`sha256=<hex HMAC-SHA256 of the body>`, the value of X-Llsearch-Signature-256."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def verify(body: bytes, secret: str, header: str | None) -> bool:
    """What a receiver does: recompute the signature and compare in constant time."""
    return bool(header) and hmac.compare_digest(sign(body, secret), header)


def post_json(url: str, body: bytes, headers: dict[str, str], timeout: float, sink: str) -> int:
    request = urllib.request.Request(url, data=body, method="POST", headers={
        "Content-Type": "application/json", "User-Agent": USER_AGENT, **headers})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            return answer.status
    except urllib.error.HTTPError as exc:
        raise SinkError(f"{sink}: {url} answered {exc.code}") from None
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise SinkError(f"{sink}: {url} unreachable: {reason}") from None


def describe(alert: dict) -> str:
    return f"[{str(alert.get('severity', 'info')).upper()}] {alert.get('summary') or alert.get('name')}"


@dataclass(frozen=True)
class WebhookSink:
    """POSTs the alert as JSON; with a secret, signs the exact body (HMAC-SHA256) in a header."""

    url: str
    secret: str | None = None
    timeout: float = 5.0
    name: str = "webhook"

    def send(self, alert: dict) -> None:
        body = alert_body(alert)
        headers = {"X-Llsearch-Event": "alert", "X-Llsearch-Delivery": str(alert.get("dedup_key", ""))}
        if self.secret:
            headers[SIGNATURE_HEADER] = sign(body, self.secret)
        post_json(self.url, body, headers, self.timeout, self.name)


def slack_message(alert: dict) -> dict:
    """A Slack incoming-webhook message: `text` (notifications, fallback) plus blocks."""
    text = describe(alert)
    facts = [f"*{key}*: {value}" for key, value in (alert.get("details") or {}).items()
             if isinstance(value, (str, int, float))]
    blocks: list[dict[str, Any]] = [{"type": "section", "text": {"type": "mrkdwn", "text": text}}]
    if facts:
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": "\n".join(facts)[:2900]}})
    blocks.append({"type": "context", "elements": [
        {"type": "mrkdwn", "text": f"{alert.get('name')} · fired {alert.get('fired_at')} · llsearch"}]})
    return {"text": text, "blocks": blocks}


@dataclass(frozen=True)
class SlackSink:
    """A Slack-compatible incoming webhook (Slack, Mattermost, Rocket.Chat accept `{"text": …}`)."""

    url: str
    timeout: float = 5.0
    name: str = "slack"

    def send(self, alert: dict) -> None:
        body = json.dumps(slack_message(alert), ensure_ascii=False).encode()
        post_json(self.url, body, {}, self.timeout, self.name)


# Long subjects (a lesson's title) stay on one line: RFC 5322 allows 998 characters, and some
# readers keep the leading space of a subject folded right after "Subject:".
MAIL_POLICY = SMTP.clone(max_line_length=998)


def email_message(alert: dict, sender: str, recipients: tuple[str, ...]) -> EmailMessage:
    message = EmailMessage(policy=MAIL_POLICY)
    message["Subject"] = f"[llsearch] {describe(alert)}"
    message["From"] = sender
    message["To"] = ", ".join(recipients)
    message["X-Llsearch-Alert"] = str(alert.get("name"))
    message.set_content(
        f"{alert.get('summary')}\n\nalert: {alert.get('name')}\nseverity: {alert.get('severity')}\n"
        f"fired at: {alert.get('fired_at')}\n\ndetails:\n{json.dumps(alert.get('details'), indent=2, ensure_ascii=False)}\n"
    )
    return message


@dataclass(frozen=True)
class EmailSink:
    """E-mail over SMTP (smtplib): plain, STARTTLS or implicit TLS, with optional login."""

    host: str
    recipients: tuple[str, ...]
    sender: str = "llsearch@localhost"
    port: int = 25
    username: str | None = None
    password: str | None = None
    starttls: bool = False
    ssl: bool = False
    timeout: float = 10.0
    name: str = "email"

    def send(self, alert: dict) -> None:
        message = email_message(alert, self.sender, self.recipients)
        connect = smtplib.SMTP_SSL if self.ssl else smtplib.SMTP
        try:
            with connect(self.host, self.port, timeout=self.timeout) as smtp:
                if self.starttls and not self.ssl:
                    smtp.starttls()
                if self.username:
                    smtp.login(self.username, self.password or "")
                refused = smtp.send_message(message)
        except (smtplib.SMTPException, OSError) as exc:
            raise SinkError(f"{self.name}: {self.host}:{self.port}: {exc}") from None
        if refused:
            log.warning("%s: recipients refused: %s", self.name, ", ".join(refused))


_warned_unsigned: set[str] = set()


def configured_sinks(config) -> list:
    """The sinks an AlertSettings configures (an address missing means that sink is off)."""
    sinks: list = []
    if config.webhook_url:
        if not config.webhook_secret and config.webhook_url not in _warned_unsigned:
            _warned_unsigned.add(config.webhook_url)
            log.warning("alerts webhook %s has no secret: deliveries are not signed", config.webhook_url)
        sinks.append(WebhookSink(config.webhook_url, config.webhook_secret, config.webhook_timeout))
    if config.slack_webhook_url:
        sinks.append(SlackSink(config.slack_webhook_url, config.webhook_timeout))
    if config.smtp_host and config.smtp_to:
        sinks.append(EmailSink(config.smtp_host, config.smtp_to, config.smtp_from, config.smtp_port,
                               config.smtp_username, config.smtp_password, config.smtp_starttls,
                               config.smtp_ssl, config.smtp_timeout))
    elif config.smtp_host:
        log.warning("alerts_smtp_host is set but alerts_smtp_to is empty: no e-mail sink")
    return sinks
