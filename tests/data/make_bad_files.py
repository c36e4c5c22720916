"""Generate the import test files: good parcel files and a corpus of bad and hostile ones.

Run as a script (``python -m tests.data.make_bad_files DIR``) or call :func:`make_corpus`
and :func:`make_good_files` from a fixture; nothing here is committed as a binary.
Each bad file comes with the message key the importer must answer it with; each partial
file (no code column, names only, geometry only, Amap or Baidu coordinates, areas in 亩)
with what its import must produce.
"""

from __future__ import annotations

import io
import json
import math
import sqlite3
import sys
import tempfile
import zipfile
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
from shapely.geometry import Polygon

from geodata.geo.crs import CGCS2000_GK_120E, gdf_wgs84_to_gcj02, wgs84_to_bd09, wgs84_to_cgcs2000_gk

#: Three parcels west of 紫金港科技城 (WGS-84 corners), with Chinese names.
PARCELS = [
    ("XH2026-01", "云谷北侧产业地块", 120.075, 30.305, "M1", "挂牌", 30000.0),
    ("XH2026-02", "荆长路东侧研发地块", 120.082, 30.301, "M0", "计划出让", 25000.0),
    ("XH2026-03", "紫金港科技城数字产业地块", 120.090, 30.296, "M1", "成交", 41000.5),
]
SIDE_DEG = 0.002


def _square(lon: float, lat: float, gk: bool, zone_prefix: bool = False) -> Polygon:
    corners = [(lon, lat), (lon + SIDE_DEG, lat), (lon + SIDE_DEG, lat + SIDE_DEG), (lon, lat + SIDE_DEG)]
    if gk:
        corners = [
            tuple(float(v) for v in wgs84_to_cgcs2000_gk(x, y, zone_prefix=zone_prefix)) for x, y in corners
        ]
    return Polygon(corners)


def parcels_frame(crs: str = CGCS2000_GK_120E) -> gpd.GeoDataFrame:
    gk = crs != "EPSG:4326"
    prefix = crs == "EPSG:4528"
    rows = [
        {"DKBH": code, "MC": name, "YDXZ": use, "ZT": status, "MJ": area}
        for code, name, _, _, use, status, area in PARCELS
    ]
    geoms = [_square(lon, lat, gk, prefix) for _, _, lon, lat, *_ in PARCELS]
    return gpd.GeoDataFrame(rows, geometry=geoms, crs=crs)


