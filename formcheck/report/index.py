"""A batch's ``index.html``: one sortable table of the session's clips (inline CSS and JS)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape
from importlib import resources
from string import Template
from typing import Any
from urllib.parse import quote

from formcheck import __version__
from formcheck.report.words import cue_words

#: (header, row key, numeric)
COLUMNS: tuple[tuple[str, str, bool], ...] = (
    ("Athlete", "athlete", False),
    ("Clip", "clip", False),
    ("Drill", "drill", False),
    ("Reps", "reps", True),
    ("Faults", "faults", True),
    ("Longest hold (s)", "longest_hold_s", True),
    ("Status", "status", False),
)
LINKS = (
    ("report_html", "report"),
    ("report_json", "JSON"),
    ("reps_csv", "CSV"),
    ("video", "video"),
)


def _cell(row: Mapping[str, Any], key: str, numeric: bool, status: str) -> str:
    value = row.get(key, "")
    text = escape(str(value))
    if key == "status":
        text = f'<span class="status {escape(status.replace(" ", "-"))}">{text}</span>'
    elif key == "faults" and value not in ("", None):
        cues = [c for c in str(row.get("fault_cues", "")).split(";") if c]
        names = ", ".join(cue_words(c).key_point for c in cues)
        text += f'<div class="small muted">{escape(names)}</div>'
    elif key == "drill" and row.get("view"):
        text += f'<div class="small muted">{escape(str(row["view"]))}</div>'
    cls = {"faults": ' class="num faults"', "drill": ' class="drill"'}.get(
        key, ' class="num"' if numeric else ""
    )
    return f'<td{cls} data-sort="{escape(str(value))}">{text}</td>'


def _row(row: Mapping[str, Any], outcome_status: str) -> str:
    status = str(row.get("status", "")) if outcome_status != "skipped" else "skipped"
    cells = [
        _cell({**row, "status": status if status != "skipped" else "ok (kept)"}, k, n, status)
        for _, k, n in COLUMNS
    ]
    links = " · ".join(
        f'<a href="{escape(quote(str(row[k])))}">{label}</a>' for k, label in LINKS if row.get(k)
    )
    notes = escape(str(row.get("error") or row.get("warnings") or ""))
    classes = ["error"] * (status == "error") + ["attention"] * bool(row.get("faults"))
    return f'<tr class="{" ".join(classes)}">{"".join(cells)}<td>{links}</td><td class="small">{notes}</td></tr>'


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def _athletes(outcomes: Sequence[Any]) -> str:
    """Per athlete: clips, reps, faults and failures, the athletes with most faults first."""
    totals: dict[str, list[int]] = {}
    for o in outcomes:
        t = totals.setdefault(str(o.row.get("athlete", "")), [0, 0, 0, 0])
        t[0] += 1
        t[1] += _int(o.row.get("reps"))
        t[2] += _int(o.row.get("faults"))
        t[3] += o.status == "error"
    if len(totals) < 2:
        return ""
    order = sorted(totals.items(), key=lambda kv: (-kv[1][2], -kv[1][3], kv[0]))
    rows = "".join(
        f'<tr class="{"attention" if t[2] else ""}"><td>{escape(name)}</td><td class="num">{t[0]}</td>'
        f'<td class="num">{t[1]}</td><td class="num faults">{t[2]}</td><td class="num">{t[3]}</td></tr>'
        for name, t in order
    )
    head = "<tr><th>Athlete</th><th>Clips</th><th>Reps</th><th>Faults</th><th>Failed</th></tr>"
    return f'<h2>By athlete</h2><table id="athletes" class="small-table">{head}{rows}</table>'


def render_index(result: Any, *, pending: Sequence[str] = (), running: bool = False) -> str:
    """The page for a `formcheck.batch.BatchResult`; ``pending`` lists clips not yet run
    (``running``: the batch is still going, or was killed before it could say otherwise)."""
    not_run = "not run yet (batch running, or killed)" if running else "not run (interrupted)"
    outcomes = result.outcomes
    counts = {
        "clips": len(outcomes) + len(pending),
        "analysed now": len(result.analysed),
        "kept from before": len(result.skipped),
        "failed": len(result.failed),
        "not run": len(pending),
        "with faults": sum(1 for o in outcomes if o.row.get("faults")),
    }
    cards = "".join(f"<div><b>{n}</b>{escape(k)}</div>" for k, n in counts.items())
    head = (
        "".join(f'<th scope="col">{escape(h)}</th>' for h, _, _ in COLUMNS)
        + "<th>Files</th><th>Notes</th>"
    )
    rows = "".join(_row(o.row, o.status) for o in outcomes)
    rows += "".join(
        f'<tr><td></td><td>{escape(p)}</td><td colspan="7" class="muted">{not_run}</td></tr>'
        for p in pending
    )
    ignored = (
        f'<p class="small muted">Not videos, left alone: {escape(", ".join(result.ignored))}</p>'
        if result.ignored
        else ""
    )
    body = (
        "<h1>Session review</h1>"
        f'<div class="muted small">formcheck {escape(__version__)} · {escape(result.executor)} executor, '
        f"{result.workers} worker(s) · {result.seconds:.1f} s · summary: "
        '<a href="summary.csv">summary.csv</a> · click a column to sort</div>'
        f'<div class="cards">{cards}</div>'
        f"{_athletes(outcomes)}<h2>Clips</h2>"
        f'<table id="clips"><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>{ignored}'
    )
    template = (
        resources.files("formcheck.report")
        .joinpath("templates").joinpath("index.html")
        .read_text(encoding="utf-8")
    )
    return Template(template).substitute(title="formcheck — session review", body=body)
