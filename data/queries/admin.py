"""Audit trail queries (administrators): typed events (:mod:`domain.audit`)."""

from __future__ import annotations

from data.queries import audit_trail

audit_trail("admin.audit_events", "The audit trail", params=("start", "end"), sql="""
    SELECT event_id, occurred_at, actor, role, session_id, event_type, object_kind, object_id,
           purpose, recipients, person_ids, fields
    FROM audit_event WHERE occurred_at >= $start AND occurred_at < $end ORDER BY event_id DESC
""")
