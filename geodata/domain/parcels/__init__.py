"""Parcel explorer logic: units, search, filters, distances, policies and the shareable view state.

Pure functions over the ``parcels`` layer (columns: ``model.schema.PARCEL_COLUMNS``) and the
other layers of the pack; no Streamlit. Unknown stays unknown: a parcel whose area, quarter or
industry is not published is never given one here, and the filters say explicitly how such
parcels are treated (``include_unknown_area``, the ``待公布`` quarter).

One module per concern: ``units`` (亩, m², ha), ``search`` (normalised free text), ``query``
(filters), ``nearby`` (geodesic distances to other layers), ``policies`` (measures that apply
to a parcel), ``url_state`` (the view to and from URL query parameters), ``labels`` (a parcel's name on
screen, falling back to its code and id). This package
re-exports their public names.

Examples
--------
>>> mu_to_m2(15)
10000.0
>>> normalise_text(" 西湖區 雲棲 ")
'西湖区云栖'
"""

from __future__ import annotations

from geodata.domain.parcels.labels import parcel_label, parcel_labels
from geodata.domain.parcels.nearby import NEARBY_LAYERS, Nearby, landmarks, nearest_features, within_radius
from geodata.domain.parcels.policies import parcel_policies
from geodata.domain.parcels.query import ParcelQuery, filter_options, filter_parcels
from geodata.domain.parcels.search import SEARCH_COLUMNS, normalise_text, search_mask
from geodata.domain.parcels.units import M2_PER_HA, m2_to_mu, mu_to_ha, mu_to_m2
from geodata.domain.parcels.url_state import (
    CENTER_LAT,
    CENTER_LON,
    MAX_COMPARE,
    MAX_TEXT,
    PARAM_KEYS,
    ZOOM_RANGE,
    ViewState,
    state_from_params,
    state_to_params,
)

__all__ = [
    "CENTER_LAT",
    "CENTER_LON",
    "M2_PER_HA",
    "MAX_COMPARE",
    "MAX_TEXT",
    "NEARBY_LAYERS",
    "PARAM_KEYS",
    "SEARCH_COLUMNS",
    "ZOOM_RANGE",
    "Nearby",
    "ParcelQuery",
    "ViewState",
    "filter_options",
    "filter_parcels",
    "landmarks",
    "m2_to_mu",
    "mu_to_ha",
    "mu_to_m2",
    "nearest_features",
    "normalise_text",
    "parcel_label",
    "parcel_labels",
    "parcel_policies",
    "search_mask",
    "state_from_params",
    "state_to_params",
    "within_radius",
]
