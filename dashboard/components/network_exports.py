"""Export the current network view: GraphML, GEXF, i2 entity and link CSVs.

Pseudonymised by default; names only when the viewer is in named mode and ticks the box.
Every export needs a purpose and its recipients, and is written to the audit trail as a
disclosure when the file is downloaded. This component owns the session-state keys
``network_export_purpose``, ``network_export_recipients`` and ``network_export_names``.
"""

from __future__ import annotations

import networkx as nx
import streamlit as st

from analytics import exports
from data.store import Store
from domain import audit
from domain.access import Viewer
from services import network as network_service

PURPOSE_KEY = "network_export_purpose"
RECIPIENTS_KEY = "network_export_recipients"
NAMES_KEY = "network_export_names"


def record_export(store: Store, viewer: Viewer, fmt: str, purpose: str, recipients: str,
                  graph: nx.Graph, named: bool) -> None:
    """Write the disclosure for one export (who, role, purpose, recipients, what, who is in
    it), when its download button is clicked."""
    network_service.record_export(store, viewer, file_format=fmt, purpose=purpose,
                                  recipients=audit.parse_recipients(recipients), graph=graph,
                                  named=named)


def render(store: Store, viewer: Viewer, graph: nx.Graph, *, stem: str = "csmap-network") -> None:
    """Download buttons for the drawn view, after a purpose is given."""
    st.session_state.setdefault(PURPOSE_KEY, "")
    st.session_state.setdefault(RECIPIENTS_KEY, "")
    st.session_state.setdefault(NAMES_KEY, False)
    st.text_input("Purpose of this export (recorded in the audit trail)", key=PURPOSE_KEY,
                  placeholder="e.g. MACE disruption plan for the Station Road hotel")
    st.text_input("Recipients (who will receive it)", key=RECIPIENTS_KEY,
                  placeholder="e.g. MACE panel members, police licensing officer",
                  help="Separate several with commas. Recorded in the audit trail.")
    named = False
    if viewer.shows_names:
        named = st.checkbox("Include names (multi-agency sharing only)", key=NAMES_KEY)
    purpose = str(st.session_state[PURPOSE_KEY]).strip()
    recipients = str(st.session_state[RECIPIENTS_KEY])
    if not purpose or not audit.parse_recipients(recipients):
        st.caption("Give a purpose and the recipients to enable the exports. Exports are "
                   "pseudonymised unless names are ticked, and formula-like cells are "
                   "neutralised.")
        return
    out = graph if named else exports.pseudonymise(graph)
    n, m = out.number_of_nodes(), out.number_of_edges()
    ent, lnk = exports.to_i2(out)
    files = [
        ("GraphML (Gephi, yEd)", "graphml", exports.to_graphml(out), "application/xml"),
        ("GEXF (Gephi)", "gexf", exports.to_gexf(out), "application/xml"),
        ("i2 entities CSV", "i2-entities.csv", ent, "text/csv"),
        ("i2 links CSV", "i2-links.csv", lnk, "text/csv"),
    ]
    cols = st.columns(len(files))
    for col, (text, ext, payload, mime) in zip(cols, files, strict=True):
        col.download_button(
            text, data=payload, file_name=f"{stem}.{ext}", mime=mime,
            key=f"network_export_{ext}",
            on_click=record_export, args=(store, viewer, ext, purpose, recipients, graph, named),
        )
    st.download_button("i2 import specification (no personal data)", exports.i2_import_spec(),
                       file_name=f"{stem}.i2-import-spec.json", mime="application/json",
                       key="network_export_i2_spec")
    st.caption(f"The export holds the {n} people/places and {m} links drawn, with source "
               "agency, grading, verified flag and ISO 8601 dates on every link, and the "
               f"protective marking {exports.marking_of(None)} in every file.")
