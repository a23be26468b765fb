"""What a client may send when creating, importing or patching a lesson, and what it is told."""

from datetime import date, datetime, timezone

import pytest
from marshmallow import ValidationError

from llsearch.model.lesson import (
    CATEGORIES,
    LESSON_FIELDS,
    Category,
    SERVER_OWNED_FIELDS,
    ImportedLessonSchema,
    LessonPatchSchema,
    LessonSchema,
    Severity,
)


def lesson(**overrides) -> dict:
    data = {
        "category": "TECHNICAL",
        "severity": "HIGH",
        "component": "health_check",
        "title": "Health check falso positivo",
        "situation": "O health check falhou.",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not ...}


def errors_of(data: dict, schema=None) -> dict:
    with pytest.raises(ValidationError) as caught:
        (schema or LessonSchema()).load(data)
    return caught.value.messages


def test_a_minimal_lesson_is_accepted_as_given():
    assert LessonSchema().load(lesson()) == lesson()


def test_the_five_required_fields_are_named_when_missing():
    assert errors_of({}) == {name: ["Missing data for required field."]
                             for name in ("category", "severity", "component", "title", "situation")}


def test_text_is_trimmed_and_line_endings_normalised():
    loaded = LessonSchema().load(lesson(title="  Spaced  ", situation="one\r\ntwo\rthree\n\n"))
    assert loaded["title"] == "Spaced"
    assert loaded["situation"] == "one\ntwo\nthree"


@pytest.mark.parametrize(
    "field, value",
    [("category", "technical"), ("category", "BUG"), ("severity", "SEVERE"), ("severity", "")],
)
def test_enums_refuse_other_values_and_list_the_allowed_ones(field, value):
    message = errors_of(lesson(**{field: value}))[field][0]
    assert message.startswith("Must be one of: ")
    allowed = CATEGORIES if field == "category" else [s.value for s in Severity]
    assert all(name in message for name in allowed)


@pytest.mark.parametrize(
    "data, path",
    [
        ({"action_items": [{"action": "x", "status": "DONE"}]}, ("action_items", 0, "status")),
        ({"references": [{"type": "WIKI", "link": "https://x.example"}]}, ("references", 0, "type")),
        ({"follow_up": {"status": "LATE"}}, ("follow_up", "status")),
    ],
)
def test_nested_enums_are_named_by_their_path(data, path):
    node = errors_of(lesson(**data))
    for key in path:
        node = node[key]
    assert node[0].startswith("Must be one of: ")


@pytest.mark.parametrize("title, ok", [("x" * 200, True), ("x" * 201, False), ("", False), ("   ", False),
                                       ("two\nlines", False), ("tab\there", False), ("nul\x00", False)])
def test_title_is_one_line_of_at_most_200_characters(title, ok):
    if ok:
        assert LessonSchema().load(lesson(title=title))["title"] == title
    else:
        assert "title" in errors_of(lesson(title=title))


def test_prose_allows_tabs_and_newlines_but_not_control_characters_or_huge_texts():
    assert LessonSchema().load(lesson(impact="- a\n\t- b"))["impact"] == "- a\n\t- b"
    assert "impact" in errors_of(lesson(impact="bell\x07"))
    assert "situation" in errors_of(lesson(situation="x" * 20_001))
    assert "situation" in errors_of(lesson(situation=" \n "))
    assert "situation" in errors_of(lesson(situation=42))


@pytest.mark.parametrize("component", ["health_check", "api-gateway", "svc.v2", "a", "a" * 64])
def test_components_are_lower_case_identifiers(component):
    assert LessonSchema().load(lesson(component=component))["component"] == component


@pytest.mark.parametrize("component", ["Health_Check", "health check", "1st", "_x", "a" * 65, "çache"])
def test_other_components_are_refused(component):
    assert "lower-case identifier" in errors_of(lesson(component=component))["component"][0]


def test_tags_are_lower_case_unique_and_at_most_fifty():
    assert LessonSchema().load(lesson(tags=["prometheus", "monitoring"]))["tags"] == ["prometheus", "monitoring"]
    assert errors_of(lesson(tags=["Prometheus"]))["tags"] == {0: ["Not a valid tag: lower-case letters, digits, "
                                                                 "_ - . (at most 50)."]}
    assert errors_of(lesson(tags=["a", "b", "a"]))["tags"] == ["Duplicate value: 'a'."]
    assert "tags" in errors_of(lesson(tags=[f"t{i}" for i in range(51)]))
    assert "tags" in errors_of(lesson(tags=["x" * 51]))
    assert "tags" in errors_of(lesson(tags="prometheus"))