def shapefile_zip(
    gdf: gpd.GeoDataFrame, encoding: str = "GBK", cpg: bool = False, prj: bool = True, cpg_text: str | None = None
) -> bytes:
    """A zipped Shapefile of ``gdf`` with attribute text in ``encoding`` (``.cpg`` and ``.prj`` optional;
    ``cpg_text`` writes a ``.cpg`` that says something else, as some tools do)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "parcels.shp"
        pyogrio.write_dataframe(gdf, path, encoding=encoding)
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
            for f in sorted(Path(tmp).iterdir()):
                if (f.suffix == ".cpg" and not cpg) or (f.suffix == ".prj" and not prj):
                    continue
                zf.writestr(f.name, f.read_bytes())
            if cpg_text is not None:
                zf.writestr("parcels.cpg", cpg_text)
        return out.getvalue()


def make_good_files(folder: Path) -> dict[str, Path]:
    """Good files: GK shapefile with GBK text and no .cpg (the browser test's file), and friends."""
    folder.mkdir(parents=True, exist_ok=True)
    files = {
        "gk_gbk.zip": shapefile_zip(parcels_frame(), "GBK", cpg=False),
        "gk_gbk_cpg.zip": shapefile_zip(parcels_frame(), "GBK", cpg=True),
        "gk_gbk_lying_cpg.zip": shapefile_zip(parcels_frame(), "GBK", cpg_text="UTF-8"),
        "gk_prefixed_noprj.zip": shapefile_zip(parcels_frame("EPSG:4528"), "UTF-8", cpg=False, prj=False),
        "wgs84.geojson": parcels_frame("EPSG:4326").to_json(ensure_ascii=False).encode("utf-8"),
    }
    with tempfile.TemporaryDirectory() as tmp:
        wgs = parcels_frame("EPSG:4326")
        pyogrio.write_dataframe(wgs, Path(tmp) / "p.kml", driver="KML")
        files["wgs84.kml"] = (Path(tmp) / "p.kml").read_bytes()
        files["wgs84.kmz"] = _zip({"doc.kml": files["wgs84.kml"]})
        pyogrio.write_dataframe(parcels_frame(), Path(tmp) / "p.gpkg", driver="GPKG", layer="地块")
        files["gk.gpkg"] = (Path(tmp) / "p.gpkg").read_bytes()
        table = pd.DataFrame({"地块编号": wgs["DKBH"], "名称": wgs["MC"], "状态": wgs["ZT"], "WKT": wgs.geometry.to_wkt()})
        out_xlsx = io.BytesIO()
        table.to_excel(out_xlsx, index=False)
        files["wkt.xlsx"] = out_xlsx.getvalue()
    csv = "地块编号,名称,经度,纬度\n" + "".join(f"{c},{n},{lon},{lat}\n" for c, n, lon, lat, *_ in PARCELS)
    files["points_gbk.csv"] = csv.encode("gbk")
    out = {}
    for name, data in files.items():
        (folder / name).write_bytes(data)
        out[name] = folder / name
    return out


def _zip(members: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", method) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return out.getvalue()


def _moved(dx: float, dy: float) -> gpd.GeoDataFrame:
    frame = parcels_frame("EPSG:4326")
    return frame.set_geometry(frame.translate(dx, dy))


def make_corpus(folder: Path) -> dict[str, str]:
    """Write every bad file into ``folder``; returns file name -> expected message key."""
    folder.mkdir(parents=True, exist_ok=True)
    good = shapefile_zip(parcels_frame(), "GBK")
    with zipfile.ZipFile(io.BytesIO(good)) as zf:
        shp_members = {n: zf.read(n) for n in zf.namelist()}
    huge_ring = [
        (120.08 + 0.001 * math.cos(i / 1e4), 30.3 + 0.001 * math.sin(i / 1e4)) for i in range(150_000)
    ]
    bad: dict[str, tuple[bytes, str]] = {
        "too_big.geojson": (b"{" + b" " * (50 * 1024 * 1024 + 10) + b"}", "import.too_big"),
        "bomb.zip": (_zip({"parcels.shp": b"\0" * (40 * 1024 * 1024)}), "import.zip_bomb"),
        "traversal.zip": (_zip({"../../etc/parcels.shp": b"x", **shp_members}), "import.zip_traversal"),
        "absolute.zip": (_zip({"/tmp/parcels.shp": b"x"}), "import.zip_traversal"),
        "png_named.zip": (b"\x89PNG\r\n\x1a\n" + b"\0" * 100, "import.wrong_content"),
        "gif_named.gpkg": (b"GIF89a" + b"\0" * 100, "import.wrong_content"),
        "html_named.geojson": (b"<html><body>not json</body></html>", "import.wrong_content"),
        "zip_named.csv": (good, "import.wrong_content"),
        "unsupported.dwg": (b"AC1027", "import.unsupported"),
        "empty.geojson": (b"", "import.empty_file"),
        "no_features.geojson": (json.dumps({"type": "FeatureCollection", "features": []}).encode(), "import.empty_layer"),
        "corrupt.zip": (b"PK\x03\x04" + b"\x13" * 200, "import.bad_zip"),
        "no_dbf.zip": (_zip({k: v for k, v in shp_members.items() if not k.endswith(".dbf")}), "import.shp_incomplete"),
        "no_shp.zip": (_zip({"readme.txt": b"hello"}), "import.no_shp"),
        "no_kml.kmz": (_zip({"image.png": b"\x89PNG"}), "import.kmz_no_kml"),
        "huge_polygon.geojson": (
            json.dumps({"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"DKBH": "X"},
                "geometry": {"type": "Polygon", "coordinates": [[*huge_ring, huge_ring[0]]]}}]}).encode(),
            "import.too_many_vertices",
        ),
        "bad_encoding.csv": (b"code,lon,lat\n\xff\xfe\xff\xfe,120.1,30.2\n", "import.bad_encoding"),
        "no_coordinates.csv": ("地块编号,名称\nA,甲\n".encode(), "import.no_geometry_columns"),
        "broken.geojson": (b'{"type": "FeatureCollection", "features": [', "import.unreadable"),
        "broken.gpkg": (b"SQLite format 3\x00" + b"\x00" * 200, "import.unreadable"),
        "outside_hangzhou.geojson": (_moved(-120.0, 10.0).to_json().encode(), "import.no_crs"),
        "recursive_view.gpkg": (_view_gpkg(slow=False), "import.too_many_features"),
        "slow_view.gpkg": (_view_gpkg(slow=True), "import.layer_too_slow"),
        "lines_only.geojson": (
            json.dumps({"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"DKBH": "L1"},
                "geometry": {"type": "LineString", "coordinates": [[120.08, 30.3], [120.09, 30.31]]}}]}).encode(),
            "import.nothing_usable",
        ),
    }  # fmt: skip
    out = {}
    for name, (data, key) in bad.items():
        (folder / name).write_bytes(data)
        out[name] = key
    return out


