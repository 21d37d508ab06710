"""CSMap data layer: the DuckDB store, the only code in the project that runs SQL."""
