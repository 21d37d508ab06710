"""The meeting pack: agenda, one summary per item (map and network extracts, chronology
highlights, harms and strengths, decision, actions) and the action log, as HTML then PDF.

Pseudonymised by default: the pack is built for a viewer in safety-planning mode unless the
caller passes a named-mode viewer entitled to names. The HTML comes from the Jinja2 templates
in ``services/templates/`` with autoescaping on, so every data string is escaped; nothing is
marked safe. Every export is recorded in the audit trail with its purpose (:func:`export`).
"""

from __future__ import annotations

import base64
import re
from collections.abc import Callable, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import jinja2
import pandas as pd
from markupsafe import Markup

from analytics import chronology, language
from data.store import Store
from domain import audit, vocabulary
from domain.access import Viewer
from domain.errors import NotFoundError, ValidationError
from domain.text import defang_links, strip_bidi
from services import briefing, item_summary


def _svg_data_uri(svg_text: str) -> Markup:
    """An SVG drawing as a ``data:`` URI for an ``<img src>``.

    The drawing is base64-encoded, so the page never parses it; services/svg.py escapes
    every data string it draws (labels, ward names), which keeps the drawing itself safe.
    (Marked safe: base64 has nothing to escape, and :func:`_finalize` must leave it whole.)
    """
    return Markup("data:image/svg+xml;base64,"  # noqa: S704  (base64 text only)
                  + base64.b64encode(svg_text.encode()).decode())


_REDACT: ContextVar[Callable[[str], str] | None] = ContextVar("pack_redact", default=None)
"""While a pseudonymised pack renders: what replaces names typed into its text."""


def _finalize(value: Any) -> Any:
    """Every data string the templates print: no direction controls, no live addresses
    (written ``https[:]//...``: a PDF keeps no invisible joiner, see :mod:`domain.text`), and
    in a pseudonymised pack no name of a person held (see :func:`name_redactor`); then
    autoescaping escapes it. Template output (macros, the drawing URIs) passes as it is."""
    if isinstance(value, str) and not isinstance(value, Markup):
        value = defang_links(strip_bidi(value))
        redact = _REDACT.get()
        return redact(value) if redact is not None else value
    return value


WITHHELD = "[name withheld]"


def name_redactor(store: Store, viewer: Viewer,
                  texts: Sequence[str]) -> Callable[[str], str]:
    """A function that replaces, in any of ``texts``, the names of people held in the store
    with their pseudonyms: a full name (either order, any case), or a given or family name on
    its own (as capitalised) when it belongs to one person only; a name shared by several
    people becomes "[name withheld]". Free text typed by users (agenda reasons, decisions,
    action descriptions) can carry a name into a pseudonymised pack; this takes it out."""
    wanted = sorted({t for t in texts if t and t.strip()})
    if not wanted:
        return lambda value: value
    found = store.frame("names.in_texts", viewer, {"texts": wanted}, limit=1_000_000)
    whole: dict[str, str] = {}
    parts: dict[str, set[str]] = {}
    for row in found.itertuples(index=False):
        if row.whole:
            whole.setdefault(str(row.found).lower(), str(row.pseudonym))
        else:
            parts.setdefault(str(row.found), set()).add(str(row.pseudonym))
    if not whole and not parts:
        return lambda value: value
    alternatives = sorted([*whole, *parts], key=len, reverse=True)
    pattern = re.compile(r"(?<![^\W_])(" + "|".join(map(re.escape, alternatives)) +
                         r")(?![^\W_])", re.IGNORECASE)

    def replace(match: re.Match[str]) -> str:
        text = match.group(0)
        if text.lower() in whole:
            return whole[text.lower()]
        owners = parts.get(text)
        if owners is None:  # a single name in another case: "will" is not "Will"
            return text
        return next(iter(owners)) if len(owners) == 1 else WITHHELD

    return lambda value: pattern.sub(replace, value)


ENV = jinja2.Environment(
    loader=jinja2.PackageLoader("services", "templates"),
    autoescape=jinja2.select_autoescape(("html", "htm", "xml"), default=True),
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    finalize=_finalize,
)
ENV.filters["svg_data_uri"] = _svg_data_uri


@dataclass(frozen=True)
class Pack:
    """A built pack: its HTML, the item ids it covers, and whether names are in it."""

    html: str
    items: tuple[str, ...]
    named: bool


@dataclass(frozen=True)
class Marked:
    """Text with its victim-blaming phrases marked where they stand: ``segments`` are
    (text, note) pairs, ``note`` saying what to say instead ("" for plain text)."""

    segments: tuple[tuple[str, str], ...]

    @property
    def flagged(self) -> bool:
        """True when a phrase is marked."""
        return any(note for _, note in self.segments)


def marked(value: Any, *, about_child: bool = True) -> Marked:
    """A cell or paragraph with its flagged wording marked (:func:`analytics.language.segments`)."""
    segs = language.segments(text(value), about_child=about_child)
    return Marked(tuple((t, f'say "{f.suggestion}"' if f else "") for t, f in segs))


