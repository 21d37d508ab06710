"""Services: what combines the store and the analytics for pages, exports and the CLI.

No Streamlit here: pages in ``dashboard/`` call these and draw what they return.
"""
