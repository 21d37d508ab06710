"""Reference data anyone may read: wards, agencies."""

from __future__ import annotations

from data.queries import QuerySpec, register
from domain.access import Access

register(QuerySpec(
    name="reference.wards",
    access=Access.REFERENCE,
    description="Wards with child population and boundary",
    sql="SELECT ward_code, name, child_population, geometry_wkb FROM ward ORDER BY name",
))

register(QuerySpec(
    name="reference.agencies",
    access=Access.REFERENCE,
    description="Agencies",
    sql="SELECT agency_id, name, sector FROM agency ORDER BY name",
))
