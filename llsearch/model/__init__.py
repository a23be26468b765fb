"""The domain of llsearch: the lesson document, its ids, durations and Markdown form; no I/O."""

from .dates import format_datetime, normalize_datetime, parse_date, parse_datetime
from .durations import format_duration, parse_duration_seconds
from .enums import (
    ACTION_STATUSES,
    CATEGORIES,
    FOLLOW_UP_STATUSES,
    REFERENCE_TYPES,
    SEVERITIES,
    ActionStatus,
    Category,
    FollowUpStatus,
    ReferenceType,
    Severity,
)
from .ids import (
    LESSON_ID_PATTERN,
    assign_action_item_ids,
    format_lesson_id,
    is_lesson_id,
    parse_lesson_id,
)
from .lesson import (
    ActionItemPatchSchema,
    ActionItemSchema,
    FollowUpSchema,
    ImportedLessonSchema,
    LessonPatchSchema,
    LessonSchema,
    MetricsSchema,
    ReferenceSchema,
    apply_action_item_status,
)
from .markdown import MarkdownError, parse_markdown, render_markdown
from .stored import from_stored, is_complete_for_approval, to_stored

__all__ = [
    "ACTION_STATUSES", "CATEGORIES", "FOLLOW_UP_STATUSES", "REFERENCE_TYPES", "SEVERITIES",
    "ActionStatus", "Category", "FollowUpStatus", "ReferenceType", "Severity",
    "LESSON_ID_PATTERN", "assign_action_item_ids", "format_lesson_id", "is_lesson_id", "parse_lesson_id",
    "format_duration", "parse_duration_seconds",
    "format_datetime", "normalize_datetime", "parse_date", "parse_datetime",
    "ActionItemSchema", "ActionItemPatchSchema", "ReferenceSchema", "MetricsSchema", "FollowUpSchema",
    "LessonSchema", "LessonPatchSchema", "ImportedLessonSchema", "apply_action_item_status",
    "MarkdownError", "parse_markdown", "render_markdown",
    "from_stored", "is_complete_for_approval", "to_stored",
]
