"""The Streamlit dashboards: ``dashboards/app.py`` is the entry point (``qa dashboard`` runs it)."""
