"""`POST /api/lessons-learned/import`: a JSON array or NDJSON of lessons, each record's outcome."""

from __future__ import annotations

from flask import request
from flask.views import MethodView
from flask_smorest import Blueprint, abort
from flask_smorest.error_handler import ErrorSchema
from werkzeug.exceptions import RequestEntityTooLarge

from llsearch.api.auditing import audited
from llsearch.api.auth import requires
from llsearch.api.imports.schemas import ANSWER_EXAMPLE, REQUEST_BODY, ImportAnswerSchema
from llsearch.runtime import current_runtime
from llsearch.security.roles import Action
from llsearch.transfer.importer import ImportReport, Importer
from llsearch.transfer.items import RawRecord, Rejection
from llsearch.transfer.jsontext import json_error, json_type, loads
from llsearch.transfer.sources import array_records, ndjson_records

DEFAULT_MAX_IMPORT_BYTES = 16 * 1024 * 1024
JSON_TYPES = ("application/json",)
NDJSON_TYPES = ("application/x-ndjson", "application/ndjson", "application/jsonl", "application/x-jsonlines")
SOURCE = "body"

blp = Blueprint("imports", __name__, url_prefix="/api/lessons-learned", description="Bulk import of lessons")


def max_import_bytes() -> int:
    """The largest import body accepted (`max_import_bytes` setting, 16 MiB by default)."""
    configured = current_runtime().settings.extra.get("max_import_bytes", DEFAULT_MAX_IMPORT_BYTES)
    try:
        return int(configured)
    except (TypeError, ValueError):
        return DEFAULT_MAX_IMPORT_BYTES


def _body_text() -> str:
    # Raise the app-wide 1 MiB limit for this request only, before anything reads the body
    # (Flask >= 3.1 honours request.max_content_length per request); above it werkzeug answers 413.
    limit = request.max_content_length = max_import_bytes()
    try:
        data = request.get_data(cache=False)
    except RequestEntityTooLarge:
        abort(413, message=f"the import body is larger than {limit} bytes; split it into several imports")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        abort(400, message=f"the body is not UTF-8 text ({error.reason} at byte {error.start})")


def _records() -> list[RawRecord]:
    """The body's records, or 400/415/422 when the body as a whole cannot be read."""
    mimetype = request.mimetype
    if mimetype not in JSON_TYPES + NDJSON_TYPES:
        given = f"not {mimetype}" if mimetype else "the request has no Content-Type"
        abort(415, message="send a JSON array of lessons (Content-Type: application/json) or one lesson per "
                           f"line (Content-Type: application/x-ndjson); {given}")
    text = _body_text()
    if mimetype in NDJSON_TYPES:
        records = list(ndjson_records(text.split("\n"), SOURCE))  # not splitlines: JSON may hold U+2028
        broken = next((item for item in records if isinstance(item, Rejection)), None)
        if broken is not None:
            abort(400, message=f"NDJSON line {broken.origin.line}: {broken.reason}")
        return records
    try:
        value = loads(text)
    except ValueError as error:
        abort(400, message=json_error(error))
    if not isinstance(value, list):
        abort(422, message=f"the body must be a JSON array of lessons, not {json_type(value)}; "
                           "for one lesson per line send Content-Type: application/x-ndjson")
    return list(array_records(value, SOURCE))


def _changed_ids(report: ImportReport) -> dict[str, list[str]]:
    """For the audit record: which lessons the import created and which it replaced."""
    return {outcome: [result.id for result in report.results if result.outcome == outcome]
            for outcome in ("created", "updated")}


def _answer(report: ImportReport) -> dict:
    results = []
    for position, result in enumerate(report.results):
        entry = {"index": position, "id": result.id, "outcome": result.outcome}
        if result.origin.line is not None:
            entry["line"] = result.origin.line
        if result.outcome == "rejected":
            entry["errors"] = result.errors or result.reason
        results.append(entry)
    return {"counts": report.counts, "results": results}


@blp.route("/import")
class LessonImport(MethodView):
    @requires(blp, Action.IMPORT)
    @blp.doc(requestBody=REQUEST_BODY)
    @blp.response(200, ImportAnswerSchema, example=ANSWER_EXAMPLE,
                  description="Counts by outcome and each record's outcome, in body order")
    @blp.alt_response(400, schema=ErrorSchema, description="Malformed JSON or NDJSON (the position is given), "
                                                           "or a body that is not UTF-8")
    @blp.alt_response(413, schema=ErrorSchema, description="The body is larger than `max_import_bytes`")
    @blp.alt_response(415, schema=ErrorSchema, description="Neither application/json nor application/x-ndjson")
    @blp.alt_response(422, schema=ErrorSchema, description="A JSON body that is not an array")
    def post(self):
        """Import lessons in bulk (psa, council).

        Each valid record is stored as given (id, timestamps, approval); each invalid one is
        reported with its errors, and the others are still imported. Importing the same lessons
        again changes nothing: they come back `unchanged`, their versions kept.
        """
        records = _records()
        runtime = current_runtime()
        with audited("import", details={"records": len(records)}) as learned:
            report = Importer(runtime.engine, runtime.names, runtime.now, codec=runtime.codec).run(records)
            learned.update(details={"records": len(records), "counts": report.counts, **_changed_ids(report)})
        return _answer(report)
