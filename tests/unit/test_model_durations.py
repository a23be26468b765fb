"""ISO 8601 durations of the metrics: what parses, what is refused and why, the canonical form."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from llsearch.model.durations import MAX_DURATION_SECONDS, format_duration, parse_duration_seconds


@pytest.mark.parametrize(
    "text, seconds",
    [
        ("PT2H30M", 9000), ("PT5H", 18000), ("PT45S", 45), ("PT0S", 0), ("P1D", 86400),
        ("P1W", 604800), ("P1W2DT3H4M5S", 604800 + 2 * 86400 + 3 * 3600 + 4 * 60 + 5),
        ("PT1.5S", 1.5), ("PT0,25S", 0.25), ("PT1.0S", 1), ("PT90M", 5400), ("P0D", 0),
    ],
)
def test_durations_convert_to_seconds_exactly(text, seconds):
    value = parse_duration_seconds(text)
    assert value == seconds
    assert type(value) is type(seconds)


@pytest.mark.parametrize(
    "text, reason",
    [
        ("P", "empty duration"), ("PT", "'T' must be followed"), ("P1DT", "'T' must be followed"),
        ("P1Y", "years and months"), ("P2M", "years and months"), ("P1Y2M3D", "years and months"),
        ("-PT1H", "negative"), ("pt1h", "upper-case"), ("PT1.5H", "only the seconds"),
        ("P1.5D", "only the seconds"), ("2H30M", "not a duration"), ("PT1H ", "not a duration"),
        ("", "not a duration"), ("PT1H30", "not a duration"), ("PT30M1H", "not a duration"),
    ],
)
def test_bad_durations_say_why(text, reason):
    with pytest.raises(ValueError, match=reason):
        parse_duration_seconds(text)


def test_non_strings_and_absurd_lengths_are_refused():
    with pytest.raises(ValueError, match="not a duration"):
        parse_duration_seconds(3600)
    with pytest.raises(ValueError, match="too long"):
        parse_duration_seconds("PT" + "1" * 70 + "S")
    with pytest.raises(ValueError, match="100 years"):
        parse_duration_seconds("P99999W")


@pytest.mark.parametrize(
    "seconds, text",
    [
        (9000, "PT2H30M"), (18000, "PT5H"), (0, "PT0S"), (86400, "P1D"), (90061.5, "P1DT1H1M1.5S"),
        (0.1, "PT0.1S"), (60, "PT1M"), (1e-12, "PT0S"), (2.0000000004, "PT2S"), (Decimal("2.50"), "PT2.5S"),
        (1e-7, "PT0.0000001S"),
        (86400 * 7, "P7D"), (3601, "PT1H1S"),
    ],
)
def test_the_canonical_form(seconds, text):
    assert format_duration(seconds) == text


@pytest.mark.parametrize("bad, error", [(-1, ValueError), (float("nan"), ValueError), (float("inf"), ValueError),
                                        (True, TypeError), ("60", TypeError)])
def test_formatting_refuses_what_is_not_a_duration(bad, error):
    with pytest.raises(error):
        format_duration(bad)


@given(st.integers(min_value=0, max_value=MAX_DURATION_SECONDS))
def test_whole_seconds_round_trip(seconds):
    assert parse_duration_seconds(format_duration(seconds)) == seconds


@given(st.floats(min_value=0, max_value=10**6, allow_nan=False).map(lambda x: round(x, 6)))
def test_fractional_seconds_round_trip(seconds):
    assert parse_duration_seconds(format_duration(seconds)) == seconds
