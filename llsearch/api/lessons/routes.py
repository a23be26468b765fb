"""Lesson endpoints of CONTRACT §3; views are thin: authorize, call the domain, store, answer."""

from __future__ import annotations

from flask import Response, g, request, url_for
from flask.views import MethodView
from flask_smorest import Blueprint, abort
from marshmallow import RAISE, ValidationError

from llsearch.api.auth import requires
from llsearch.api.lessons.schemas import (
    ActionItemPatchSchema,
    LessonOutSchema,
    LessonPatchSchema,
    LessonSchema,
)
from llsearch.api.auditing import audited, request_actor
from llsearch.api.lessons.visibility import visible
from llsearch.api.search.args import selection_from_args
from llsearch.api.search.cursor import encode_cursor
from llsearch.api.search.schemas import LessonQueryArgsSchema, SearchAnswerSchema
from llsearch.engine.lesson_search import SearchRequest, search_lessons
from llsearch.events import lesson_saved
from llsearch.engine.lessons import StaleLesson, StoredLesson
from llsearch.model import changes
from llsearch.model.markdown import render_markdown
from llsearch.runtime import current_runtime
from llsearch.security.audit import field_diff
from llsearch.security.fields import sensitive_fields
from llsearch.security.roles import Action

blp = Blueprint(
    "lessons", __name__, url_prefix="/api/lessons-learned",
    description="Lessons learned: create, read, update, approve and delete",
)

ID_PATH = "/<lesson_id:lesson_id>"


def _answer(stored: StoredLesson, status: int = 200, **headers):
    return visible(stored.lesson), status, {"ETag": stored.etag, **headers}


def _check_if_match(stored: StoredLesson) -> None:
    """412 when the client's `If-Match` names another version than the stored one."""
    wanted = request.headers.get("If-Match")
    if not wanted or wanted.strip() == "*":
        return
    tags = {tag.strip().removeprefix("W/") for tag in wanted.split(",")}
    if stored.etag not in tags:
        abort(412, message=f"lesson {stored.lesson['id']} is at version {stored.etag}, not {wanted}")


def _replace(current: StoredLesson, lesson: dict) -> StoredLesson:
    try:
        return current_runtime().lessons.replace(current, lesson)
    except StaleLesson:
        code = 412 if request.headers.get("If-Match") else 409
        abort(code, message=f"lesson {current.lesson['id']} was changed by someone else; read it again")


def _save(action: str, current: StoredLesson, lesson: dict) -> StoredLesson:
    """Replace a lesson, audited with a field-level diff (secrets hidden)."""
    hidden = sensitive_fields(current_runtime().settings)
    noise = {"updated_at", "version"}
    diff = field_diff({k: v for k, v in current.lesson.items() if k not in noise},
                      {k: v for k, v in lesson.items() if k not in noise}, hidden)
    with audited(action, lesson_id=current.lesson["id"], diff=diff):
        stored = _replace(current, lesson)
    lesson_saved(action, stored.lesson, request_actor().name, previous=current.lesson)
    return stored


def _validate_whole(document: dict) -> dict:
    try:
        return LessonSchema().load(document)
    except ValidationError as error:
        abort(422, messages={"json": error.messages}, message="the updated lesson is not valid")


@blp.route("")
class LessonCollection(MethodView):
    @requires(blp, Action.READ)
    @blp.arguments(LessonQueryArgsSchema, location="query", unknown=RAISE)
    @blp.response(200, SearchAnswerSchema)
    def get(self, args: dict):
        """Search lessons: filters, free text, facets, cursor pagination (every reader)."""
        runtime = current_runtime()
        cursor = args.get("cursor")
        request_ = SearchRequest(
            selection=selection_from_args(args), text=args.get("search"), sort=args.get("sort"),
            page_size=args["page_size"], after=cursor[1] if cursor else None,
        )
        page = search_lessons(runtime.engine, runtime.names, request_, runtime.codec)
        return {
            "total": page.total,
            "items": [visible(item) for item in page.items],
            "next_cursor": encode_cursor(request_.sort_key, page.next_after) if page.next_after else None,
            "facets": page.facets,
        }

    @requires(blp, Action.CREATE)
    @blp.arguments(LessonSchema, example={"category": "TECHNICAL", "severity": "HIGH",
                                          "component": "health_check", "title": "Health check flapped",
                                          "situation": "O health check falhou durante o deploy."})
    @blp.response(201, LessonOutSchema, description="The stored lesson; `Location` and `ETag` headers")
    def post(self, data: dict):
        """Create a lesson (psa, council); the server assigns id and timestamps."""
        runtime = current_runtime()
        now = runtime.now()
        with audited("create") as learned:
            stored = runtime.lessons.create(changes.new_lesson(data, now), now)
            learned.update(lesson_id=stored.lesson["id"], document=runtime.codec.encode(stored.lesson))
        lesson_saved("create", stored.lesson, request_actor().name)
        location = url_for("lessons.LessonItem", lesson_id=stored.lesson["id"])
        return _answer(stored, 201, Location=location)