def test_related_incidents_look_like_inc_001():
    assert LessonSchema().load(lesson(related_incidents=["INC-001", "SEC-12"]))["related_incidents"] == [
        "INC-001", "SEC-12"]
    for bad in ("inc-001", "INC-", "INC001", "INC-1a"):
        assert "related_incidents" in errors_of(lesson(related_incidents=[bad]))
    assert errors_of(lesson(related_incidents=["INC-1", "INC-1"]))["related_incidents"] == ["Duplicate value: 'INC-1'."]


def test_unknown_fields_are_named_at_every_level():
    data = lesson(colour="red", metrics={"mttr": "PT1H"}, follow_up={"owner": "x"},
                  action_items=[{"action": "a", "priority": 1}], references=[{"type": "JIRA",
                                                                               "link": "https://j.example", "x": 1}])
    assert errors_of(data) == {
        "colour": ["Unknown field."],
        "metrics": {"mttr": ["Unknown field."]},
        "follow_up": {"owner": ["Unknown field."]},
        "action_items": {0: {"priority": ["Unknown field."]}},
        "references": {0: {"x": ["Unknown field."]}},
    }


@pytest.mark.parametrize("field", SERVER_OWNED_FIELDS)
def test_clients_cannot_set_server_owned_fields(field):
    value = 1 if field == "version" else "x"
    assert errors_of(lesson(**{field: value})) == {field: ["Set by the server; it cannot be given in this request."]}


def test_null_optional_fields_are_dropped_and_null_required_ones_refused():
    loaded = LessonSchema().load(lesson(impact=None, metrics={"time_to_detect": None}, tags=None))
    assert loaded == lesson(metrics={})
    assert errors_of(lesson(title=None)) == {"title": ["Field may not be null."]}


def test_not_a_json_object():
    assert errors_of([]) == {"_schema": ["Invalid input type."]}
    assert "metrics" in errors_of(lesson(metrics=[1]))


@pytest.mark.parametrize(
    "data, path, start",
    [
        ({"action_items": [{"action": "a", "due_date": 20260301}]}, ("action_items", 0, "due_date"), "Not a valid date"),
        ({"metrics": {"time_to_detect": 60}}, ("metrics", "time_to_detect"), "Not a valid duration"),
        ({"metrics": {"success_rate_prevention": 50}}, ("metrics", "success_rate_prevention"), "Not a valid percentage"),
        ({"references": [{"type": "JIRA", "link": 5}]}, ("references", 0, "link"), "Not a valid URL"),
        ({"references": [{"type": "JIRA", "link": "https://x.example/\x00"}]}, ("references", 0, "link"),
         "Not a valid URL"),
    ],
)
def test_values_of_the_wrong_type_are_told_what_is_expected(data, path, start):
    node = errors_of(lesson(**data))
    for key in path:
        node = node[key]
    assert node[0].startswith(start)


def test_imported_date_times_of_the_wrong_type():
    message = errors_of(lesson(timestamp_created=1700000000), ImportedLessonSchema())["timestamp_created"][0]
    assert message.startswith("Not a valid date-time")


class TestDatesAndTimes:
    def test_calendar_dates_must_exist(self):
        messages = errors_of(lesson(action_items=[{"action": "a", "due_date": "2026-02-30"}],
                                    follow_up={"due_date": "2026-2-1"}))
        assert messages == {
            "action_items": {0: {"due_date": ["Not a calendar date: '2026-02-30'."]}},
            "follow_up": {"due_date": ["Not a date: expected YYYY-MM-DD, got '2026-2-1'."]},
        }

    def test_imported_date_times_need_a_timezone_and_are_normalised_to_utc(self):
        schema = ImportedLessonSchema()
        loaded = schema.load(lesson(timestamp_created="2026-02-01T14:30:00+01:00",
                                    updated_at="2026-02-01T14:30:00.250Z"))
        assert loaded["timestamp_created"] == "2026-02-01T13:30:00Z"
        assert loaded["updated_at"] == "2026-02-01T14:30:00.250Z"
        message = errors_of(lesson(timestamp_created="2026-02-01T14:30:00"), schema)["timestamp_created"][0]
        assert "without a timezone" in message
        assert "approval_date" in errors_of(lesson(approver="PSA", approval_date="2026-02-01"), schema)


