"""The exported picture and the interactive map draw with the same styles (one place: geodata/geo/styles.py)."""

from __future__ import annotations

from components import map as fmap
from geodata.geo import styles


def test_point_styles_match() -> None:
    for key in ("areas", "parcels", "projects", "innovation"):
        s = styles.STYLES[key]
        solid = fmap._point_style(s, "boundary")
        dashed = fmap._point_style(s, "indicative")
        assert solid["color"] == solid["fillColor"] == s.color
        assert solid["radius"] == s.radius
        assert solid["fillOpacity"] == styles.POINT_FILL_OPACITY["other"]
        assert dashed["fillOpacity"] == styles.POINT_FILL_OPACITY["indicative"]
        assert dashed["dashArray"] == styles.dash_array(styles.POINT_DASH)
        assert solid["dashArray"] is None


def test_polygon_and_district_styles_match() -> None:
    poly = {"geometry": {"type": "Polygon"}, "properties": {"geometry_quality": "indicative"}}
    out = fmap._feature_style(styles.STYLES["areas"])(poly)
    assert out["color"] == styles.STYLES["areas"].color
    assert out["fillOpacity"] == styles.POLYGON_FILL_OPACITY
    assert out["dashArray"] == styles.dash_array(styles.POLYGON_DASH)
    for name, key in (("西湖区", "focus"), ("淳安县", "other")):
        d = fmap._district_style({"properties": {"name_zh": name}})
        assert d["color"] == styles.STYLES["focus" if key == "focus" else "districts"].color
        assert d["weight"] == styles.DISTRICT_WEIGHT[key]
        assert d["fillOpacity"] == styles.DISTRICT_FILL_OPACITY[key]


def test_map_module_uses_the_shared_constants() -> None:
    assert fmap.STYLES is styles.STYLES
    assert fmap.CLASS_COLORS is styles.CLASS_COLORS
    assert fmap.NO_DATA_COLOR == styles.NO_DATA_COLOR
    assert fmap.MAP_BACKGROUND == styles.MAP_BACKGROUND
    assert fmap.OFFLINE_FILL == styles.OFFLINE_FILL
