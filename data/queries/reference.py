"""Reference data anyone may read: wards, agencies."""

from __future__ import annotations

from data.queries import reference_data

reference_data("reference.wards", "Wards with child population and boundary",
               sql="SELECT ward_code, name, child_population, geometry_wkb FROM ward ORDER BY name")

reference_data("reference.agencies", "Agencies",
               sql="SELECT agency_id, name, sector FROM agency ORDER BY name")
