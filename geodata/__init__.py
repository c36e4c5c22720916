"""Data layer of the Hangzhou land & industry atlas: everything but the screen.

Importable without Streamlit (a test runs it with ``streamlit`` blocked). Subpackages, from
the bottom layer up; each may import only those below it (``make lint`` checks it with
import-linter, contracts in ``pyproject.toml``):

- ``model``: layer/table/column names, reading the shipped pack (``pack/``, data only)
- ``text``: the two languages' catalogues and number/date/unit formats
- ``geo``: coordinate systems, map views, map clicks, layer styles
- ``domain``: figures, areas, policies, tours, parcels
- ``store``: the GeoPackage or PostGIS store, editors
- ``ingest`` and ``export``: land-bureau files in, pictures/brochures/tables out
"""
