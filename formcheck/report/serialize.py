"""Report ⇄ JSON, and the JSON Schema generated from the report's dataclasses.

The schema file ``formcheck/report/report.schema.json`` is written by
``python -m formcheck.report.serialize``; a test checks that it matches the dataclasses.
"""

from __future__ import annotations

import dataclasses
import json
import math
import types
import typing
from enum import Enum
from pathlib import Path
from typing import Any

from formcheck.report.model import SCHEMA_VERSION, Report, Segment

SCHEMA_PATH = Path(__file__).with_name("report.schema.json")


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if hasattr(value, "item"):  # numpy scalars
        return _plain(value.item())
    return value


def report_to_dict(report: Report) -> dict[str, Any]:
    """A JSON-ready dict (NaN and inf become null)."""
    return _plain(report)


def report_to_json(report: Report, indent: int | None = 2) -> str:
    return json.dumps(report_to_dict(report), indent=indent, allow_nan=False)


def write_report_json(report: Report, path: str | Path) -> Path:
    """Write atomically: a half-written report never replaces a finished one."""
    from formcheck.fileio import write_text_atomic

    return write_text_atomic(path, report_to_json(report))


def _build(tp: Any, data: Any) -> Any:
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if data is None:
        return None
    if origin in (typing.Union, types.UnionType):
        inner = [a for a in args if a is not type(None)]
        return _build(inner[0], data) if len(inner) == 1 else data
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        hints = typing.get_type_hints(tp)
        kwargs = {
            f.name: _build(hints[f.name], data[f.name])
            for f in dataclasses.fields(tp)
            if f.name in data
        }
        return tp(**kwargs)
    if isinstance(tp, type) and issubclass(tp, Enum):
        return tp(data)
    if origin is list:
        return [_build(args[0], v) for v in data]
    if origin is dict:
        return {k: _build(args[1], v) for k, v in data.items()}
    if tp is float and isinstance(data, int):
        return float(data)
    return data


def report_from_dict(data: dict[str, Any]) -> Report:
    major = str(data.get("schema_version", "0")).split(".")[0]
    if major != SCHEMA_VERSION.split(".")[0]:
        raise ValueError(f"report schema {data.get('schema_version')} is not {SCHEMA_VERSION}")
    return typing.cast(Report, _build(Report, data))


def segment_from_dict(data: dict[str, Any]) -> Segment:
    """One segment of a report's JSON form back as a `Segment` (what a renderer of the dict
    passes to `formcheck.report.words`)."""
    return typing.cast(Segment, _build(Segment, data))


def read_report_json(path: str | Path) -> Report:
    return report_from_dict(json.loads(Path(path).read_text(encoding="utf-8")))


# -- JSON Schema ---------------------------------------------------------------------------------

_PRIMITIVES: dict[Any, dict[str, Any]] = {
    str: {"type": "string"},
    int: {"type": "integer"},
    float: {"type": "number"},
    bool: {"type": "boolean"},
}


def _schema_for(tp: Any, defs: dict[str, Any]) -> dict[str, Any]:
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if tp in _PRIMITIVES:
        return dict(_PRIMITIVES[tp])
    if tp is type(None):
        return {"type": "null"}
    if origin in (typing.Union, types.UnionType):
        return {"anyOf": [_schema_for(a, defs) for a in args]}
    if origin is list:
        return {"type": "array", "items": _schema_for(args[0], defs)}
    if origin is dict:
        return {"type": "object", "additionalProperties": _schema_for(args[1], defs)}
    if isinstance(tp, type) and issubclass(tp, Enum):
        return {"type": "string", "enum": [m.value for m in tp]}
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        name = tp.__name__
        if name not in defs:
            defs[name] = {}  # placeholder against recursion
            hints = typing.get_type_hints(tp)
            props = {f.name: _schema_for(hints[f.name], defs) for f in dataclasses.fields(tp)}
            required = [
                f.name
                for f in dataclasses.fields(tp)
                if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
            ]
            doc = (tp.__doc__ or "").strip().splitlines()
            defs[name] = {
                "type": "object",
                "properties": props,
                "required": sorted(set(required) | set(props)),
                "additionalProperties": False,
                **({"description": doc[0]} if doc and not doc[0].startswith(name + "(") else {}),
            }
        return {"$ref": f"#/$defs/{name}"}
    raise TypeError(f"no JSON Schema for {tp!r}")


def report_schema() -> dict[str, Any]:
    """JSON Schema (2020-12) of a serialised `Report`, generated from the dataclasses."""
    defs: dict[str, Any] = {}
    root = _schema_for(Report, defs)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"formcheck-report-{SCHEMA_VERSION}",
        "title": "formcheck report",
        **root,
        "$defs": dict(sorted(defs.items())),
    }


def write_schema(path: Path = SCHEMA_PATH) -> Path:
    path.write_text(json.dumps(report_schema(), indent=2) + "\n", encoding="utf-8")
    return path


if __name__ == "__main__":
    print(write_schema())
