"""One error shape for every failure: {code, status, message, errors}; never a bare 500 page."""

from __future__ import annotations

import logging

from flask import jsonify
from flask_smorest import Api
from opensearchpy.exceptions import ConnectionError as EngineConnectionError
from opensearchpy.exceptions import ConnectionTimeout
from werkzeug.exceptions import BadRequest, Conflict, HTTPException, InternalServerError, NotFound, ServiceUnavailable

from llsearch.engine.lessons import ArchivedLesson, LessonNotFound

log = logging.getLogger(__name__)


def error_body(code: int, status: str, message: str, errors: dict | None = None) -> dict:
    body = {"code": code, "status": status, "message": message}
    if errors:
        body["errors"] = errors
    return body


def _flatten_locations(errors: dict) -> dict:
    """webargs nests messages under their location (`json`, `query`); clients want the fields."""
    flat: dict = {}
    for location, messages in errors.items():
        if isinstance(messages, dict):
            flat.update(messages)
        else:
            flat[location] = messages
    return flat


class LlsearchApi(Api):
    """flask-smorest's Api with the contract's error body and engine outages mapped to 503."""

    def _register_error_handlers(self):
        super()._register_error_handlers()
        self._app.register_error_handler(EngineConnectionError, self._engine_down)
        self._app.register_error_handler(ConnectionTimeout, self._engine_down)
        self._app.register_error_handler(LessonNotFound, self._not_found)
        self._app.register_error_handler(ArchivedLesson, self._archived)
        self._app.register_error_handler(RecursionError, self._too_deep)
        self._app.register_error_handler(Exception, self._unexpected)

    def _too_deep(self, error: RecursionError):
        # Only a hostile body nests deep enough to exhaust the parser's stack.
        return self.handle_http_exception(BadRequest("the JSON body is nested too deeply"))

    def _not_found(self, error: LessonNotFound):
        return self.handle_http_exception(NotFound(f"no lesson has the id {error}"))

    def _archived(self, error: ArchivedLesson):
        message = f"lesson {error} is in an archived month and read-only; `llsearch archive restore` brings it back"
        return self.handle_http_exception(Conflict(message))

    def handle_http_exception(self, error: HTTPException):
        data = getattr(error, "data", None) or {}
        messages = data.get("messages")
        errors = _flatten_locations(messages) if isinstance(messages, dict) else None
        message = data.get("message") or error.description or error.name
        if errors and error.code == 422:
            message = "Validation failed: " + ", ".join(sorted(map(str, errors)))
        response = jsonify(error_body(error.code, error.name, message, errors))
        response.status_code = error.code
        for name, value in error.get_headers():  # e.g. Allow on 405, as RFC 9110 requires
            if name.lower() != "content-type":
                response.headers[name] = value
        for name, value in (data.get("headers") or {}).items():
            response.headers[name] = value
        return response

    def _engine_down(self, error: Exception):
        log.error("engine unavailable: %s", error)
        return self.handle_http_exception(ServiceUnavailable("the search engine is unavailable; retry shortly"))

    def _unexpected(self, error: Exception):
        if isinstance(error, HTTPException):
            return self.handle_http_exception(error)
        log.exception("unexpected error")
        return self.handle_http_exception(InternalServerError("an unexpected error occurred; it has been logged"))
