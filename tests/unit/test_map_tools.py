"""Map tools, tested on the rendered HTML: every file local, 亩 in the measure, the reset view."""

from __future__ import annotations

import json
import re

import folium
import pytest

from components.assets import STATIC_DIR, asset_urls, local_asset_path, use_local_assets
from components.map_tools import (
    MEASURE_UNITS,
    VENDORED,
    LocalMeasureControl,
    ResetView,
    add_map_tools,
)

HOME = [[30.15, 120.05], [30.42, 120.55]]
TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"


def _map(home=HOME, tiles: str | None = TILES) -> folium.Map:
    m = folium.Map(location=(30.25, 119.75), zoom_start=9, tiles=None, control_scale=True)
    use_local_assets(m)
    return add_map_tools(m, home, tiles)


def _children(m: folium.Map, kind: type) -> list:
    return [c for c in m._children.values() if isinstance(c, kind)]


@pytest.mark.parametrize("tiles", [TILES, None])
def test_every_asset_is_a_vendored_file(tiles) -> None:
    urls = asset_urls(_map(tiles=tiles))
    assert len(urls) >= 8 if tiles is None else len(urls) >= 10, urls
    for url in urls:
        assert url.startswith("/app/static/"), url
        assert local_asset_path(url).is_file(), url


def test_css_urls_resolve_to_vendored_files() -> None:
    for url in asset_urls(_map()):
        if not url.endswith(".css"):
            continue
        css = local_asset_path(url)
        for ref in re.findall(r"url\(\s*['\"]?([^'\")]+)['\"]?\s*\)", css.read_text()):
            assert not ref.startswith(("http:", "https:", "//")), f"{css.name}: {ref}"
            if ref.startswith(("data:", "#")):  # inline data; leaflet.css's old-IE `#default#VML`
                continue
            assert (css.parent / ref).is_file(), f"{css.name}: {ref} is not vendored"


def test_every_vendored_plugin_has_its_licence() -> None:
    for package, (_version, _licence, licence_file) in VENDORED.items():
        assert (STATIC_DIR / "vendor" / package / licence_file).is_file(), package


@pytest.mark.parametrize("tiles", [TILES, None])
def test_rendered_html_names_no_outside_address_but_tiles(tiles) -> None:
    html = _map(tiles=tiles).get_root().render()
    addresses = re.findall(r"https?://[^\s\"'<>)]+", html)
    assert all(a.startswith("https://tile.openstreetmap.org/{z}") for a in addresses), addresses
    if tiles is None:
        assert addresses == []


def test_measure_shows_mu_and_square_metres() -> None:
    m = _map()
    (measure,) = _children(m, LocalMeasureControl)
    opts = measure.options
    assert opts["primary_area_unit"] == "mu"
    assert opts["secondary_area_unit"] == "sqmeters"
    assert opts["units"]["mu"]["factor"] == pytest.approx(0.0015, rel=1e-12)
    assert opts["units"]["mu"]["display"] == "亩"
    assert opts["units"]["sqmeters"]["factor"] == 1
    # 1 亩 = 10000/15 m²
    assert (10_000 / 15) * MEASURE_UNITS["mu"]["factor"] == pytest.approx(1.0)
    assert opts["primary_length_unit"] == "meters"
    assert opts["secondary_length_unit"] == "kilometers"
    html = m.get_root().render()
    assert re.search(r'"primaryAreaUnit": "mu"', html)
    assert re.search(r'"mu": \{\s*"factor": 0\.0015,', html)


def test_reset_control_goes_to_the_given_bounds() -> None:
    m = _map()
    (reset,) = _children(m, ResetView)
    assert reset.bounds == HOME
    assert reset.label == "复位"
    assert reset.title == "回到初始视图"
    html = m.get_root().render()
    home = json.loads(re.search(r"var home = (\{.*?\});", html).group(1))
    assert home["bounds"] == HOME


def test_reset_control_without_bounds_follows_the_maps_fit_bounds() -> None:
    m = _map(home=None)
    m.fit_bounds([[30.0, 120.0], [30.5, 120.5]], padding=(10, 10))
    home = json.loads(re.search(r"var home = (\{.*?\});", m.get_root().render()).group(1))
    assert home == {"bounds": [[30.0, 120.0], [30.5, 120.5]], "options": {"padding": [10, 10]}}
    bare = _map(home=None)
    (reset,) = _children(bare, ResetView)
    assert reset.home == {"center": [30.25, 119.75], "zoom": 9}


def test_minimap_only_with_a_basemap() -> None:
    with_tiles = _map().get_root().render()
    assert "L.Control.MiniMap" in with_tiles
    without = _map(tiles=None).get_root().render()
    assert "L.Control.MiniMap" not in without
    assert "Control.MiniMap.min.js" not in without


def test_rendering_twice_gives_the_same_map() -> None:
    m = _map(home=None)
    m.fit_bounds(HOME)
    children = list(m._children)
    first = m.get_root().render()
    assert list(m._children) == children
    assert m.get_root().render() == first


def test_tools_survive_streamlit_folium_script_extraction() -> None:
    from streamlit_folium import _get_header, generate_leaflet_string

    m = _map()
    m.render()
    script = generate_leaflet_string(m)
    for needle in ("L.control.fullscreen(", "new L.Control.Measure(", "new L.Control.MousePosition(",
                   "new L.Control.MiniMap(", "var home = "):  # fmt: skip
        assert needle in script, needle
    assert ".addTo(map_div)" in script
    header = _get_header(m)
    assert "a.atlas-reset-view" in header
    assert ".leaflet-control-mouseposition" in header