@blp.route(ID_PATH)
class LessonItem(MethodView):
    @requires(blp, Action.READ)
    @blp.response(200, LessonOutSchema, description="The lesson, or its Markdown with `Accept: text/markdown`")
    @blp.alt_response(404, description="No lesson has that id")
    def get(self, lesson_id: str):
        """One lesson, as JSON or as the specification's Markdown template."""
        stored = current_runtime().lessons.get(lesson_id)
        if request.accept_mimetypes.best_match(["application/json", "text/markdown"]) == "text/markdown":
            return Response(render_markdown(visible(stored.lesson)), mimetype="text/markdown",
                            headers={"ETag": stored.etag})
        return _answer(stored)

    @requires(blp, Action.UPDATE)
    @blp.arguments(LessonPatchSchema, example={"severity": "CRITICAL", "impact": None})
    @blp.response(200, LessonOutSchema)
    @blp.alt_response(412, description="`If-Match` names an older version")
    def patch(self, data: dict, lesson_id: str):
        """Partial update as a JSON merge patch (psa, council); `null` removes a field."""
        runtime = current_runtime()
        current = runtime.lessons.get(lesson_id)
        _check_if_match(current)
        merged = _validate_whole(changes.merge_patch(changes.editable_part(current.lesson), data))
        return _answer(_save("update", current, changes.updated_lesson(current.lesson, merged, runtime.now())))

    @requires(blp, Action.DELETE)
    @blp.response(204)
    def delete(self, lesson_id: str):
        """Delete a lesson (admin)."""
        runtime = current_runtime()
        current = runtime.lessons.get(lesson_id)
        _check_if_match(current)
        with audited("delete", lesson_id=lesson_id, document=runtime.codec.encode(current.lesson)):
            try:
                runtime.lessons.delete(current)
            except StaleLesson:
                abort(412 if request.headers.get("If-Match") else 409, message="the lesson changed meanwhile")
        lesson_saved("delete", current.lesson, request_actor().name, previous=current.lesson)
        return ""


@blp.route(ID_PATH + "/approve")
class LessonApproval(MethodView):
    @requires(blp, Action.APPROVE)
    @blp.response(200, LessonOutSchema)
    @blp.alt_response(409, description="Incomplete (root cause, solution or prevention empty) or already approved")
    def post(self, lesson_id: str):
        """Approve a lesson (psa, cqo): the caller becomes its approver."""
        principal = g.principal
        runtime = current_runtime()
        current = runtime.lessons.get(lesson_id)
        _check_if_match(current)
        try:
            approved = changes.approved_lesson(
                current.lesson, principal.name, runtime.now(), runtime.settings.allow_self_approval
            )
        except changes.RuleViolation as error:
            abort(409, message=str(error))
        except PermissionError as error:
            abort(403, message=str(error))
        return _answer(_save("approve", current, approved))


@blp.route(ID_PATH + "/action-items/<string:item_id>")
class ActionItem(MethodView):
    @requires(blp, Action.UPDATE)
    @blp.arguments(ActionItemPatchSchema, example={"status": "COMPLETED"})
    @blp.response(200, LessonOutSchema)
    def patch(self, data: dict, lesson_id: str, item_id: str):
        """Change one action item (psa, council); COMPLETED stamps `completion_date`, reopening clears it."""
        runtime = current_runtime()
        current = runtime.lessons.get(lesson_id)
        _check_if_match(current)
        try:
            lesson = changes.with_action_item(current.lesson, item_id, data, runtime.now())
        except KeyError:
            abort(404, message=f"lesson {lesson_id} has no action item {item_id}")
        _validate_whole(changes.editable_part(lesson))
        return _answer(_save("action_item", current, lesson))
