"""Calendar dates and RFC 3339 date-times, normalised to UTC."""

from datetime import date, datetime, timedelta, timezone

import pytest

from llsearch.model.dates import format_datetime, normalize_datetime, parse_date, parse_datetime, utc_day


def test_real_days_parse():
    assert parse_date("2024-02-29") == date(2024, 2, 29)


@pytest.mark.parametrize("text, reason", [("2026-02-30", "not a calendar date"), ("2026-13-01", "not a calendar date"),
                                          ("2026-2-3", "expected YYYY-MM-DD"), ("20260203", "expected YYYY-MM-DD"),
                                          (None, "expected YYYY-MM-DD")])
def test_bad_days_are_refused(text, reason):
    with pytest.raises(ValueError, match=reason):
        parse_date(text)


@pytest.mark.parametrize(
    "text, canonical",
    [
        ("2026-02-01T14:30:00Z", "2026-02-01T14:30:00Z"),
        ("2026-02-01t14:30:00z", "2026-02-01T14:30:00Z"),
        ("2026-02-01 14:30:00+00:00", "2026-02-01T14:30:00Z"),
        ("2026-02-01T14:30:00+01:00", "2026-02-01T13:30:00Z"),
        ("2026-02-01T23:30:00-03:00", "2026-02-02T02:30:00Z"),
        ("2026-02-01T14:30:00.5Z", "2026-02-01T14:30:00.500Z"),
        ("2026-02-01T14:30:00.123456789Z", "2026-02-01T14:30:00.123456Z"),
        ("2026-02-01T14:30:00.000Z", "2026-02-01T14:30:00Z"),
    ],
)
def test_date_times_are_normalised_to_utc(text, canonical):
    assert normalize_datetime(text) == canonical


@pytest.mark.parametrize(
    "text, reason",
    [
        ("2026-02-01T14:30:00", "without a timezone"), ("2026-02-01", "not a date"),
        ("2026-02-30T10:00:00Z", "not a valid date-time"), ("2026-02-01T24:00:00Z", "not a valid date-time"),
        ("2026-02-01T10:00:00+24:00", "not a valid date-time"), ("0001-01-01T00:00:00+01:00", "not a valid"),
        ("yesterday", "RFC 3339"), (1700000000, "RFC 3339"), ("2026-02-01T10:00Z", "RFC 3339"),
    ],
)
def test_bad_date_times_are_refused(text, reason):
    with pytest.raises(ValueError, match=reason):
        parse_datetime(text)


def test_formatting_needs_an_aware_datetime():
    assert format_datetime(datetime(2026, 2, 1, 14, 30, tzinfo=timezone(timedelta(hours=2)))) == "2026-02-01T12:30:00Z"
    assert format_datetime(datetime(2026, 2, 1, microsecond=1, tzinfo=timezone.utc)) == "2026-02-01T00:00:00.000001Z"
    with pytest.raises(ValueError, match="naive"):
        format_datetime(datetime(2026, 2, 1))
    with pytest.raises(TypeError):
        format_datetime(date(2026, 2, 1))


def test_the_utc_day_of_a_date_time():
    assert utc_day("2026-02-01T23:30:00-03:00") == date(2026, 2, 2)
