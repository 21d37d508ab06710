"""CSMap Streamlit dashboard: pages compose widgets and call ``data`` and ``analytics``."""
