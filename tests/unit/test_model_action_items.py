"""Changing one action item: its status rule and the patch schema for a single item."""

from datetime import date, datetime

import pytest
from marshmallow import ValidationError

from llsearch.model.lesson import ActionItemPatchSchema, apply_action_item_status, fill_completion_dates

TODAY = date(2026, 2, 10)


def test_completing_an_item_stamps_today():
    item = {"id": "A1", "action": "a", "status": "OPEN"}
    assert apply_action_item_status(item, "COMPLETED", TODAY) == {
        "id": "A1", "action": "a", "status": "COMPLETED", "completion_date": "2026-02-10"}
    assert item["status"] == "OPEN", "the input is left alone"


def test_completing_an_already_completed_item_keeps_its_date():
    item = {"action": "a", "status": "COMPLETED", "completion_date": "2026-01-05"}
    assert apply_action_item_status(item, "COMPLETED", TODAY)["completion_date"] == "2026-01-05"


@pytest.mark.parametrize("status", ["OPEN", "IN_PROGRESS"])
def test_reopening_an_item_clears_its_completion_date(status):
    item = {"action": "a", "status": "COMPLETED", "completion_date": "2026-01-05"}
    assert apply_action_item_status(item, status, TODAY) == {"action": "a", "status": status}


def test_bad_status_or_today():
    with pytest.raises(ValueError, match="OPEN, IN_PROGRESS, COMPLETED"):
        apply_action_item_status({"action": "a"}, "DONE", TODAY)
    with pytest.raises(TypeError):
        apply_action_item_status({"action": "a"}, "OPEN", datetime(2026, 2, 10))


def test_completed_items_without_a_date_get_today():
    items = [{"action": "a", "status": "COMPLETED"},
             {"action": "b", "status": "COMPLETED", "completion_date": "2026-01-01"},
             {"action": "c", "status": "OPEN"}]
    assert [item.get("completion_date") for item in fill_completion_dates(items, TODAY)] == [
        "2026-02-10", "2026-01-01", None]


def test_patching_one_item_sends_only_what_changes():
    schema = ActionItemPatchSchema()
    assert schema.load({}) == {}
    assert schema.load({"status": "IN_PROGRESS", "owner": None}) == {"status": "IN_PROGRESS", "owner": None}
    with pytest.raises(ValidationError) as caught:
        schema.load({"id": "A2", "action": None, "status": "OPEN", "completion_date": "2026-02-01"})
    assert caught.value.messages == {
        "id": ["Unknown field."],
        "action": ["Field may not be null."],
    }
    with pytest.raises(ValidationError) as caught:
        schema.load({"status": "OPEN", "completion_date": "2026-02-01"})
    assert "completion_date" in caught.value.messages
