"""Each raw record becomes a lesson kept as given, or a rejection that says which field is wrong."""

from __future__ import annotations

from llsearch.transfer.items import Origin, RawRecord, Rejection
from llsearch.transfer.records import Candidate, IdRegistry, RecordValidator, describe_errors

IMPORT_TIME = "2026-04-01T08:00:00Z"


def raw(data, expected_id=None) -> RawRecord:
    return RawRecord(Origin("lessons.json", index=0), data, expected_id)


def lesson(**changes) -> dict:
    body = {"category": "SECURITY", "severity": "HIGH", "component": "api_gateway",
            "title": "Token leaked in logs", "situation": "Um token apareceu nos logs."}
    return {**body, **changes}


def validate(data, expected_id=None):
    return RecordValidator(IMPORT_TIME).validate(raw(data, expected_id))


def test_ids_timestamps_approval_and_version_are_kept_as_given():
    given = lesson(id="LL-2026-03-01-007", timestamp_created="2026-02-27T23:30:00+01:00",
                   updated_at="2026-03-02T10:00:00Z", approver="Carlos Lima", approval_date="2026-03-02T10:00:00Z",
                   version=4)
    candidate = validate(given)
    assert isinstance(candidate, Candidate)
    assert candidate.lesson["id"] == "LL-2026-03-01-007"  # its day differs from the creation day: kept
    assert candidate.lesson["timestamp_created"] == "2026-02-27T22:30:00Z"  # canonical UTC spelling
    assert candidate.lesson["approver"] == "Carlos Lima"
    assert candidate.lesson["version"] == 4


def test_a_record_without_timestamp_gets_the_import_time_and_no_id_is_invented():
    candidate = validate(lesson())
    assert candidate.lesson["timestamp_created"] == IMPORT_TIME
    assert "id" not in candidate.lesson and "version" not in candidate.lesson


def test_action_items_get_ids_like_on_create():
    candidate = validate(lesson(action_items=[{"action": "Rotate the token", "owner": "Ana", "due_date": "2026-03-10"}]))
    assert candidate.lesson["action_items"] == [
        {"id": "A1", "action": "Rotate the token", "owner": "Ana", "due_date": "2026-03-10", "status": "OPEN"}]


def test_schema_errors_name_every_field():
    rejection = validate(lesson(severity="SEVERE", title=None, colour="red",
                                action_items=[{"action": "x", "due_date": "2026-02-30"}]))
    assert isinstance(rejection, Rejection)
    assert set(rejection.errors) == {"severity", "title", "colour", "action_items"}
    assert rejection.errors["action_items"] == {"0": {"due_date": ["Not a calendar date: '2026-02-30'."]}}
    assert rejection.reason.startswith("invalid lesson: ")
    for part in ("severity: Must be one of", "colour: Unknown field.", "action_items.0.due_date: Not a calendar date"):
        assert part in rejection.reason


def test_a_bad_id_is_named_and_the_given_id_reported():
    rejection = validate(lesson(id="LL-2026-02-30-001"))
    assert "id" in rejection.errors and rejection.id == "LL-2026-02-30-001"


def test_a_value_that_is_not_an_object_is_rejected():
    assert validate([1, 2]).reason == "expected a lesson (a JSON object), got an array"
    assert validate(None).reason == "expected a lesson (a JSON object), got null"


def test_a_file_holding_another_id_than_index_json_says_is_noticed():
    record = raw(lesson(id="LL-2026-03-01-002"), expected_id="LL-2026-03-01-001")
    candidate = RecordValidator(IMPORT_TIME).validate(record)
    notice = RecordValidator.id_notice(record, candidate)
    assert notice.message == "index.json lists this file as LL-2026-03-01-001, but it holds LL-2026-03-01-002"
    same = raw(lesson(id="LL-2026-03-01-001"), expected_id="LL-2026-03-01-001")
    assert RecordValidator.id_notice(same, RecordValidator(IMPORT_TIME).validate(same)) is None


def test_the_second_record_with_an_id_is_the_duplicate():
    registry = IdRegistry()
    assert registry.claim("LL-2026-03-01-001", Origin("a.json")) is None
    duplicate = registry.claim("LL-2026-03-01-001", Origin("b.ndjson", line=4))
    assert str(duplicate.origin) == "b.ndjson:4"
    assert duplicate.reason == "duplicate id LL-2026-03-01-001: already imported from a.json"


def test_describe_errors_flattens_nested_messages():
    assert describe_errors({"_schema": ["Invalid input type."]}) == "Invalid input type."
    assert describe_errors({"metrics": {"time_to_detect": ["Bad.", "Worse."]}}) == "metrics.time_to_detect: Bad. Worse."
