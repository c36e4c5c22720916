"""The basemaps on offer, and which coordinate system each one is drawn in.

Data stays in WGS-84. Amap (高德) tiles are drawn in GCJ-02, so over an Amap basemap
every overlay is shifted to GCJ-02 for drawing (``geodata.geo.crs``) and clicks are
shifted back; every other basemap here is WGS-84 (Tianditu's ``_w`` tile sets are
CGCS2000 on Web Mercator, which matches WGS-84 to well under a metre).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import lru_cache

import xyzservices.providers as xyz

from geodata.text.i18n import translate

WGS84 = "WGS84"
GCJ02 = "GCJ02"
OFFLINE = "offline"
TIANDITU_ENV = "TIANDITU_KEY"


@dataclass(frozen=True)
class TileSource:
    url: str
    attribution: str
    max_zoom: int = 18
    subdomains: str = "abc"


@dataclass(frozen=True)
class Basemap:
    key: str
    label_zh: str
    crs: str
    tiles: tuple[TileSource, ...] = field(default_factory=tuple)  # drawn bottom to top; empty = offline

    def label(self, lang: str) -> str:
        """The basemap's name in ``lang`` (catalogue ``map.basemap.<key>``)."""
        return translate(f"map.basemap.{self.key}", lang)

    @property
    def attribution(self) -> str:
        return " | ".join(t.attribution for t in self.tiles)


def _xyz(name: str, variant: str | None = None) -> TileSource:
    """A tile source from the xyzservices catalogue (its URL, attribution, zoom and subdomains)."""
    p = xyz.query_name(name)
    url = (
        p.url.replace("{variant}", variant or p.get("variant", ""))
        .replace("{r}", "")
        .replace("http://", "https://")
    )
    sub = p.get("subdomains", "abc")
    return TileSource(
        url=url,
        attribution=p.get("attribution", ""),
        max_zoom=int(p.get("max_zoom", 18)),
        subdomains="".join(sub) if sub else "abc",
    )


def _tianditu(layer: str, key: str) -> TileSource:
    return TileSource(
        url=(
            f"https://t{{s}}.tianditu.gov.cn/{layer}_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0"
            f"&LAYER={layer}&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={{z}}&TILEROW={{y}}"
            f"&TILECOL={{x}}&tk={key}"
        ),
        attribution="© 天地图 Tianditu (国家地理信息公共服务平台)",
        max_zoom=18,
        subdomains="01234567",
    )


@lru_cache(maxsize=4)
def basemaps(tianditu_key: str | None = None) -> dict[str, Basemap]:
    """Every basemap on offer; the Tianditu ones only with a key (``$TIANDITU_KEY`` or secrets).

    Examples
    --------
    >>> sorted(basemaps())[:3], basemaps()["amap"].crs
    (['amap', 'amap_satellite', 'dark'], 'GCJ02')
    >>> "tianditu_vec" in basemaps("k")
    True
    """
    out = {
        "osm": Basemap("osm", "OpenStreetMap", WGS84, (_xyz("OpenStreetMap.Mapnik"),)),
        # CARTO's light/dark styles now need an API key; Esri's canvases do not.
        "light": Basemap("light", "浅色（Esri Light Gray）", WGS84, (_xyz("Esri.WorldGrayCanvas"),)),
        "dark": Basemap(
            "dark",
            "深色（Esri Dark Gray）",
            WGS84,
            (_xyz("Esri.WorldGrayCanvas", "Canvas/World_Dark_Gray_Base"),),
        ),
        "satellite": Basemap("satellite", "卫星影像（Esri）", WGS84, (_xyz("Esri.WorldImagery"),)),
        "amap": Basemap("amap", "高德地图", GCJ02, (_xyz("Gaode.Normal"),)),
        "amap_satellite": Basemap("amap_satellite", "高德卫星", GCJ02, (_xyz("Gaode.Satellite"),)),
        OFFLINE: Basemap(OFFLINE, "离线底图（本地数据）", WGS84),
    }
    if tianditu_key:
        out["tianditu_vec"] = Basemap(
            "tianditu_vec",
            "天地图 矢量",
            WGS84,
            (_tianditu("vec", tianditu_key), _tianditu("cva", tianditu_key)),
        )
        out["tianditu_img"] = Basemap(
            "tianditu_img",
            "天地图 影像",
            WGS84,
            (_tianditu("img", tianditu_key), _tianditu("cia", tianditu_key)),
        )
    return out


@lru_cache(maxsize=1)
def tianditu_key() -> str | None:
    """The Tianditu key from the environment or Streamlit secrets, if configured.

    Read once per process (a new key needs a restart): looking secrets up on every map
    build cost a quarter of a second each time.
    """
    key = os.environ.get(TIANDITU_ENV)
    if key:
        return key
    try:
        import streamlit as st

        return st.secrets.get("tianditu_key")  # type: ignore[no-any-return]
    except Exception:  # no secrets file: Tianditu is simply not offered
        return None


def tile_hosts(catalogue: dict[str, Basemap]) -> set[str]:
    """Every host a basemap may ask for tiles (for tests that mock or block them).

    Examples
    --------
    >>> "tile.openstreetmap.org" in tile_hosts(basemaps())
    True
    """
    from urllib.parse import urlparse

    hosts = set()
    for bm in catalogue.values():
        for t in bm.tiles:
            for sub in t.subdomains if "{s}" in t.url else "a":
                hosts.add(urlparse(t.url.replace("{s}", sub)).hostname or "")
    return hosts