class TestActionItems:
    def test_on_create_status_defaults_to_open_and_ids_are_left_to_the_caller(self):
        loaded = LessonSchema().load(lesson(action_items=[{"action": "a"}, {"action": "b", "id": "A3"}]))
        assert loaded["action_items"] == [{"action": "a", "status": "OPEN"}, {"id": "A3", "action": "b",
                                                                              "status": "OPEN"}]

    def test_on_import_ids_are_assigned_in_order_after_the_highest(self):
        loaded = ImportedLessonSchema().load(lesson(action_items=[{"action": "a"}, {"action": "b", "id": "A3"},
                                                          {"action": "c", "id": None}]))
        assert loaded["action_items"] == [
            {"id": "A4", "action": "a", "status": "OPEN"},
            {"id": "A3", "action": "b", "status": "OPEN"},
            {"id": "A5", "action": "c", "status": "OPEN"},
        ]

    def test_completion_date_only_with_completed(self):
        done = {"action": "a", "status": "COMPLETED", "completion_date": "2026-02-01"}
        assert LessonSchema().load(lesson(action_items=[done]))["action_items"][0]["completion_date"] == "2026-02-01"
        assert LessonSchema().load(lesson(action_items=[{"action": "a", "status": "COMPLETED"}]))
        messages = errors_of(lesson(action_items=[{"action": "a", "status": "IN_PROGRESS",
                                                   "completion_date": "2026-02-01"}]))
        assert messages == {"action_items": {0: {"completion_date": [
            "Only allowed when status is COMPLETED (status is IN_PROGRESS)."]}}}

    def test_duplicate_and_malformed_ids_are_named(self):
        messages = errors_of(lesson(action_items=[{"action": "a", "id": "A1"}, {"action": "b", "id": "A1"}]))
        assert messages == {"action_items": {1: {"id": ["Duplicate action item id A1."]}}}
        assert "id" in errors_of(lesson(action_items=[{"action": "a", "id": "7"}]))["action_items"][0]

    def test_an_action_is_required_and_one_line(self):
        assert errors_of(lesson(action_items=[{"owner": "x"}])) == {
            "action_items": {0: {"action": ["Missing data for required field."]}}}
        assert "action" in errors_of(lesson(action_items=[{"action": "a\nb"}]))["action_items"][0]
        assert "action_items" in errors_of(lesson(action_items=[{"action": "a"}] * 101))


class TestMetrics:
    @pytest.mark.parametrize("value", ["PT2H30M", "PT5H", "P1DT2H", "PT0.5S"])
    def test_durations_are_kept_as_written(self, value):
        assert LessonSchema().load(lesson(metrics={"time_to_detect": value}))["metrics"] == {"time_to_detect": value}

    @pytest.mark.parametrize("value", ["PT", "P", "P1Y", "P1M", "-PT1H", "2 hours", 3600])
    def test_other_durations_are_refused(self, value):
        assert "time_to_resolve" in errors_of(lesson(metrics={"time_to_resolve": value}))["metrics"]

    @pytest.mark.parametrize("value", ["0%", "100%", "87.5%", "100.0%", "5%", "99.99%"])
    def test_percentages(self, value):
        assert LessonSchema().load(lesson(metrics={"success_rate_prevention": value}))["metrics"][
            "success_rate_prevention"] == value

    @pytest.mark.parametrize("value", ["101%", "-1%", "50", 50, "50 %", "100.1%", "05%", "%", "1e2%"])
    def test_bad_percentages(self, value):
        message = errors_of(lesson(metrics={"success_rate_prevention": value}))["metrics"]["success_rate_prevention"]
        assert message

    @pytest.mark.parametrize("value", [0, 50000, 1234.5])
    def test_business_impact_keeps_its_number_type(self, value):
        loaded = LessonSchema().load(lesson(metrics={"business_impact_usd": value}))["metrics"]["business_impact_usd"]
        assert loaded == value and type(loaded) is type(value)

    @pytest.mark.parametrize("value", [-1, -0.01, "5000", True, float("nan"), float("inf"), 10**16])
    def test_bad_business_impact(self, value):
        assert "business_impact_usd" in errors_of(lesson(metrics={"business_impact_usd": value}))["metrics"]

    @pytest.mark.parametrize("value", [-1, 1.5, "3", True, 2**31])
    def test_bad_replication_attempts(self, value):
        assert "replication_attempts" in errors_of(lesson(metrics={"replication_attempts": value}))["metrics"]


class TestReferences:
    @pytest.mark.parametrize("link", ["https://jira.example.com/browse/OPS-1", "http://wiki/post-mortem",
                                      "https://github.com/o/r/pull/12#discussion"])
    def test_http_links(self, link):
        assert LessonSchema().load(lesson(references=[{"type": "JIRA", "link": link}]))["references"][0]["link"] == link

    @pytest.mark.parametrize("link", ["ftp://files.example.com/x", "javascript:alert(1)", "/relative/path",
                                      "https://exa mple.com", "mailto:a@b.c", "https://x.example/" + "a" * 2048])
    def test_other_links_are_refused(self, link):
        messages = errors_of(lesson(references=[{"type": "DOCUMENT", "link": link}]))
        assert "link" in messages["references"][0]


