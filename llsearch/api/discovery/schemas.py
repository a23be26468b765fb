"""Arguments and answers of the similar-lessons and suggest endpoints."""

from __future__ import annotations

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

from llsearch.api.search.args import LessonFilterArgsSchema
from llsearch.engine.similar import DRAFT_FIELDS, MAX_SIMILAR
from llsearch.engine.suggest import MAX_PREFIX, MAX_SUGGESTIONS
from llsearch.model.enums import CATEGORIES, SEVERITIES
from llsearch.model.lesson import TITLE_MAX
from llsearch.model.lesson_parts import PROSE_MAX


class SimilarArgsSchema(LessonFilterArgsSchema):
    limit = fields.Integer(
        load_default=5, validate=validate.Range(min=1, max=MAX_SIMILAR),
        metadata={"description": f"How many similar lessons (1..{MAX_SIMILAR}, default 5)", "example": 5},
    )


class DraftLessonSchema(Schema):
    """The text of a lesson being written; any of the fields, at least one not blank."""

    class Meta:
        unknown = RAISE

    title = fields.String(validate=validate.Length(max=TITLE_MAX),
                          metadata={"example": "Rollback do trading_engine após erro de migração"})
    situation = fields.String(validate=validate.Length(max=PROSE_MAX),
                              metadata={"example": "O deploy elevou a taxa de erros 5xx e foi feito rollback."})
    root_cause = fields.String(validate=validate.Length(max=PROSE_MAX),
                               metadata={"example": "A migração de esquema era incompatível com o código antigo."})
    solution = fields.String(validate=validate.Length(max=PROSE_MAX),
                             metadata={"example": "Rollback imediato e migração revertida."})

    @validates_schema
    def _has_text(self, data: dict, **kwargs) -> None:
        if not any(isinstance(data.get(name), str) and data[name].strip() for name in DRAFT_FIELDS):
            raise ValidationError(f"Give at least one non-empty field of: {', '.join(DRAFT_FIELDS)}.", "_schema")


DRAFT_EXAMPLE = {"title": "Rollback do trading_engine após erro de migração",
                 "situation": "O deploy elevou a taxa de erros 5xx e foi feito rollback após 12 minutos."}


class SimilarLessonSchema(Schema):
    id = fields.String(required=True, metadata={"example": "LL-2026-01-14-002"})
    title = fields.String(required=True, metadata={"example": "Rollback do trading_engine 2.4.1 após aumento de erros"})
    category = fields.String(required=True, validate=validate.OneOf(CATEGORIES), metadata={"example": "TECHNICAL"})
    severity = fields.String(required=True, validate=validate.OneOf(SEVERITIES), metadata={"example": "HIGH"})
    component = fields.String(required=True, metadata={"example": "trading_engine"})
    score = fields.Float(required=True, metadata={"description": "Relevance; only comparable within one answer",
                                                  "example": 42.1})


class SimilarLessonsSchema(Schema):
    items = fields.List(fields.Nested(SimilarLessonSchema), required=True,
                        metadata={"description": "Most similar first"})


SIMILAR_EXAMPLE = {"items": [{"id": "LL-2026-01-14-002", "title": "Rollback do trading_engine 2.4.1 após aumento de erros",
                              "category": "TECHNICAL", "severity": "HIGH", "component": "trading_engine",
                              "score": 42.1}]}


class SuggestArgsSchema(LessonFilterArgsSchema):
    q = fields.String(
        required=True, validate=validate.Length(min=1, max=MAX_PREFIX),
        metadata={"description": f"What the user typed so far (1..{MAX_PREFIX} characters); accents and case "
                                 "do not matter", "example": "reversao de"},
    )
    limit = fields.Integer(
        load_default=5, validate=validate.Range(min=1, max=MAX_SUGGESTIONS),
        metadata={"description": f"Suggestions per list (1..{MAX_SUGGESTIONS}, default 5)", "example": 5},
    )

    @validates_schema
    def _not_blank(self, data: dict, **kwargs) -> None:
        if "q" in data and not data["q"].strip():
            raise ValidationError("Type at least one character other than a space.", "q")


class TitleSuggestionSchema(Schema):
    id = fields.String(required=True, metadata={"description": "The best-matching lesson with this title",
                                                "example": "LL-2026-01-14-002"})
    title = fields.String(required=True, metadata={"example": "Reversão de deploy no order_router por falha de migração"})


class ValueSuggestionSchema(Schema):
    key = fields.String(required=True, metadata={"example": "health_check"})
    count = fields.Integer(required=True, metadata={"description": "Selected lessons with this value", "example": 15})


class SuggestionsSchema(Schema):
    titles = fields.List(fields.Nested(TitleSuggestionSchema), required=True,
                         metadata={"description": "Distinct titles whose words start with the typed ones, best first"})
    components = fields.List(fields.Nested(ValueSuggestionSchema), required=True,
                             metadata={"description": "Components starting with the text, then those with a later "
                                                      "word (after _ - .) starting with it; most lessons first"})
    tags = fields.List(fields.Nested(ValueSuggestionSchema), required=True,
                       metadata={"description": "Tags, in the same way as components"})


SUGGEST_EXAMPLE = {
    "titles": [{"id": "LL-2026-01-14-002", "title": "Reversão de deploy no order_router por falha de migração"}],
    "components": [{"key": "health_check", "count": 15}],
    "tags": [{"key": "health-check", "count": 21}],
}
