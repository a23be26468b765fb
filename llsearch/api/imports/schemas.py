"""Bodies of `POST /api/lessons-learned/import`: the lessons sent, the outcome of each."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from llsearch.model.lesson import ImportedLessonSchema

OUTCOMES = ("created", "updated", "unchanged", "rejected")

_LESSON_EXAMPLE = {
    "id": "LL-2026-03-01-007",
    "timestamp_created": "2026-03-01T10:15:00Z",
    "category": "OPERATIONAL",
    "severity": "HIGH",
    "component": "prometheus",
    "title": "Prometheus ran out of disk and dropped two hours of metrics",
    "situation": "O volume do Prometheus encheu e a ingestão parou às 02:10 UTC.",
    "author": "Ana Souza",
    "tags": ["prometheus", "monitoring"],
}
NDJSON_EXAMPLE = (
    '{"category": "TECHNICAL", "severity": "LOW", "component": "health_check", '
    '"title": "Health check timeout too short", "situation": "O health check falhou durante o deploy."}\n'
    '{"id": "LL-2026-03-01-007", "timestamp_created": "2026-03-01T10:15:00Z", "category": "OPERATIONAL", '
    '"severity": "HIGH", "component": "prometheus", "title": "Prometheus ran out of disk", '
    '"situation": "O volume do Prometheus encheu."}\n'
)

REQUEST_BODY = {
    "required": True,
    "description": (
        "The lessons to import, as exported (`llsearch export`): ids, timestamps and approval are kept "
        "as given. A lesson without `id` is the stored lesson with the same `title` and "
        "`timestamp_created` (so sending it again changes nothing), or else gets the next id of its "
        "`timestamp_created` day; without `timestamp_created` it gets the import time (and is matched "
        "on title, component and situation). Send a JSON array (`application/json`) or one lesson "
        "per line (`application/x-ndjson`). Bodies may be larger than other requests (16 MiB unless "
        "configured with `max_import_bytes`)."
    ),
    "content": {
        "application/json": {"schema": {"type": "array", "items": ImportedLessonSchema}, "example": [_LESSON_EXAMPLE]},
        "application/x-ndjson": {
            "schema": {"type": "string", "description": "One lesson (a JSON object) per line; blank lines are skipped."},
            "example": NDJSON_EXAMPLE,
        },
    },
}


class ImportCountsSchema(Schema):
    """How many records had each outcome."""

    created = fields.Integer(required=True, metadata={"description": "New lessons stored", "example": 1})
    updated = fields.Integer(required=True, metadata={"description": "Stored lessons replaced by a different version",
                                                      "example": 0})
    unchanged = fields.Integer(required=True, metadata={"description": "Stored lessons already identical; untouched "
                                                                       "(version kept)", "example": 0})
    rejected = fields.Integer(required=True, metadata={"description": "Records not imported; see their results",
                                                       "example": 1})


class ImportResultSchema(Schema):
    """The outcome of one record of the body."""

    index = fields.Integer(required=True, metadata={
        "description": "Position of the record in the body (0-based: array index, or the n-th NDJSON lesson)",
        "example": 0})
    line = fields.Integer(metadata={"description": "Line of the record in an NDJSON body", "example": 1})
    id = fields.String(allow_none=True, metadata={
        "description": "The lesson's id (as given, or assigned by this import); null when none is known",
        "example": "LL-2026-03-01-007"})
    outcome = fields.String(required=True, validate=validate.OneOf(OUTCOMES), metadata={
        "description": "What happened to the record", "example": "created"})
    errors = fields.Raw(metadata={
        "description": "Why the record was rejected: the validation messages by field, or a sentence "
                       "(duplicate id, not an object, refused by the engine). Only on rejected records.",
        "oneOf": [{"type": "object", "additionalProperties": True}, {"type": "string"}],
        "example": {"severity": ["Must be one of: CRITICAL, HIGH, MEDIUM, LOW."]}})


class ImportAnswerSchema(Schema):
    """Counts by outcome, and each record's outcome in body order."""

    counts = fields.Nested(ImportCountsSchema, required=True)
    results = fields.List(fields.Nested(ImportResultSchema), required=True)


ANSWER_EXAMPLE = {
    "counts": {"created": 1, "updated": 0, "unchanged": 0, "rejected": 1},
    "results": [
        {"index": 0, "id": "LL-2026-03-01-007", "outcome": "created"},
        {"index": 1, "id": None, "outcome": "rejected",
         "errors": {"severity": ["Must be one of: CRITICAL, HIGH, MEDIUM, LOW."]}},
    ],
}
