"""Output for reports: map pictures (``picture``), parcel brochures (``brochure``), charts as
pictures (``charts``), CSV/Excel downloads that neutralise formulas (``tables``), the shipped
CJK font (``fonts``), basemap tiles with an offline fallback (``tiles``) and notices of new
leads to staff by e-mail or webhook (``notify``).

Drawn on the server with matplotlib: no browser, no download at run time. May import:
``geodata.model``, ``geodata.text``, ``geodata.geo``, ``geodata.domain``. Never Streamlit.
"""