def _view_gpkg(slow: bool) -> bytes:
    """A GeoPackage whose only feature layer is a recursive SQL view that never ends.

    ``slow=False``: rows stream out one by one (endless rows). ``slow=True``: the endless
    recursion sits inside a join, so SQLite works forever before the first row.
    """
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "view.gpkg"
        base = parcels_frame("EPSG:4326").iloc[:1]
        pyogrio.write_dataframe(base, path, layer="base", driver="GPKG")
        rows = "r.n AS fid, 'X' || r.n AS DKBH, "
        body = (
            rows + "b.geom AS geom FROM r, base b" if slow else rows + "(SELECT geom FROM base LIMIT 1) AS geom FROM r"
        )
        with sqlite3.connect(path) as conn:
            conn.executescript(
                "CREATE VIEW endless AS WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) "
                f"SELECT {body};"
                "INSERT INTO gpkg_contents (table_name, data_type, identifier, srs_id) "
                "VALUES ('endless', 'features', 'endless', 4326);"
                "INSERT INTO gpkg_geometry_columns (table_name, column_name, geometry_type_name, srs_id, z, m) "
                "VALUES ('endless', 'geom', 'POLYGON', 4326, 0, 0);"
                "DELETE FROM gpkg_geometry_columns WHERE table_name = 'base';"
                "DELETE FROM gpkg_contents WHERE table_name = 'base';"
            )
        return path.read_bytes()


def make_partial_files(folder: Path) -> dict[str, dict]:
    """Files as bureaus and colleagues send them, each importable; returns name -> what must happen.

    ``codes``: "generated" or the code column; ``crs``: the datum the coordinates are in;
    ``count``: parcels to add; ``names``: whether names arrive; ``area_mu``: areas in 亩.
    """
    folder.mkdir(parents=True, exist_ok=True)
    wgs = parcels_frame("EPSG:4326")
    names_only = wgs[["MC", "geometry"]]
    geometry_only = wgs[["geometry"]]
    bd09 = wgs.set_geometry(
        wgs.geometry.map(lambda g: Polygon([wgs84_to_bd09(x, y) for x, y in g.exterior.coords]))
    )
    gcj02 = gdf_wgs84_to_gcj02(wgs)
    mu = wgs.assign(MJ_MU=(wgs["MJ"] / (10000 / 15)).round(2)).drop(columns=["MJ"])
    files: dict[str, tuple[bytes, dict]] = {
        "no_code.csv": (
            "名称,经度,纬度\n甲,120.1,30.3\n".encode(),
            {"codes": "generated", "crs": "EPSG:4326", "count": 1, "names": True},
        ),
        "name_only.geojson": (
            names_only.to_json(ensure_ascii=False).encode("utf-8"),
            {"codes": "generated", "crs": "EPSG:4326", "count": 3, "names": True},
        ),
        "geometry_only.geojson": (
            geometry_only.to_json().encode("utf-8"),
            {"codes": "generated", "crs": "EPSG:4326", "count": 3, "names": False},
        ),
        "geometry_only.zip": (
            shapefile_zip(parcels_frame()[["geometry"]].assign(ID=0), "UTF-8"),
            {"codes": "generated", "crs": CGCS2000_GK_120E, "count": 3, "names": False},
        ),
        "bd09_baidu.geojson": (
            bd09.to_json(ensure_ascii=False).encode("utf-8"),
            {"codes": "DKBH", "crs": "BD09", "count": 3, "names": True},
        ),
        "gcj02_amap.geojson": (
            gcj02.to_json(ensure_ascii=False).encode("utf-8"),
            {"codes": "DKBH", "crs": "GCJ02", "count": 3, "names": True},
        ),
        "area_mu.geojson": (
            mu.to_json(ensure_ascii=False).encode("utf-8"),
            {"codes": "DKBH", "crs": "EPSG:4326", "count": 3, "names": True, "area_mu": True},
        ),
    }
    out = {}
    for name, (data, expect) in files.items():
        (folder / name).write_bytes(data)
        out[name] = expect
    return out


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "bad-files")
    print(json.dumps(make_corpus(target / "bad"), indent=1))
    print(json.dumps(make_partial_files(target / "partial"), indent=1, ensure_ascii=False))
    print(sorted(make_good_files(target / "good")))
