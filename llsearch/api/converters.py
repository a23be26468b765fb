"""URL converters: a lesson id segment matches only ids, so `/import` or `/suggest` never look like one."""

from __future__ import annotations

from flask import Flask
from flask_smorest import Api
from werkzeug.routing import BaseConverter

# Shape only (the calendar is checked when the id is parsed): LL-YYYY-MM-DD-NNN.
LESSON_ID_SEGMENT = r"LL-[0-9]{4}-[0-9]{2}-[0-9]{2}-[0-9]{3,}"


class LessonIdConverter(BaseConverter):
    regex = LESSON_ID_SEGMENT


def register_converters(app: Flask, api: Api) -> None:
    app.url_map.converters["lesson_id"] = LessonIdConverter
    api.register_converter(LessonIdConverter, lambda converter: {
        "type": "string", "pattern": f"^{LESSON_ID_SEGMENT}$", "example": "LL-2026-02-01-001"})
