"""Layer colours and strokes of the atlas maps, in one place.

The interactive folium maps (``components/map.py``) and the exported pictures
(``geodata/export/picture.py``) both read these, so a picture shows the same layers in the
same colours as the map the user exported it from.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from geodata.text.i18n import translate

MAP_BACKGROUND: Final = "#eef2f5"
OFFLINE_FILL: Final = "#f3f1ea"
CITY_OUTLINE: Final = "#34495e"
HIGHLIGHT: Final = "#f1c40f"
DISTRICT_LABEL: Final = "#5d6d7e"


@dataclass(frozen=True)
class LayerStyle:
    key: str
    label_zh: str
    color: str
    radius: int = 7

    def label(self, lang: str) -> str:
        """The layer's name in ``lang`` (catalogue ``map.layer.<key>``)."""
        return translate(f"map.layer.{self.key}", lang)


STYLES: Final = {
    "districts": LayerStyle("districts", "区县", "#7f8c8d"),
    "focus": LayerStyle("focus", "重点区（西湖、滨江、钱塘）", "#c0392b"),
    "areas": LayerStyle("areas", "平台与园区", "#1f618d", 9),
    "parcels": LayerStyle("parcels", "2026 年产业用地（供地地块）", "#d35400", 8),
    "projects": LayerStyle("projects", "签约 / 开工项目", "#7d3c98", 6),
    "innovation": LayerStyle("innovation", "高校与科研机构", "#138d75", 5),
}

#: Point and outline strokes by geometry quality: indicative features are lighter and dashed.
POINT_FILL_OPACITY: Final = {"indicative": 0.35, "other": 0.7}
POINT_DASH: Final = (3, 3)
POLYGON_DASH: Final = (6, 4)
POLYGON_FILL_OPACITY: Final = 0.08

#: District fills: focus districts stronger.
DISTRICT_WEIGHT: Final = {"focus": 2.5, "other": 1.0}
DISTRICT_FILL_OPACITY: Final = {"focus": 0.10, "other": 0.04}

#: Sequential classes (ColorBrewer Blues, 5 classes) and the no-data grey.
CLASS_COLORS: Final = ("#c6dbef", "#9ecae1", "#6baed6", "#3182bd", "#08519c")
NO_DATA_COLOR: Final = "#d5d8dc"

#: Projects sized by investment: stroke and the dash of non-RMB amounts.
PROJECT_STROKE: Final = "#4a235a"
PROJECT_FILL_OPACITY: Final = 0.55
PROJECT_DASHED_UNITS: Final = {"亿美元": (2, 2)}


def project_radius(value: float | None, top: float | None, has_unit: bool) -> float:
    """Marker radius (px) of a project: 6 without an amount, up to 20 for the largest in its currency.

    Examples
    --------
    >>> project_radius(None, 10.0, True), project_radius(10.0, 10.0, True), project_radius(2.5, 10.0, True)
    (6, 20.0, 13.0)
    """
    import math

    if not has_unit or value is None or value != value or not top:
        return 6
    return 6 + 14 * math.sqrt(value / top)


def dash_array(dash: tuple[int, int] | None) -> str | None:
    """Leaflet's ``dashArray`` text of a dash pattern.

    >>> dash_array((6, 4)), dash_array(None)
    ('6 4', None)
    """
    return None if dash is None else f"{dash[0]} {dash[1]}"


#: Chart bars: an outcome, and a target / plan / forecast (lighter).
BAR_COLOR: Final = "#1f618d"
PLANNED_COLOR: Final = "#aab7c4"
