"""Settings: every threshold's default in one place, and the user's overrides.

Keys are ``"<section>.<param>"``: a cue's threshold is ``"<cue id>.<param>"`` (e.g.
``slgb.hips_up.min_peak_hip_extension_deg``); signal cleaning is ``signals.<param>`` and
segmentation ``segment.<param>``. Defaults come from the drills' data (`formcheck.drills`) and
the `SignalParams` / `SegmentParams` dataclasses — nowhere else.

Overrides come from ``--set key=value`` strings and from a TOML file, e.g.::

    ["slgb.hips_up"]
    min_peak_hip_extension_deg = 160

    [signals]
    visibility_floor = 0.4

An unknown key raises `BadSettings` naming the closest valid keys. Every key has a valid range
(`valid_range`): derived from its unit suffix (``_deg`` 0–180, ``_s`` 0–3600, ``_cm`` 0–200,
``_fraction`` 0–1, ``_percentile`` 0–100, lengths in body units 0–10 …), or given in
`EXPLICIT_RANGES`; a value outside it, a bool or a non-number raises `BadSettings` when settings
load.
"""

from __future__ import annotations

import dataclasses
import difflib
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

try:  # Python 3.11+ has tomllib; 3.10 needs the tomli backport (same API)
    import tomllib
except ModuleNotFoundError:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib  # type: ignore[no-redef]

from formcheck.drills import DRILLS, Drill
from formcheck.errors import BadSettings
from formcheck.segment import SegmentParams
from formcheck.signals import SignalParams

#: (lowest, highest) allowed for a parameter name's unit suffix, first match wins. The highest
#: values are far past any real choice (an hour, two metres, ten body segments): they catch a
#: typo such as 1e300 rather than judge what a coach may want
_SUFFIX_RANGES: tuple[tuple[str, tuple[float, float]], ...] = (
    ("_deg", (0.0, 180.0)),
    ("_percentile", (0.0, 100.0)),
    ("_fraction", (0.0, 1.0)),
    ("_per_s", (0.0, 100.0)),
    ("_s", (0.0, 3600.0)),
    ("_hz", (0.0, 1000.0)),
    ("_cm", (0.0, 200.0)),
    ("_trunk", (0.0, 10.0)),
    ("_thigh", (0.0, 10.0)),
    ("_shin", (0.0, 10.0)),
    ("_ratio", (0.0, 100.0)),
    ("_range", (0.0, 10.0)),
)

#: ranges that a suffix does not give (keys are full setting keys or bare parameter names)
EXPLICIT_RANGES: dict[str, tuple[float, float]] = {
    "visibility_floor": (0.0, 1.0),
    "one_euro_beta": (0.0, 100.0),
    "signals.thigh_length_cm": (10.0, 100.0),
    # the hips' speed is measured over this window: it cannot be empty
    "slgb.not_your_bone.contact_window_s": (0.01, 3600.0),
}


def valid_range(key: str) -> tuple[float, float]:
    """The (lowest, highest) value a setting may take, both inclusive."""
    name = key.rsplit(".", 1)[-1]
    for explicit in (key, name):
        if explicit in EXPLICIT_RANGES:
            return EXPLICIT_RANGES[explicit]
    for suffix, bounds in _SUFFIX_RANGES:
        if name.endswith(suffix):
            return bounds
    raise KeyError(
        f"setting {key!r} has no valid range: give it a unit suffix or an explicit range"
    )


def _in_range(key: str, value: float) -> float:
    lo, hi = valid_range(key)
    if not lo <= value <= hi:
        raise BadSettings(
            f"setting {key!r}: {value:g} is out of range (must be between {lo:g} and {hi:g})"
        )
    return value


def defaults() -> dict[str, float]:
    """Every settable key with its default value."""
    out: dict[str, float] = {}
    for drill in DRILLS.values():
        for cue in drill.cues:
            for name, value in cue.params.items():
                out[f"{cue.id}.{name}"] = float(value)
    for section, params in (("signals", SignalParams()), ("segment", SegmentParams())):
        for f in dataclasses.fields(params):
            out[f"{section}.{f.name}"] = float(getattr(params, f.name))
    return out


def valid_keys() -> list[str]:
    return sorted(defaults())


def _unknown(key: str) -> BadSettings:
    close = difflib.get_close_matches(key, valid_keys(), n=3, cutoff=0.5)
    hint = f" Did you mean {', '.join(close)}?" if close else ""
    return BadSettings(f"unknown setting {key!r}.{hint} `formcheck drills` lists every key.")