@dataclass(frozen=True)
class Row:
    """One table row: its cells (text, or :class:`Marked` text), and a CSS class
    (``overdue``) or ""."""

    cells: tuple[str | Marked, ...]
    css_class: str = ""


@dataclass(frozen=True)
class Table:
    """A table for the template: headers, rows, and what to say when there are none."""

    headers: tuple[str, ...]
    rows: tuple[Row, ...] = ()
    empty: str = "None."


def text(value: Any) -> str:
    """A cell as text; dates as '01 Oct 2026', missing values blank."""
    if isinstance(value, pd.Timestamp | datetime | date) and not pd.isna(value):
        return value.strftime("%d %b %Y")
    return chronology.text_or_blank(value)


def _table(frame: pd.DataFrame, columns: dict[str, str], *,
           row_class: list[str] | None = None, empty: str = "None.") -> Table:
    rows = tuple(
        Row(tuple(text(r[c]) for c in columns), row_class[k] if row_class else "")
        for k, (_, r) in enumerate(frame.iterrows()))
    return Table(tuple(columns.values()), rows, empty)


def _actions_table(actions: pd.DataFrame, today: date, *, with_item: bool = True) -> Table:
    cols = {"subject": "Item", "plan": "Plan", "tactic": "Tactic", "description": "Action",
            "owner": "Owner", "due_date": "Due", "review_date": "Review", "status": "Status"}
    if not with_item:
        del cols["subject"]
    if actions.empty:
        return Table(tuple(cols.values()), empty="No actions recorded.")
    late = briefing.overdue(actions, today=today).tolist()
    shown = actions.assign(
        subject=actions["subject"].fillna("Whole meeting"),
        plan=actions["plan"].map(lambda p: vocabulary.label(p) if isinstance(p, str) else ""),
        tactic=actions["tactic"].map(vocabulary.ACTION_TACTICS.label),
        owner=[item_summary.owner_text(r) for r in actions.to_dict("records")],
        status=[vocabulary.ACTION_STATUSES.label(s) + (" - OVERDUE" if o else "")
                for s, o in zip(actions["status"], late, strict=True)])
    rows = tuple(
        Row(tuple(marked(r[c], about_child=r.get("subject_kind") != "person")
                  if c == "description" else text(r[c]) for c in cols),
            "overdue" if o else "")
        for (_, r), o in zip(shown.iterrows(), late, strict=True))
    return Table(tuple(cols.values()), rows)


@dataclass(frozen=True)
class ItemView:
    """One agenda item as the template draws it (every field plain text, Marked text or a
    Table); ``lists`` are the summary's titled lists in the order they are printed."""

    number: int
    period_title: str
    kind: str
    label: str
    reason: str
    facts: list[str]
    linked: list[str]
    period: str
    harm_sides: list[tuple[str, list[str]]]
    other_records: list[str]
    serious: list[str]
    moments: list[str]
    voice: list[str]
    sides: tuple[str, str]
    harms: list[str]
    strengths: list[str]
    weigh: list[str]
    team: list[str]
    map_svg: str
    network_svg: str
    highlights: Table
    assessments: Table | None
    decision: Marked
    actions: Table


def _item_view(s: item_summary.ItemSummary, today: date, number: int) -> ItemView:
    assessments = None
    if not s.assessments.empty:
        assessments = _table(
            s.assessments.assign(domain=s.assessments["domain"].map(
                vocabulary.ASSESSMENT_DOMAINS.label)),
            {"domain": "Domain", "body": "Assessment", "source_name": "Source",
             "assessed_on": "Date"})
    def texts(lines: list[str]) -> list[str]:
        return [text(x) for x in lines]

    return ItemView(
        number=number, kind=vocabulary.AGENDA_SUBJECT_KINDS.label(s.subject_kind),
        period_title=("Incidents naming this adult, " if s.subject_kind == "person"
                      else "In the period ") + text(s.period),
        label=text(s.label), reason=text(s.reason), facts=texts(s.facts),
        linked=texts(s.linked), period=text(s.period),
        harm_sides=[("Harm at home", texts(s.harm_home)),
                    ("Harm outside the home", texts(s.harm_outside)),
                    ("Harm to self", texts(s.harm_self))] if s.period else [],
        other_records=texts(s.other_records), serious=texts(s.serious),
        moments=texts(s.moments), voice=texts(s.voice), sides=s.sides,
        harms=texts(s.harms), strengths=texts(s.strengths), weigh=texts(s.weigh),
        team=texts(s.team), map_svg=s.map_svg, network_svg=s.network_svg,
        highlights=_table(s.highlights, {"date": "Date", "what": "What", "detail": "Detail"}),
        assessments=assessments,
        decision=marked(s.decision, about_child=s.subject_kind != "person"),
        actions=_actions_table(s.actions, today, with_item=False))


def file_name(held_on: date) -> str:
    """The pack's file name, for the meeting's date (not the data's)."""
    return f"meeting-pack-{held_on:%Y-%m-%d}.pdf"


