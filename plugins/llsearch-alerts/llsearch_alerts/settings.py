"""The plugin's settings: `alerts_<name>` in the llsearch settings (TOML file or create_app dict,
kept in `settings.extra`), else the environment variable `LLSEARCH_ALERTS_<NAME>`, else a default."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

TRUE = {"1", "true", "yes", "on"}


def raw_setting(settings: Any, name: str) -> Any:
    key = f"alerts_{name}"
    extra = getattr(settings, "extra", None) or {}
    if extra.get(key) is not None:
        return extra[key]
    value = os.environ.get(f"LLSEARCH_{key.upper()}")
    return value if value not in (None, "") else None


def _text(settings: Any, name: str, default: str | None = None) -> str | None:
    value = raw_setting(settings, name)
    return default if value is None else str(value)


def _number(settings: Any, name: str, default: float, kind=float):
    value = raw_setting(settings, name)
    if value is None:
        return default
    try:
        return kind(value)
    except (TypeError, ValueError):
        raise ValueError(f"alerts_{name} (LLSEARCH_ALERTS_{name.upper()}) must be a number, got {value!r}") from None


def _flag(settings: Any, name: str, default: bool) -> bool:
    value = raw_setting(settings, name)
    if value is None:
        return default
    return value if isinstance(value, bool) else str(value).strip().lower() in TRUE


def _list(settings: Any, name: str) -> tuple[str, ...]:
    value = raw_setting(settings, name)
    if value is None:
        return ()
    items = value if isinstance(value, (list, tuple)) else str(value).split(",")
    return tuple(str(item).strip() for item in items if str(item).strip())


@dataclass(frozen=True)
class AlertSettings:
    """Everything the plugin can be told; a sink whose address is missing is simply not configured."""

    webhook_url: str | None = None
    webhook_secret: str | None = None
    webhook_timeout: float = 5.0
    slack_webhook_url: str | None = None
    smtp_host: str | None = None
    smtp_port: int = 25
    smtp_from: str = "llsearch@localhost"
    smtp_to: tuple[str, ...] = ()
    smtp_username: str | None = None
    smtp_password: str | None = None
    smtp_starttls: bool = False
    smtp_ssl: bool = False
    smtp_timeout: float = 10.0
    overdue_threshold: int = 2
    critical_lessons: bool = True
    dedup_seconds: int = 86400
    retries: int = 5
    retry_seconds: tuple[int, ...] = (10, 30, 60, 300, 900)

    @classmethod
    def load(cls, settings: Any) -> "AlertSettings":
        retry_seconds = tuple(int(item) for item in _list(settings, "retry_seconds")) or cls.retry_seconds
        return cls(
            webhook_url=_text(settings, "webhook_url"),
            webhook_secret=_text(settings, "webhook_secret"),
            webhook_timeout=_number(settings, "webhook_timeout", cls.webhook_timeout),
            slack_webhook_url=_text(settings, "slack_webhook_url"),
            smtp_host=_text(settings, "smtp_host"),
            smtp_port=_number(settings, "smtp_port", cls.smtp_port, int),
            smtp_from=_text(settings, "smtp_from", cls.smtp_from),
            smtp_to=_list(settings, "smtp_to"),
            smtp_username=_text(settings, "smtp_username"),
            smtp_password=_text(settings, "smtp_password"),
            smtp_starttls=_flag(settings, "smtp_starttls", cls.smtp_starttls),
            smtp_ssl=_flag(settings, "smtp_ssl", cls.smtp_ssl),
            smtp_timeout=_number(settings, "smtp_timeout", cls.smtp_timeout),
            overdue_threshold=_number(settings, "overdue_threshold", cls.overdue_threshold, int),
            critical_lessons=_flag(settings, "critical_lessons", cls.critical_lessons),
            dedup_seconds=_number(settings, "dedup_seconds", cls.dedup_seconds, int),
            retries=_number(settings, "retries", cls.retries, int),
            retry_seconds=retry_seconds,
        )
