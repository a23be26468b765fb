"""The schemas document themselves in OpenAPI: descriptions, examples, enums, patterns, read-only."""

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin

from llsearch.model.lesson import ImportedLessonSchema, LessonPatchSchema, LessonSchema


def components() -> dict:
    spec = APISpec("llsearch", "1", "3.0.3", plugins=[MarshmallowPlugin()])
    spec.components.schema("Lesson", schema=LessonSchema)
    spec.components.schema("LessonPatch", schema=LessonPatchSchema)
    spec.components.schema("ImportedLesson", schema=ImportedLessonSchema)
    return spec.to_dict()["components"]["schemas"]


def test_the_lesson_schema_in_openapi():
    schemas = components()
    lesson = schemas["Lesson"]
    assert set(lesson["required"]) == {"category", "severity", "component", "title", "situation"}
    props = lesson["properties"]
    assert props["category"]["enum"] == ["TECHNICAL", "PROCESS", "SECURITY", "OPERATIONAL"]
    assert props["id"]["readOnly"] is True and props["id"]["pattern"].startswith("^LL-")
    assert props["title"]["maxLength"] == 200
    assert props["tags"]["maxItems"] == 50 and "pattern" in props["tags"]["items"]
    assert props["timestamp_created"]["format"] == "date-time"
    assert props["situation"]["description"] and props["situation"]["example"]
    assert "required" not in schemas["LessonPatch"]
    assert "readOnly" not in schemas["ImportedLesson"]["properties"]["id"]


def test_nested_parts_are_their_own_components():
    schemas = components()
    assert {"ActionItem", "Reference", "Metrics", "FollowUp"} <= set(schemas)
    assert schemas["ActionItem"]["properties"]["status"]["enum"] == ["OPEN", "IN_PROGRESS", "COMPLETED"]
    assert schemas["ActionItem"]["properties"]["due_date"]["format"] == "date"
    assert schemas["Metrics"]["properties"]["time_to_detect"]["pattern"].startswith("^P")