@dataclass(frozen=True)
class Minute:
    """One item on page 1's "Decisions and actions": its decision and this meeting's
    actions on it."""

    title: str
    decision: Marked
    actions: Table


def _minutes(views: list[ItemView], items: pd.DataFrame, actions: pd.DataFrame,
             today: date) -> list[Minute]:
    """Decisions and this meeting's actions per item, then the whole meeting's actions."""
    ids = list(items["item_id"])
    out = []
    for v, item_id in zip(views, ids, strict=True):
        mine = actions[actions["item_id"] == item_id]
        out.append(Minute(f"{v.number}. {v.kind}: {v.label}", v.decision,
                          _actions_table(mine, today, with_item=False)))
    whole = actions[actions["item_id"].isna()]
    if not whole.empty:
        out.append(Minute("Whole meeting", Marked(()),
                          _actions_table(whole, today, with_item=False)))
    return out


def build(store: Store, viewer: Viewer, meeting_id: str, *, as_of: date,
          purpose: str) -> Pack:
    """The pack's HTML for ``viewer`` (its mode decides pseudonyms or names)."""
    meeting = store.frame("panel.meeting", viewer, {"meeting_id": meeting_id})
    if meeting.empty:
        raise NotFoundError(f"No meeting with id {meeting_id!r}.")
    m = meeting.iloc[0]
    items = store.frame("panel.items", viewer, {"meeting_id": meeting_id})
    items = items[items["status"] == "accepted"].reset_index(drop=True)
    actions = store.frame("panel.actions", viewer, {"meeting_id": meeting_id})
    named = viewer.shows_names
    titles = {str(r["item_id"]): f"{n}. {vocabulary.AGENDA_SUBJECT_KINDS.label(r['subject_kind'])}"
              f": {r['label']}" for n, r in enumerate(items.to_dict("records"), start=1)}
    numbers = {i: n for n, i in enumerate(titles, start=1)}
    summaries = item_summary.join_up(
        [item_summary.item_summary(store, viewer, {str(k): v for k, v in row.items()},
                                   as_of=as_of) for _, row in items.iterrows()],
        store.frame("panel.item_contexts", viewer, {"meeting_id": meeting_id}), titles)
    items = items.set_index("item_id").loc[[s.item_id for s in summaries]].reset_index()
    views = [_item_view(s, as_of, numbers[s.item_id]) for s in summaries]
    agenda = items.assign(subject_kind=items["subject_kind"].map(
        vocabulary.AGENDA_SUBJECT_KINDS.label), n=[v.number for v in views],
        linked=["; ".join(v.linked) for v in views])
    people = store.frame("panel.attendees", viewer, {"meeting_id": meeting_id})
    attendance = _table(people.assign(attendance=people["attendance"].map(vocabulary.label)),
                        {"name": "Name", "role": "Role", "agency_name": "Agency",
                         "attendance": "Attendance"}, empty="Attendance not recorded.")
    context = {
        "meeting": {"title": text(m["title"]), "held_on": text(m["held_on"]),
                    "next": text(m["next_held_on"]) or "not yet agreed"},
        "attendance": attendance, "minutes": _minutes(views, items, actions, as_of),
        "mode": "CONTAINS NAMES (multi-agency)" if named else "PSEUDONYMISED (safety planning)",
        "exported_at": f"{datetime.now():%d %b %Y %H:%M}", "actor": viewer.actor,
        "role": viewer.role.value, "purpose": purpose,
        "synthetic": store.meta().get("synthetic") == "true",
        "agenda": _table(agenda, {"n": "#", "subject_kind": "Kind", "label": "Subject",
                                  "reason": "Why", "linked": "Discuss with"}),
        "items": views, "overdue_colour": vocabulary.OVERDUE_COLOUR}
    template = ENV.get_template("pack.html")
    if named:
        return Pack(template.render(**context), tuple(items["item_id"]), named)
    printed: list[str] = []  # first pass: every string the pack prints

    def collect(value: str) -> str:
        printed.append(value)
        return value

    _render_with(template, context, collect)
    html = _render_with(template, context, name_redactor(store, viewer, printed))
    return Pack(html, tuple(items["item_id"]), named)


def _render_with(template: jinja2.Template, context: dict[str, Any],
                 redact: Callable[[str], str]) -> str:
    token = _REDACT.set(redact)
    try:
        return template.render(**context)
    finally:
        _REDACT.reset(token)


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
    children = items[items["item_id"].isin(pack.items)
                     & items["subject_kind"].isin(["child", "person"])]
    store.audit(audit.Disclosure(
        who=audit.Who.of(viewer, purpose=purpose), object_kind="meeting_pack",
        object_id=meeting_id, person_ids=tuple(children["subject_id"].astype(str)),
        what="meeting pack", file_format="pdf", recipients=recipients, named=pack.named,
        counts={"items": len(pack.items), "bytes": len(pdf)}))
    return pdf
