"""The closed vocabularies of a lesson: category, severity and the status and type fields."""

from __future__ import annotations

from enum import StrEnum


class Category(StrEnum):
    """What kind of lesson it is."""

    TECHNICAL = "TECHNICAL"
    PROCESS = "PROCESS"
    SECURITY = "SECURITY"
    OPERATIONAL = "OPERATIONAL"


class Severity(StrEnum):
    """How bad the underlying event was, worst first."""

    CRITICAL = "CRITICAL"
    HIGH = "HIGH"
    MEDIUM = "MEDIUM"
    LOW = "LOW"


class ActionStatus(StrEnum):
    """Where an action item stands."""

    OPEN = "OPEN"
    IN_PROGRESS = "IN_PROGRESS"
    COMPLETED = "COMPLETED"


class ReferenceType(StrEnum):
    """What a reference link points at."""

    JIRA = "JIRA"
    GITHUB = "GITHUB"
    DOCUMENT = "DOCUMENT"
    POST_MORTEM = "POST_MORTEM"


class FollowUpStatus(StrEnum):
    """Whether the follow-up review happened."""

    PENDING = "PENDING"
    COMPLETED = "COMPLETED"


CATEGORIES: list[str] = [member.value for member in Category]
SEVERITIES: list[str] = [member.value for member in Severity]
ACTION_STATUSES: list[str] = [member.value for member in ActionStatus]
REFERENCE_TYPES: list[str] = [member.value for member in ReferenceType]
FOLLOW_UP_STATUSES: list[str] = [member.value for member in FollowUpStatus]