def _number(key: str, raw: Any) -> float:
    if isinstance(raw, bool):
        raise BadSettings(f"setting {key!r}: {raw!r} is not a number")
    try:
        value = float(raw)
    except (TypeError, ValueError):
        raise BadSettings(f"setting {key!r}: {raw!r} is not a number") from None
    if not math.isfinite(value):
        raise BadSettings(f"setting {key!r}: {raw!r} is not a finite number")
    return _in_range(key, value)


def parse_override(text: str) -> tuple[str, float]:
    """``"cue.id.param=value"`` → (key, value); `BadSettings` on a malformed or unknown key."""
    if "=" not in text:
        raise BadSettings(
            f"setting {text!r} must look like key=value, e.g. slgb.hips_up.min_peak_hip_extension_deg=160"
        )
    key, raw = (s.strip() for s in text.split("=", 1))
    if key not in defaults():
        raise _unknown(key)
    return key, _number(key, raw)


def _flatten(table: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in table.items():
        key = f"{prefix}.{k}" if prefix else str(k)
        if isinstance(v, Mapping):
            out.update(_flatten(v, key))
        else:
            out[key] = v
    return out


def read_toml(path: str | Path) -> dict[str, float]:
    """Overrides from a TOML file (tables are key prefixes)."""
    path = Path(path)
    try:
        # utf-8-sig: Windows editors start a UTF-8 file with a byte-order mark
        data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise BadSettings(f"settings file not found: {path}") from None
    except IsADirectoryError:
        raise BadSettings(f"settings file {path} is a folder, not a TOML file") from None
    except UnicodeDecodeError:
        raise BadSettings(f"settings file {path} is not a UTF-8 text (TOML) file") from None
    except OSError as err:
        raise BadSettings(f"cannot read settings file {path}: {err.strerror}") from None
    except tomllib.TOMLDecodeError as err:
        raise BadSettings(f"settings file {path} is not valid TOML: {err}") from None
    known = defaults()
    out = {}
    for key, raw in _flatten(data).items():
        if key not in known:
            raise _unknown(key)
        out[key] = _number(key, raw)
    return out


@dataclass(frozen=True, kw_only=True)
class Settings:
    """The user's overrides over the defaults (only keys that were set)."""

    overrides: dict[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        known = defaults()
        for key, value in self.overrides.items():
            if key not in known:
                raise _unknown(key)
            _number(key, value)

    @classmethod
    def load(
        cls, overrides: Iterable[str] | Mapping[str, float] = (), toml: str | Path | None = None
    ) -> Settings:
        """Settings from a TOML file, then ``key=value`` overrides (which win)."""
        values: dict[str, float] = read_toml(toml) if toml else {}
        if isinstance(overrides, Mapping):
            values.update({k: _number(k, v) for k, v in overrides.items()})
        else:
            values.update(dict(parse_override(o) for o in overrides))
        return cls(overrides=values)

    def get(self, key: str) -> float:
        if key in self.overrides:
            return float(self.overrides[key])
        try:
            return defaults()[key]
        except KeyError:
            raise _unknown(key) from None

    def _section(self, section: str, cls: type) -> Any:
        prefix = section + "."
        mine = {k[len(prefix) :]: v for k, v in self.overrides.items() if k.startswith(prefix)}
        return cls(**mine)

    def signal_params(self) -> SignalParams:
        return self._section("signals", SignalParams)

    def segment_params(self) -> SegmentParams:
        return self._section("segment", SegmentParams)

    def drill(self, drill: Drill) -> Drill:
        """The drill with this settings' thresholds applied."""
        return drill.with_overrides(self.overrides)

    def changed(self) -> dict[str, float]:
        """Overrides whose value differs from the default (for the report)."""
        known = defaults()
        return {k: v for k, v in sorted(self.overrides.items()) if known.get(k) != v}


def overrides_line(changed: Mapping[str, float]) -> str:
    """The console's line for overridden thresholds ("" when none), e.g.
    ``thresholds overridden: slgb.hips_up.min_peak_hip_extension_deg=150``."""
    if not changed:
        return ""
    return "thresholds overridden: " + ", ".join(f"{k}={v:g}" for k, v in changed.items())


def load_settings(
    overrides: Iterable[str] | Mapping[str, float] = (), toml_path: str | Path | None = None
) -> Settings:
    """Settings from ``--set key=value`` strings and a TOML file (the CLI's entry point);
    `BadSettings` names the closest keys when one is unknown."""
    return Settings.load(overrides, toml=toml_path)
