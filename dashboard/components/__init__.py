"""Reusable Streamlit widgets. Each owns and initialises its session-state keys."""
