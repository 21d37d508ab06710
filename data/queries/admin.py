"""Audit trail queries (administrators)."""

from __future__ import annotations

from data.queries import admin_only

admin_only("admin.audit_events", "The audit trail", params=("start", "end"), sql="""
    SELECT event_id, occurred_at, actor, role, action, object_kind, object_id, purpose, detail
    FROM audit_event WHERE occurred_at >= $start AND occurred_at < $end ORDER BY event_id DESC
""")
