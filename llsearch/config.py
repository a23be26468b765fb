"""Settings: defaults < settings file < LLSEARCH_* environment < explicit dict."""

from __future__ import annotations

import dataclasses
import os
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Mapping

ENV_PREFIX = "LLSEARCH_"


class SettingsError(ValueError):
    """A setting has a value that cannot be used; the message names it."""


@dataclass(frozen=True)
class Settings:
    """Every knob of the service, read once at start-up."""

    data_dir: Path = Path("var")
    opensearch_url: str | None = None
    redis_url: str | None = None
    index_prefix: str = ""
    engine_port: int = 9200
    engine_heap: str = "512m"
    engine_start_timeout: float = 120.0
    index_shards: int = 1
    index_replicas: int = 0
    host: str = "127.0.0.1"
    port: int = 8080
    workers: int = 3
    request_timeout: float = 30.0
    anonymous_read: bool = False
    allow_self_approval: bool = False
    archive_after_months: int = 24
    snapshot_repository: str = "llsearch-backups"
    snapshot_location: str | None = None
    snapshot_retention_days: int = 730
    snapshot_min_keep: int = 7
    plugins_autoload: bool = True
    plugins_allow: str | None = None
    plugins_trace: bool = False
    encryption_keys: str | None = None
    cors_origins: str = ""
    rate_limits_enabled: bool = True
    rate_limit_read: str = "600/minute"
    rate_limit_write: str = "120/minute"
    sensitive_fields: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def embedded(self) -> bool:
        """True when no external engine is configured and the embedded node is used."""
        return not self.opensearch_url

    @property
    def engine_url(self) -> str:
        """The URL of the engine the service talks to."""
        return self.opensearch_url or f"http://127.0.0.1:{self.engine_port}"


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}
_FIELDS = {f.name: f for f in fields(Settings) if f.name != "extra"}


def _coerce(name: str, value: Any) -> Any:
    """Turn a string (environment, file) into the type the field declares."""
    kind = _FIELDS[name].type
    if value is None or not isinstance(value, str):
        return Path(value) if kind == "Path" and value is not None else value
    text = value.strip()
    if kind == "bool":
        if text.lower() in _TRUE | _FALSE:
            return text.lower() in _TRUE
        raise SettingsError(f"{ENV_PREFIX}{name.upper()} must be true or false, got {value!r}")
    try:
        if kind == "int":
            return int(text)
        if kind == "float":
            return float(text)
    except ValueError:
        raise SettingsError(f"{ENV_PREFIX}{name.upper()} must be a number, got {value!r}") from None
    if kind == "Path":
        return Path(text)
    if kind == "str | None":
        return text or None
    return text


def _from_environment(environ: Mapping[str, str]) -> dict[str, Any]:
    values = {}
    for name in _FIELDS:
        key = ENV_PREFIX + name.upper()
        if key in environ:
            values[name] = environ[key]
    return values


def _from_file(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise SettingsError(f"cannot read settings file {path}: {exc}") from None
    return data.get("llsearch", data)


def load_settings(
    overrides: Mapping[str, Any] | None = None, environ: Mapping[str, str] | None = None
) -> Settings:
    """Build Settings from all sources; unknown keys of overrides go to `extra`."""
    environ = os.environ if environ is None else environ
    merged: dict[str, Any] = {}
    settings_file = (overrides or {}).get("settings_file") or environ.get(ENV_PREFIX + "SETTINGS_FILE")
    if settings_file:
        merged.update(_from_file(Path(settings_file)))
    merged.update(_from_environment(environ))
    merged.update({k: v for k, v in (overrides or {}).items() if k != "settings_file"})
    known = {k: _coerce(k, v) for k, v in merged.items() if k in _FIELDS}
    extra = {k: v for k, v in merged.items() if k not in _FIELDS}
    settings = Settings(**known, extra=extra)
    _validate(settings)
    return settings


def _validate(settings: Settings) -> None:
    if settings.index_prefix and not settings.index_prefix.replace("-", "").replace("_", "").isalnum():
        raise SettingsError("LLSEARCH_INDEX_PREFIX may hold only letters, digits, '-' and '_'")
    if settings.index_prefix != settings.index_prefix.lower():
        raise SettingsError("LLSEARCH_INDEX_PREFIX must be lower case (engine index names are)")
    if not 0 < settings.engine_port < 65536 or not 0 < settings.port < 65536:
        raise SettingsError("ports must lie between 1 and 65535")
    if settings.workers < 1:
        raise SettingsError("LLSEARCH_WORKERS must be at least 1")
    for name in ("archive_after_months", "snapshot_retention_days", "snapshot_min_keep"):
        if getattr(settings, name) < 1:
            raise SettingsError(f"{ENV_PREFIX}{name.upper()} must be at least 1")
    repository = settings.snapshot_repository
    if not repository or repository != repository.lower() or not repository.replace("-", "").replace("_", "").isalnum():
        raise SettingsError("LLSEARCH_SNAPSHOT_REPOSITORY may hold only lower-case letters, digits, '-' and '_'")


def replace(settings: Settings, **changes: Any) -> Settings:
    """A copy of settings with some fields changed."""
    return dataclasses.replace(settings, **changes)
