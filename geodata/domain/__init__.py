"""What the atlas knows and decides: sourced figures (``figures``), area profiles and
comparisons (``areas``), support policies and their rules (``policies``), meeting tours
(``tours``) and the parcel explorer's logic (``parcels``).

Pure functions over frames read elsewhere. May import: ``geodata.model``, ``geodata.text``,
``geodata.geo``. Never the store, ingest or export parts, and never Streamlit.
"""
