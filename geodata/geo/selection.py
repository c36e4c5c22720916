"""What a map click selected: pure functions over streamlit-folium's returned dict."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Clicked:
    """A feature the user clicked: which layer, and its id (or name for districts)."""

    layer: str
    key: str
    at: tuple[float, float] | None = None  # where the click landed: tells two clicks apart


def clicked_feature(out: dict | None) -> Clicked | None:
    """The feature in ``st_folium``'s result, or None if nothing (valid) was clicked.

    Examples
    --------
    >>> clicked_feature({"last_active_drawing": {"properties": {"_layer": "districts", "name_zh": "钱塘区"}}})
    Clicked(layer='districts', key='钱塘区', at=None)
    >>> clicked_feature({"last_active_drawing": {"properties": {"_layer": "parcels", "id": "site-a"}},
    ...                  "last_object_clicked": {"lat": 30.3, "lng": 120.1}})
    Clicked(layer='parcels', key='site-a', at=(30.3, 120.1))
    >>> clicked_feature({"last_active_drawing": None}) is None
    True
    >>> clicked_feature(None) is None
    True
    """
    feature = (out or {}).get("last_active_drawing")
    if not isinstance(feature, dict):
        return None
    props = feature.get("properties")
    if not isinstance(props, dict):
        return None
    layer = props.get("_layer")
    if not isinstance(layer, str):
        return None
    key = props.get("name_zh") if layer == "districts" else props.get("id")
    if not isinstance(key, str) or not key:
        return None
    spot = (out or {}).get("last_object_clicked")
    at = None
    if (
        isinstance(spot, dict)
        and isinstance(spot.get("lat"), int | float)
        and isinstance(spot.get("lng"), int | float)
    ):
        at = (float(spot["lat"]), float(spot["lng"]))
    return Clicked(layer, key, at)


def new_click(out: dict | None, last_seen: Clicked | None) -> Clicked | None:
    """A click the page has not acted on yet.

    streamlit-folium keeps returning the last clicked feature on every rerun; acting on
    it again would undo a choice the user made since (e.g. in the district list).

    Examples
    --------
    >>> out = {"last_active_drawing": {"properties": {"_layer": "districts", "name_zh": "西湖区"}}}
    >>> new_click(out, None)
    Clicked(layer='districts', key='西湖区', at=None)
    >>> new_click(out, Clicked("districts", "西湖区")) is None
    True
    """
    clicked = clicked_feature(out)
    return clicked if clicked is not None and clicked != last_seen else None
