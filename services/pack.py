"""The meeting pack: agenda, one summary per item (map and network extracts, chronology
highlights, harms and strengths, decision, actions) and the action log, as HTML then PDF.

Pseudonymised by default: the pack is built for a viewer in safety-planning mode unless the
caller passes a named-mode viewer entitled to names. Every data string is escaped. Every
export is recorded in the audit trail with its purpose (:func:`export`).
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from html import escape
from typing import Any

import pandas as pd

from analytics import chronology
from data.store import Store
from domain import audit, labels
from domain.access import Viewer
from domain.errors import NotFoundError, ValidationError
from services import briefing, item_summary

CSS = """
@page { size: A4; margin: 16mm 14mm 18mm 14mm;
        @bottom-left { content: "CSMap meeting pack - OFFICIAL-SENSITIVE - " string(mode);
                       font-family: "DejaVu Sans", sans-serif; font-size: 7.5pt; color: #555; }
        @bottom-right { content: "Page " counter(page) " of " counter(pages);
                        font-family: "DejaVu Sans", sans-serif; font-size: 7.5pt;
                        color: #555; } }
body { font-family: "DejaVu Sans", sans-serif; font-size: 9.5pt; color: #1d1d1d; }
h1 { font-size: 18pt; margin: 0 0 4pt 0; }
h2 { font-size: 13pt; border-bottom: 2px solid #1f4e79; padding-bottom: 2pt; margin-top: 14pt;
     color: #1f4e79; }
h3 { font-size: 10.5pt; margin: 8pt 0 3pt 0; }
.mode { string-set: mode content(); font-weight: bold; }
.banner { background: #fff4d6; border: 1px solid #e0b84c; padding: 4pt 6pt; margin: 6pt 0; }
.item { page-break-before: always; }
.meta { color: #555; font-size: 8.5pt; }
table { border-collapse: collapse; width: 100%; margin: 4pt 0; }
th, td { border: 1px solid #c9c9c9; padding: 2.5pt 4pt; text-align: left; vertical-align: top;
         font-size: 8.5pt; }
th { background: #eef2f6; }
tr.overdue td { background: #fde2e1; }
.cols { display: flex; gap: 8pt; }
.col { flex: 1; border: 1px solid #d9d9d9; padding: 4pt 6pt; }
.figs { display: flex; gap: 6pt; }
.figs div { flex: 1; }
.figs img { width: 100%; border: 1px solid #d9d9d9; }
.flag { color: #8a4b00; font-size: 8pt; }
ul { margin: 2pt 0 2pt 12pt; padding: 0; }
"""


@dataclass(frozen=True)
class Pack:
    """A built pack: its HTML, the item ids it covers, and whether names are in it."""

    html: str
    items: tuple[str, ...]
    named: bool


def _e(value: Any) -> str:
    """A cell as escaped HTML text; dates as '01 Oct 2026', missing values blank."""
    if isinstance(value, pd.Timestamp | datetime | date) and not pd.isna(value):
        return escape(value.strftime("%d %b %Y"))
    return escape(chronology.text_or_blank(value))


def _img(svg_text: str, alt: str) -> str:
    data = base64.b64encode(svg_text.encode()).decode()
    return f'<img alt="{escape(alt)}" src="data:image/svg+xml;base64,{data}"/>'


def _ul(lines: list[str], empty: str) -> str:
    if not lines:
        return f"<p class='meta'>{escape(empty)}</p>"
    return "<ul>" + "".join(f"<li>{_e(x)}</li>" for x in lines) + "</ul>"


def _table(frame: pd.DataFrame, columns: dict[str, str], *,
           row_class: list[str] | None = None) -> str:
    if frame.empty:
        return "<p class='meta'>None.</p>"
    head = "".join(f"<th>{escape(t)}</th>" for t in columns.values())
    body = []
    for k, (_, r) in enumerate(frame.iterrows()):
        cls = f' class="{row_class[k]}"' if row_class and row_class[k] else ""
        body.append(f"<tr{cls}>" + "".join(f"<td>{_e(r[c])}</td>" for c in columns) + "</tr>")
    return f"<table><tr>{head}</tr>{''.join(body)}</table>"


def _actions_table(actions: pd.DataFrame, today: date) -> str:
    if actions.empty:
        return "<p class='meta'>No actions recorded.</p>"
    late = briefing.overdue(actions, today=today).tolist()
    shown = actions.assign(
        tactic=actions["tactic"].map(labels.label),
        status=[labels.label(s) + (" - OVERDUE" if o else "")
                for s, o in zip(actions["status"], late, strict=True)])
    cols = {"subject": "Item", "tactic": "Tactic", "description": "Action",
            "owner_name": "Owner", "due_date": "Due", "review_date": "Review",
            "status": "Status"}
    return _table(shown, cols, row_class=["overdue" if o else "" for o in late])


def _item_html(s: item_summary.ItemSummary, n: int, today: date) -> str:
    kind = {"child": "Child", "place": "Location", "group": "Peer group"}[s.subject_kind]
    parts = [f"<section class='item'><h2>{n}. {escape(kind)}: {_e(s.label)}</h2>",
             f"<p class='meta'>Why on the agenda: {_e(s.reason)}</p>",
             _ul(s.facts, ""),
             "<div class='figs'>",
             f"<div><h3>Map extract</h3>{_img(s.map_svg, 'map extract')}</div>",
             f"<div><h3>Network extract</h3>{_img(s.network_svg, 'network extract')}</div>",
             "</div>",
             "<div class='cols'>",
             f"<div class='col'><h3>Harms and vulnerabilities</h3>"
             f"{_ul(s.harms, 'None recorded.')}</div>",
             f"<div class='col'><h3>Strengths and protective factors</h3>"
             f"{_ul(s.strengths, 'None recorded yet.')}</div>",
             "</div>",
             "<h3>Chronology highlights</h3>",
             _table(s.highlights, {"date": "Date", "what": "What", "detail": "Detail"})]
    if not s.assessments.empty:
        parts.append("<h3>Contextual safeguarding assessment</h3>")
        parts.append(_table(s.assessments.assign(domain=s.assessments["domain"].map(labels.label)),
                            {"domain": "Domain", "body": "Assessment", "source_name": "Source",
                             "assessed_on": "Date"}))
    parts.append("<h3>Decision</h3>")
    parts.append(f"<p>{_e(s.decision) or '<span class=meta>Not recorded.</span>'}</p>")
    parts.append("<h3>Actions</h3>")
    parts.append(_actions_table(s.actions, today))
    parts.append("</section>")
    return "".join(parts)


def build(store: Store, viewer: Viewer, meeting_id: str, *, as_of: date,
          purpose: str) -> Pack:
    """The pack's HTML for ``viewer`` (its mode decides pseudonyms or names)."""
    meeting = store.frame("panel.meeting", viewer, {"meeting_id": meeting_id})
    if meeting.empty:
        raise NotFoundError(f"No meeting with id {meeting_id!r}.")
    m = meeting.iloc[0]
    items = store.frame("panel.items", viewer, {"meeting_id": meeting_id})
    items = items[items["status"] == "accepted"]
    actions = store.frame("panel.actions", viewer, {"meeting_id": meeting_id})
    named = viewer.shows_names
    mode = "CONTAINS NAMES (multi-agency)" if named else "PSEUDONYMISED (safety planning)"
    meta = store.meta()
    html = [f"<html><head><meta charset='utf-8'><style>{CSS}</style></head><body>",
            f"<h1>{_e(m['title'])}</h1>",
            f"<p>Panel meeting, {_e(m['held_on'])}. <span class='mode'>{escape(mode)}</span></p>",
            f"<p class='meta'>Exported {datetime.now():%d %b %Y %H:%M} by {_e(viewer.actor)} "
            f"({_e(viewer.role.value)}) for: {_e(purpose)}. Do not forward; share only with "
            "panel members for this purpose. Export recorded in the audit trail.</p>"]
    if meta.get("synthetic") == "true":
        html.append("<div class='banner'>Synthetic demo data: every person, place and event "
                    "is made up.</div>")
    html.append("<h2>Agenda</h2>")
    agenda = items.assign(subject_kind=items["subject_kind"].map(
        {"child": "Child", "place": "Location", "group": "Peer group"}))
    agenda.insert(0, "n", range(1, len(agenda) + 1))
    html.append(_table(agenda, {"n": "#", "subject_kind": "Kind", "label": "Subject",
                                "reason": "Why"}))
    html.append("<h2>Decisions and actions</h2>")
    html.append(_actions_table(actions, as_of))
    for n, (_, row) in enumerate(items.iterrows(), start=1):
        summary = item_summary.item_summary(store, viewer, {str(k): v for k, v in row.items()},
                                         as_of=as_of)
        html.append(_item_html(summary, n, as_of))
    html.append("</body></html>")
    return Pack("".join(html), tuple(items["item_id"]), named)


def to_pdf(html: str) -> bytes:
    """Render pack HTML to PDF bytes with WeasyPrint (no network access)."""
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    fetcher = URLFetcher(allowed_protocols=("data",), timeout=2)
    out = HTML(string=html, url_fetcher=fetcher).write_pdf()
    return bytes(out) if out is not None else b""


def export(store: Store, viewer: Viewer, meeting_id: str, *, as_of: date,
           purpose: str, recipients: Sequence[str]) -> bytes:
    """Build the PDF and record it as a disclosure (who, role, purpose, recipients, mode,
    items, the children on its agenda) in the audit."""
    purpose = (purpose or "").strip()
    if len(purpose) < 5:
        raise ValidationError("Say why the pack is being exported (at least a few words); "
                              "the purpose is recorded with the export.")
    recipients = audit.parse_recipients("\n".join(recipients))
    if not recipients:  # refused before anything is built
        raise ValidationError("Say who will receive the pack (recipients); a disclosure is "
                              "recorded with its recipients.")
    pack = build(store, viewer, meeting_id, as_of=as_of, purpose=purpose)
    pdf = to_pdf(pack.html)
    items = store.frame("panel.items", viewer, {"meeting_id": meeting_id})
    children = items[items["item_id"].isin(pack.items) & (items["subject_kind"] == "child")]
    store.audit(audit.Disclosure(
        who=audit.Who.of(viewer, purpose=purpose), object_kind="meeting_pack",
        object_id=meeting_id, person_ids=tuple(children["subject_id"].astype(str)),
        what="meeting pack", file_format="pdf", recipients=recipients, named=pack.named,
        counts={"items": len(pack.items), "bytes": len(pdf)}))
    return pdf
