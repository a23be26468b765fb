"""Arguments and answer of `GET /api/lessons-learned`."""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from llsearch.api.lessons.schemas import LessonOutSchema
from llsearch.api.search.args import LessonFilterArgsSchema
from llsearch.api.search.cursor import CursorField
from llsearch.engine.lesson_search import SORTS, SearchRequest

MAX_SEARCH_LENGTH = 500


class LessonQueryArgsSchema(LessonFilterArgsSchema):
    """Filters plus free text, sort and cursor pagination."""

    search = fields.String(
        validate=validate.Length(min=1, max=MAX_SEARCH_LENGTH),
        metadata={"description": 'Free text over title, situation, impact, root cause, solution, prevention, '
                                 'action items and tags. Accent-insensitive, stemmed (pt, en), typo-tolerant; '
                                 '"quoted phrases" must appear as written, -word excludes.',
                  "example": 'rollback "health check" -staging'},
    )
    sort = fields.String(
        validate=validate.OneOf(list(SORTS)),
        metadata={"description": "Order of results: relevance (default with `search`), -timestamp_created "
                                 "(default without), timestamp_created, -updated_at, updated_at, severity "
                                 "(most severe first)", "example": "severity"},
    )
    page_size = fields.Integer(
        load_default=20, validate=validate.Range(min=1, max=100),
        metadata={"description": "Lessons per page (1..100)", "example": 20},
    )
    cursor = CursorField(
        metadata={"description": "`next_cursor` of the previous page; other arguments must stay the same",
                  "example": "eyJzIjoiLXRpbWVzdGFtcF9jcmVhdGVkIiwiYSI6WzE3NjQ1NzYwMDAwMDAsIkxMLTIwMjYtMTItMDEtMDAxIl19"},
    )

    @validates_schema
    def _cursor_matches_sort(self, data, **kwargs):
        if "cursor" not in data:
            return
        wanted = SearchRequest(selection=None, text=data.get("search"), sort=data.get("sort")).sort_key
        if data["cursor"][0] != wanted:
            raise ValidationError("This cursor belongs to a search with another sort or text.", "cursor")


class SearchAnswerSchema(Schema):
    total = fields.Integer(metadata={"description": "Lessons matching, exactly", "example": 42})
    items = fields.List(fields.Dict(), metadata={
        "description": "Lessons of this page (the lesson document; with `search`, a `highlight` object of "
                       "field → fragments with <mark>…</mark>, HTML-escaped)"})
    next_cursor = fields.String(allow_none=True, metadata={"description": "Cursor of the next page, null on the last"})
    facets = fields.Dict(metadata={
        "description": "Counts over all matching lessons: category and severity (every key), top components and tags",
        "example": {"category": {"TECHNICAL": 30, "PROCESS": 5, "SECURITY": 4, "OPERATIONAL": 3},
                    "severity": {"CRITICAL": 2, "HIGH": 10, "MEDIUM": 20, "LOW": 10},
                    "component": [{"key": "health_check", "count": 15}],
                    "tags": [{"key": "prometheus", "count": 9}]}})
