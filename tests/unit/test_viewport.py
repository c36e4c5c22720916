"""What the parcel map draws at each size and view (geodata.geo.viewport, components.parcel_layer)."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely
from shapely.geometry import Point

from bench.synth import synthetic_parcels
from components.parcel_layer import (
    CELL_LAYER,
    build_scaled_parcels_group,
    cell_click_target,
    display_bounds_to_wgs84,
    layer_notice,
)
from geodata.domain.parcels import within_radius
from geodata.geo.viewport import (
    Bounds,
    anchors,
    bounds_from_map,
    capped_choices,
    grid_counts,
    in_view,
    near_candidates,
    plan_layer,
    simplify_for_zoom,
    subset_anchors,
)
from geodata.model import pack_reader

WEST_LAKE = Bounds(30.20, 120.05, 30.32, 120.20)


@pytest.fixture(scope="module")
def syn() -> gpd.GeoDataFrame:
    return synthetic_parcels(5000, seed=5)


@pytest.fixture(scope="module")
def xy(syn) -> np.ndarray:
    return anchors(syn)


def test_anchors_lie_inside_their_parcels(syn, xy) -> None:
    assert xy.shape == (len(syn), 2)
    assert shapely.contains_xy(syn.geometry.to_numpy(), xy[:, 0], xy[:, 1]).all()


def test_the_shipped_parcels_are_drawn_as_before() -> None:
    parcels = pack_reader.read_pack_layer("parcels")
    plan = plan_layer(parcels, anchors(parcels), WEST_LAKE, 14)
    assert plan.mode == "all"
    assert plan.features is parcels  # untouched: no simplification, no view cut
    assert layer_notice(plan, "zh") is None


def test_whole_city_at_100_per_cent_is_counted_not_drawn(syn, xy) -> None:
    plan = plan_layer(syn, xy, None, 9, budget=400)
    assert plan.mode == "cells"
    assert len(plan.features) == 0
    assert plan.cells["count"].sum() == plan.in_view == plan.total == len(syn)
    assert len(plan.cells) < 400


def test_a_view_with_few_parcels_draws_exactly_those_in_view(syn, xy) -> None:
    view = Bounds(30.25, 120.10, 30.27, 120.13)
    plan = plan_layer(syn, xy, view, 15, budget=400)
    assert plan.mode == "view"
    expected = set(syn.loc[in_view(xy, view), "id"])
    assert set(plan.features["id"]) == expected
    assert plan.in_view == len(expected)
    assert plan.total == len(syn)
    # simplified for the zoom, never dropped or emptied
    assert not plan.features.geometry.is_empty.any()
    assert plan.features.geometry.is_valid.all()


def test_cells_count_each_parcel_in_view_once(syn, xy) -> None:
    mask = in_view(xy, WEST_LAKE)
    for zoom in (8, 11, 13):
        cells = grid_counts(xy[mask], zoom)
        assert cells["count"].sum() == mask.sum()
        # each cell sits among its parcels: inside the view
        assert in_view(cells[["lon", "lat"]].to_numpy(), WEST_LAKE).all()
    # closer in, finer cells
    assert len(grid_counts(xy[mask], 13)) > len(grid_counts(xy[mask], 9))


def test_simplification_is_below_half_a_pixel(syn) -> None:
    zoom = 12
    simple = simplify_for_zoom(syn.geometry, zoom)
    assert (
        shapely.get_num_coordinates(simple.to_numpy()).sum()
        <= shapely.get_num_coordinates(syn.geometry.to_numpy()).sum()
    )
    off = shapely.hausdorff_distance(simple.to_numpy(), syn.geometry.to_numpy())  # in degrees, as drawn
    assert off.max() <= 360 / (256 * 2**zoom)  # tolerance half a pixel; never off by more than one


def test_bounds_from_the_map_are_validated() -> None:
    good = {"bounds": {"_southWest": {"lat": 30.1, "lng": 120.0}, "_northEast": {"lat": 30.4, "lng": 120.3}}}
    assert bounds_from_map(good) == Bounds(30.1, 120.0, 30.4, 120.3)
    flipped = {
        "bounds": {"_southWest": {"lat": 30.4, "lng": 120.0}, "_northEast": {"lat": 30.1, "lng": 120.3}}
    }
    assert bounds_from_map(flipped) is None
    assert bounds_from_map({"bounds": {"_southWest": {"lat": "x", "lng": 1}, "_northEast": {}}}) is None
    assert bounds_from_map({"bounds": "nonsense"}) is None


def test_amap_view_is_read_back_in_wgs84() -> None:
    from components.map import to_display_point

    s, w = to_display_point(30.2, 120.1, "amap")
    n, e = to_display_point(30.3, 120.2, "amap")
    back = display_bounds_to_wgs84(Bounds(s, w, n, e), "amap")
    assert (back.south, back.west, back.north, back.east) == pytest.approx(
        (30.2, 120.1, 30.3, 120.2), abs=1e-6
    )


def test_near_candidates_keep_every_parcel_within_the_radius(syn, xy) -> None:
    for lon, lat, radius in ((120.15, 30.27, 5000), (119.95, 30.05, 12000), (120.5, 30.3, 800)):
        exact = within_radius(lon, lat, syn, radius)
        cut = within_radius(lon, lat, near_candidates(syn, xy, lon, lat, radius), radius)
        assert list(cut["id"]) == list(exact["id"])
        assert len(near_candidates(syn, xy, lon, lat, radius)) < len(syn)


def test_subset_anchors_follow_a_filtered_frame(syn, xy) -> None:
    part = syn[syn["status"] == "sold"].iloc[::-1]
    np.testing.assert_array_equal(subset_anchors(xy, syn.index, part.index), anchors(part))


def test_capped_choices_keep_what_is_picked() -> None:
    ids = [f"p{i}" for i in range(5000)]
    got = capped_choices(ids, ["p4999"], 1000)
    assert got[0] == "p4999"
    assert len(got) == 1001
    assert len(set(got)) == len(got)


def _html(fg) -> str:
    import folium

    m = folium.Map()
    fg.add_to(m)
    return m.get_root().render()


def test_cells_are_drawn_as_numbers_and_parcels_as_shapes(syn, xy) -> None:
    fg, plan = build_scaled_parcels_group(syn, xy, None, "osm", None, 9)
    html = _html(fg)
    assert plan.mode == "cells"
    assert CELL_LAYER in html
    assert "atlas-parcel-cell" in html
    assert "atlas-parcels" not in html
    fg, plan = build_scaled_parcels_group(syn, xy, None, "osm", Bounds(30.25, 120.10, 30.26, 120.11), 15)
    assert plan.mode == "view"
    assert "atlas-parcels" in _html(fg)


def test_the_selected_parcel_stays_marked_among_cells(syn, xy) -> None:
    chosen = syn["id"].iloc[0]
    fg, plan = build_scaled_parcels_group(syn, xy, chosen, "osm", None, 9)
    assert plan.mode == "cells"
    assert "atlas-highlight" in _html(fg)


def test_a_cell_click_zooms_in_from_the_zoom_it_was_drawn_at() -> None:
    out = {
        "last_active_drawing": {
            "type": "Feature",
            "properties": {"_layer": CELL_LAYER, "count": 12, "label": "12", "z": 12},
            "geometry": {"type": "Point", "coordinates": [120.1, 30.2]},
        }
    }
    assert cell_click_target(out, 5) == ((30.2, 120.1), 14)
    out["last_active_drawing"]["properties"]["z"] = 17
    assert cell_click_target(out, 5)[1] == 18  # never beyond the tiles' last level
    assert cell_click_target({"last_active_drawing": {"properties": {"_layer": CELL_LAYER}}}, 9) is None
    assert cell_click_target(None, 9) is None


def test_notices_say_what_the_map_shows_in_both_languages(syn, xy) -> None:
    plan = plan_layer(syn, xy, None, 9)
    zh, en = layer_notice(plan, "zh"), layer_notice(plan, "en")
    assert f"{len(syn):,}" in zh
    assert f"{len(plan.cells):,}" in en
    assert "cells" in en


def test_points_and_polygons_mix() -> None:
    g = gpd.GeoDataFrame(
        {"id": ["a", "b"]}, geometry=[Point(120.1, 30.2), shapely.box(120.2, 30.2, 120.3, 30.3)], crs=4326
    )
    np.testing.assert_allclose(anchors(g)[0], [120.1, 30.2])
    assert plan_layer(g, anchors(g), None, 10, budget=1).mode == "cells"