class TestImport:
    def test_server_owned_fields_are_kept_and_version_dropped(self):
        data = lesson(id="LL-2026-01-31-001", timestamp_created="2026-01-31T14:30:00Z",
                      updated_at="2026-02-01T00:00:00Z", approver="Carlos Lima (PSA)",
                      approval_date="2026-02-01T15:00:00Z", version=4)
        expected = dict(data)
        del expected["version"]
        assert ImportedLessonSchema().load(data) == expected

    @pytest.mark.parametrize("bad", ["LL-2026-02-30-001", "LL-2026-01-31-1", "2026-01-31-001"])
    def test_the_id_must_be_well_formed(self, bad):
        assert "id" in errors_of(lesson(id=bad), ImportedLessonSchema())

    def test_an_approval_date_needs_an_approver_but_not_the_other_way_round(self):
        schema = ImportedLessonSchema()
        assert schema.load(lesson(approver="PSA")) == lesson(approver="PSA")
        assert errors_of(lesson(approval_date="2026-02-01T15:00:00Z"), schema) == {
            "approver": ["Required when approval_date is given."]}

    def test_importing_twice_gives_the_same_action_item_ids(self):
        data = lesson(action_items=[{"action": "a"}, {"action": "b"}])
        assert ImportedLessonSchema().load(data) == ImportedLessonSchema().load(data)


class TestPatch:
    def test_every_field_is_optional_and_null_means_remove(self):
        assert LessonPatchSchema().load({}) == {}
        assert LessonPatchSchema().load({"impact": None, "severity": "LOW"}) == {"impact": None, "severity": "LOW"}

    def test_required_fields_cannot_be_removed(self):
        assert errors_of({"title": None}, LessonPatchSchema()) == {"title": ["Field may not be null."]}

    def test_nested_values_are_validated_whole_and_ids_left_to_the_caller(self):
        loaded = LessonPatchSchema().load({"action_items": [{"action": "new"}]})
        assert loaded == {"action_items": [{"action": "new", "status": "OPEN"}]}
        assert errors_of({"references": [{"type": "JIRA"}]}, LessonPatchSchema()) == {
            "references": {0: {"link": ["Missing data for required field."]}}}

    def test_server_owned_fields_are_refused(self):
        assert errors_of({"approver": "me"}, LessonPatchSchema()) == {
            "approver": ["Set by the server; it cannot be given in this request."]}


class TestDump:
    def test_a_loaded_lesson_dumps_unchanged(self):
        data = ImportedLessonSchema().load(lesson(
            id="LL-2026-01-31-001", timestamp_created="2026-01-31T14:30:00Z",
            action_items=[{"action": "a", "due_date": "2026-03-01"}], metrics={"business_impact_usd": 10},
            follow_up={"notes": "n"}))
        assert LessonSchema().dump({**data, "version": 2}) == {**data, "version": 2}

    def test_python_values_dump_as_canonical_json(self):
        dumped = LessonSchema().dump(lesson(
            category=Category.SECURITY,
            timestamp_created=datetime(2026, 2, 1, 14, 30, tzinfo=timezone.utc),
            updated_at="2026-02-01T15:30:00+01:00", approval_date="not a date",
            action_items=[{"action": "a", "due_date": date(2026, 3, 1),
                           "completion_date": datetime(2026, 3, 2, 10, tzinfo=timezone.utc)}]))
        assert dumped["category"] == "SECURITY"
        assert dumped["timestamp_created"] == "2026-02-01T14:30:00Z"
        assert dumped["updated_at"] == "2026-02-01T14:30:00Z"
        assert dumped["approval_date"] == "not a date"
        assert dumped["action_items"][0]["due_date"] == "2026-03-01"
        assert dumped["action_items"][0]["completion_date"] == "2026-03-02"
        assert LessonSchema().dump({"updated_at": None}) == {"updated_at": None}


def test_every_field_is_described_with_an_example_for_openapi():
    from llsearch.model.lesson import ActionItemSchema, FollowUpSchema, MetricsSchema, ReferenceSchema

    for schema in (ImportedLessonSchema(), ActionItemSchema(), ReferenceSchema(), MetricsSchema(), FollowUpSchema()):
        for name, field in schema.fields.items():
            assert field.metadata.get("description"), (type(schema).__name__, name)
            assert "example" in field.metadata, (type(schema).__name__, name)
    assert LESSON_FIELDS == tuple(ImportedLessonSchema().fields) == tuple(LessonSchema().fields)
