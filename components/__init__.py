"""Reusable UI pieces: ``build_*`` are pure (return folium/plotly/HTML), ``render_*`` call Streamlit."""
