"""Values by unit: the one place that decides how a number is written for a reader.

Every rendering calls these: the cue messages, the console, the HTML report, the CSV and the
on-screen text of the annotated video and the live overlay. Each unit has its precision
(`UNITS`); a value next to its limit gets as many more decimals as it takes not to read as the
limit itself ("top pause 0.96 s (needs ≥ 1.0 s)", never "1.0 s (needs ≥ 1.0 s)"), and a limit
is written exactly as set (a 0.15 limit is "0.15", never "0.1" or "0.2").
"""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class Unit:
    #: decimals a reader needs, in the shown scale
    digits: int
    #: what follows the number ("°", " s", " shin lengths")
    suffix: str
    #: shown = stored × scale (a fraction is shown in percent)
    scale: float = 1.0
    #: the suffix where only ASCII can be drawn (OpenCV's fonts)
    ascii_suffix: str | None = None


#: unit code (``CueResult.unit``, a measure's name suffix) → how it is written
UNITS: dict[str, Unit] = {
    "deg": Unit(0, "°", ascii_suffix=" deg"),
    "s": Unit(1, " s"),
    "fraction": Unit(0, " %", scale=100.0),
    "cm": Unit(1, " cm"),
    "thigh": Unit(2, " thigh lengths"),
    "thigh/s": Unit(2, " thigh lengths/s"),
    "shin": Unit(2, " shin lengths"),
    "trunk": Unit(2, " trunk lengths"),
    "ratio": Unit(2, " hip widths"),
    "": Unit(2, ""),
}
#: a limit or a near-limit value gets at most this many decimals more than its unit's
MAX_EXTRA_DIGITS = 3
#: what a missing value is written as
MISSING = "—"

_ASCII = str.maketrans({"≥": ">=", "≤": "<=", "±": "+/-", "°": " deg", "–": "-", "—": "-", "…": "..."})


def unit_of(unit: str) -> Unit:
    """The unit's way of writing; an unknown code is written after the number as it is."""
    return UNITS.get(unit, Unit(2, f" {unit}"))


def measure_unit(name: str) -> str:
    """The unit code of a named measure, from the unit in its name (``lower_s`` → ``s``)."""
    if name.endswith("bridge_height"):
        return "thigh"
    for suffix in ("_deg", "_s", "_cm"):
        if name.endswith(suffix):
            return suffix[1:]
    return ""


def _finite(v: float | None) -> bool:
    return v is not None and math.isfinite(v)


def _exact_digits(x: float, digits: int) -> int:
    """Decimals (at least ``digits``) that write ``x`` exactly, up to `MAX_EXTRA_DIGITS` more."""
    for d in range(digits, digits + MAX_EXTRA_DIGITS + 1):
        if abs(round(x, d) - x) < 1e-9:
            return d
    return digits + MAX_EXTRA_DIGITS


def limit_decimals(limit: float, unit: str) -> int:
    """Decimals that write a limit exactly as set, at least its unit's (0.15 → 2, 165 → 0)."""
    u = unit_of(unit)
    return _exact_digits(float(limit) * u.scale, u.digits)


def decimals(value: float | None, unit: str, limit: float | None = None) -> int:
    """Decimals to write ``value`` with, in the shown scale: its unit's, or the ``limit``'s,
    and more while the value would read as the limit it misses."""
    u = unit_of(unit)
    if not _finite(limit):
        return u.digits
    lim = float(limit) * u.scale  # type: ignore[arg-type]
    d = limit_decimals(float(limit), unit)  # type: ignore[arg-type]
    if not _finite(value):
        return d
    v = float(value) * u.scale  # type: ignore[arg-type]
    while v != lim and round(v, d) == round(lim, d) and d < u.digits + MAX_EXTRA_DIGITS:
        d += 1
    return d


def _written(value: float, unit: str, d: int, ascii: bool) -> str:
    u = unit_of(unit)
    suffix = u.ascii_suffix if ascii and u.ascii_suffix is not None else u.suffix
    text = f"{value * u.scale:.{d}f}"
    if text.startswith("-") and float(text) == 0.0:
        text = text[1:]  # "-0" reads as a sign where there is none
    return text + suffix


def format_value(
    value: float | None, unit: str, *, against: float | None = None, ascii: bool = False
) -> str:
    """``value`` with its unit ("158°", "1.2 s", "5 %", "0.06 shin lengths"); ``against`` its
    limit, to write both alike; `MISSING` when there is none."""
    if not _finite(value):
        return MISSING
    return _written(float(value), unit, decimals(value, unit, against), ascii)  # type: ignore[arg-type]


def format_limit(comparison: str, limit: float | None, unit: str, *, ascii: bool = False) -> str:
    """The limit as a reader sees it, exactly as set: "≥ 165°", "≤ 0.15 shin lengths",
    "within ±20°"."""
    if not _finite(limit):
        return MISSING
    d = limit_decimals(float(limit), unit)  # type: ignore[arg-type]
    text = _written(float(limit), unit, d, ascii)  # type: ignore[arg-type]
    if comparison == "within":
        text = f"within ±{text}"
    elif comparison in (">=", "<="):
        text = f"{'≥' if comparison == '>=' else '≤'} {text}"
    return to_ascii(text) if ascii else text


def needs(comparison: str, limit: float | None, unit: str) -> str:
    """"(needs ≥ 165°)": the limit written for a message."""
    return f"(needs {format_limit(comparison, limit, unit)})"


def measured(value: float | None, comparison: str, limit: float | None, unit: str) -> str:
    """"158° (needs ≥ 165°)": a value and the limit it is judged against."""
    return f"{format_value(value, unit, against=limit)} {needs(comparison, limit, unit)}"


def _scale_digits(unit: str) -> int:
    scale = unit_of(unit).scale
    return round(math.log10(scale)) if scale > 1 else 0


def rounded(value: float | None, unit: str, *, against: float | None = None) -> float | None:
    """``value`` in its stored scale, rounded as `format_value` writes it (for the CSV)."""
    if not _finite(value):
        return None
    return round(float(value), decimals(value, unit, against) + _scale_digits(unit))  # type: ignore[arg-type]


def rounded_limit(limit: float | None, unit: str) -> float | None:
    """A limit in its stored scale, as `format_limit` writes it."""
    if not _finite(limit):
        return None
    return round(float(limit), limit_decimals(float(limit), unit) + _scale_digits(unit))  # type: ignore[arg-type]


def to_ascii(text: str) -> str:
    """``text`` in the ASCII that OpenCV's fonts can draw (≥ → >=, ° → deg, …)."""
    return text.translate(_ASCII).encode("ascii", "replace").decode()
