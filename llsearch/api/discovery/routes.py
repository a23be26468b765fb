"""Similar lessons (`GET /{id}/similar`, `POST /similar`) and suggestions (`GET /suggest`).

These static paths sit beside the lessons blueprint's `/<lesson_id>`; the URL map prefers
static segments, so `/suggest` and `/similar` reach these views and `/LL-…` still reaches a lesson.
"""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import RAISE

from llsearch.api.auth import requires
from llsearch.api.discovery.schemas import (
    DRAFT_EXAMPLE,
    SIMILAR_EXAMPLE,
    SUGGEST_EXAMPLE,
    DraftLessonSchema,
    SimilarArgsSchema,
    SimilarLessonsSchema,
    SuggestArgsSchema,
    SuggestionsSchema,
)
from llsearch.api.stats.routes import lesson_filter
from llsearch.engine import similar, suggest
from llsearch.runtime import current_runtime
from llsearch.security.roles import Action

blp = Blueprint(
    "discovery", __name__, url_prefix="/api/lessons-learned",
    description="Likely duplicates of a lesson or draft, and search-as-you-type suggestions",
)


@blp.route("/<lesson_id:lesson_id>/similar")
class SimilarToLesson(MethodView):
    @requires(blp, Action.READ)
    @blp.arguments(SimilarArgsSchema, location="query", as_kwargs=True, unknown=RAISE)
    @blp.response(200, SimilarLessonsSchema, example=SIMILAR_EXAMPLE)
    @blp.alt_response(404, description="No lesson has that id")
    def get(self, lesson_id: str, limit: int, **args):
        """Lessons most like this one (title, situation, root cause, solution), itself left out."""
        runtime = current_runtime()
        stored = runtime.lessons.get(lesson_id)
        return similar.similar(runtime.engine, runtime.names, stored.lesson, lesson_filter(args), limit,
                               exclude_id=lesson_id)


@blp.route("/similar")
class SimilarToDraft(MethodView):
    @requires(blp, Action.READ)
    @blp.arguments(SimilarArgsSchema, location="query", as_kwargs=True, unknown=RAISE)
    @blp.arguments(DraftLessonSchema, location="json", example=DRAFT_EXAMPLE)
    @blp.response(200, SimilarLessonsSchema, example=SIMILAR_EXAMPLE)
    def post(self, draft: dict, limit: int, **args):
        """Lessons most like a draft: an author sees likely duplicates before saving."""
        runtime = current_runtime()
        return similar.similar(runtime.engine, runtime.names, draft, lesson_filter(args), limit)


@blp.route("/suggest")
class Suggest(MethodView):
    @requires(blp, Action.READ)
    @blp.arguments(SuggestArgsSchema, location="query", as_kwargs=True, unknown=RAISE)
    @blp.response(200, SuggestionsSchema, example=SUGGEST_EXAMPLE)
    def get(self, q: str, limit: int, **args):
        """Search-as-you-type: titles, components and tags for what was typed so far."""
        runtime = current_runtime()
        return suggest.suggest(runtime.engine, runtime.names, q, lesson_filter(args), limit)
