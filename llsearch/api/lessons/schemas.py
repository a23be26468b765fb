"""Request and response bodies of the lesson endpoints, on top of the domain schemas."""

from __future__ import annotations

from marshmallow import Schema, fields

from llsearch.model.lesson import ImportedLessonSchema, LessonPatchSchema, LessonSchema
from llsearch.model.lesson_parts import ActionItemPatchSchema

__all__ = ["LessonSchema", "LessonPatchSchema", "LessonOutSchema", "ActionItemPatchSchema", "ApprovalSchema"]


class LessonOutSchema(ImportedLessonSchema):
    """A stored lesson as the API returns it, every field included."""

    version = fields.Integer(metadata={"description": "Revision number; the ETag is its quoted value",
                                       "example": 3})
    redacted_fields = fields.List(fields.String(), metadata={
        "description": "Sensitive fields withheld from this caller's role (readers); absent when none",
        "example": ["metrics.business_impact_usd"]})


class ApprovalSchema(Schema):
    """Nothing is needed: the approver is the caller's key name."""

    class Meta:
        unknown = "raise"
