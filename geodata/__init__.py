"""Data layer of the Hangzhou land & industry atlas (importable without Streamlit)."""
