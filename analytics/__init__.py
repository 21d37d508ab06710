"""CSMap analytics: pure functions over DataFrames, GeoDataFrames and networkx graphs.

Never imports streamlit or duckdb.
"""
