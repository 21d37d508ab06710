"""Export the current network view: GraphML, GEXF, i2 entity and link CSVs.

Pseudonymised by default; names only when the viewer is in named mode and ticks the box.
Every export needs a purpose and its recipients. Nothing is built before the click: the
file is made only when **Prepare** is clicked, after its disclosure (who, purpose,
recipients, the people in it) is written to the audit trail, and only then is a download
button shown for it (a file handed to Streamlit is served under ``/media/...`` to anyone
with its address, so it must not exist before it is asked for and recorded). This component
owns the session-state keys ``network_export_purpose``, ``network_export_recipients``,
``network_export_names`` and ``network_export_format``.
"""

from __future__ import annotations

import networkx as nx
import streamlit as st

from analytics import exports
from data.store import Store
from domain import audit
from domain.access import Viewer
from services import network as network_service
from services.safe import md

PURPOSE_KEY = "network_export_purpose"
RECIPIENTS_KEY = "network_export_recipients"
NAMES_KEY = "network_export_names"
FORMAT_KEY = "network_export_format"
FORMATS: dict[str, tuple[str, str]] = {
    "graphml": ("GraphML (Gephi, yEd)", "application/xml"),
    "gexf": ("GEXF (Gephi)", "application/xml"),
    "i2-entities.csv": ("i2 entities CSV", "text/csv"),
    "i2-links.csv": ("i2 links CSV", "text/csv"),
}
"""Export formats: file extension -> (label, MIME type)."""


def record_export(store: Store, viewer: Viewer, fmt: str, purpose: str, recipients: str,
                  graph: nx.Graph, named: bool) -> None:
    """Write the disclosure for one export (who, role, purpose, recipients, what, who is in
    it); :func:`build` calls it before making the file."""
    network_service.record_export(store, viewer, file_format=fmt, purpose=purpose,
                                  recipients=audit.parse_recipients(recipients), graph=graph,
                                  named=named)


def build(store: Store, viewer: Viewer, fmt: str, purpose: str, recipients: str,
          graph: nx.Graph, named: bool) -> bytes:
    """Record the disclosure, then make the file (if recording fails, no file is made)."""
    record_export(store, viewer, fmt, purpose, recipients, graph, named)
    out = graph if named else exports.pseudonymise(graph)
    if fmt == "graphml":
        return exports.to_graphml(out)
    if fmt == "gexf":
        return exports.to_gexf(out)
    entities, links = exports.to_i2(out)
    return entities if fmt == "i2-entities.csv" else links


def render(store: Store, viewer: Viewer, graph: nx.Graph, *, stem: str = "csmap-network") -> None:
    """Purpose, recipients and format; the file is built and offered only on a click."""
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
    fmt = st.radio("Format", list(FORMATS), key=FORMAT_KEY, horizontal=True,
                   format_func=lambda f: FORMATS[f][0])
    st.caption(f"The export holds the {graph.number_of_nodes()} people/places and "
               f"{graph.number_of_edges()} links drawn, with source agency, grading, verified "
               "flag and dates on every link.")
    if st.button("Prepare the export", key="network_export_prepare", icon=":material/lock:"):
        payload = build(store, viewer, fmt, purpose, recipients, graph, named)
        st.download_button(f"Download {FORMATS[fmt][0]}", data=payload,
                           file_name=f"{stem}.{fmt}", mime=FORMATS[fmt][1],
                           key="network_export_download", on_click="ignore",
                           type="primary", icon=":material/download:")
        st.caption("Recorded in the audit trail as a disclosure to: "
                   + ", ".join(md(r) for r in audit.parse_recipients(recipients)) + ".")
