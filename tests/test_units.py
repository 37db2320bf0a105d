"""One way of writing a value by its unit, for every rendering (`formcheck.report.units`)."""

from __future__ import annotations

import pytest

from formcheck.report.units import (
    format_limit,
    format_value,
    measure_unit,
    measured,
    rounded,
    rounded_limit,
    to_ascii,
)


@pytest.mark.parametrize(
    ("value", "unit", "against", "expected"),
    [
        (158.23, "deg", None, "158°"),
        (164.6, "deg", 165.0, "164.6°"),  # a miss never reads as its limit
        (165.0, "deg", 165.0, "165°"),
        (0.96, "s", 1.0, "0.96 s"),
        (2.34, "s", None, "2.3 s"),
        (0.0634, "shin", 0.15, "0.06 shin lengths"),
        (0.05, "fraction", 0.15, "5 %"),
        (0.149, "fraction", 0.15, "14.9 %"),
        (0.954, "ratio", 0.9, "0.95 hip widths"),
        (-0.001, "deg", None, "0°"),
        (None, "deg", 165.0, "—"),
        (float("nan"), "s", None, "—"),
    ],
)
def test_format_value(value, unit, against, expected) -> None:
    assert format_value(value, unit, against=against) == expected


@pytest.mark.parametrize(
    ("comparison", "limit", "unit", "expected"),
    [
        ("<=", 0.15, "shin", "≤ 0.15 shin lengths"),  # was "≤ 0.1 shin"
        (">=", 165.0, "deg", "≥ 165°"),
        (">=", 1.0, "s", "≥ 1.0 s"),
        ("<=", 0.125, "shin", "≤ 0.125 shin lengths"),  # an override written as set
        ("within", 20.0, "deg", "within ±20°"),
        ("<=", 0.15, "fraction", "≤ 15 %"),
        (">=", None, "deg", "—"),
    ],
)
def test_format_limit(comparison, limit, unit, expected) -> None:
    assert format_limit(comparison, limit, unit) == expected


def test_messages_ascii_and_csv_agree_with_the_page() -> None:
    assert measured(164.6, ">=", 165.0, "deg") == "164.6° (needs ≥ 165°)"
    assert to_ascii(measured(0.96, ">=", 1.0, "s")) == "0.96 s (needs >= 1.0 s)"
    assert format_value(158.2, "deg", ascii=True) == "158 deg"
    assert format_limit("within", 20.0, "deg", ascii=True) == "within +/-20 deg"
    assert rounded(0.0634, "shin", against=0.15) == 0.06
    assert rounded(0.1494, "fraction", against=0.15) == 0.149
    assert rounded(179.74, "deg") == 180.0
    assert rounded_limit(0.125, "shin") == 0.125 and rounded_limit(0.15, "fraction") == 0.15


def test_measure_units_come_from_the_names() -> None:
    assert [measure_unit(n) for n in ("lower_s", "peak_hip_extension_deg", "foot_lift_cm")] == [
        "s",
        "deg",
        "cm",
    ]
    assert measure_unit("peak_bridge_height") == "thigh" and measure_unit("knee_gap") == ""
