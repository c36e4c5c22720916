"""The import pipeline: formats, encodings, CRS detection, mapping, repair, preview, and the bad-file corpus."""

from __future__ import annotations

from pathlib import Path

import pytest
import shapely
from shapely.geometry import Polygon

from geodata.ingest import (
    GCJ02,
    ImportRefused,
    crs_candidates,
    plan_changes,
    prepare,
    read_upload,
    run_import,
    suggest_mapping,
)
from geodata.store import Backend
from tests.data.make_bad_files import PARCELS, SIDE_DEG, make_corpus, make_good_files


@pytest.fixture(scope="module")
def good(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return make_good_files(tmp_path_factory.mktemp("good"))


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    folder = tmp_path_factory.mktemp("bad")
    return folder, make_corpus(folder)


def _expected_centres() -> dict[str, tuple[float, float]]:
    return {code: (lon + SIDE_DEG / 2, lat + SIDE_DEG / 2) for code, _, lon, lat, *_ in PARCELS}


@pytest.mark.parametrize("name", ["gk_gbk.zip", "gk_gbk_cpg.zip", "gk_gbk_lying_cpg.zip"])
def test_gk_shapefile_with_gbk_text(good: dict[str, Path], name: str) -> None:
    raw = read_upload(name, good[name].read_bytes())
    assert raw.encoding in ("gb18030", "gbk")
    assert raw.declared_crs == "EPSG:4549"
    assert list(raw.frame["MC"]) == [p[1] for p in PARCELS]
    cands = crs_candidates(raw.frame.total_bounds, raw.declared_crs)
    assert cands[0].crs == "EPSG:4549"


def test_prefixed_gk_without_prj_is_detected(good: dict[str, Path]) -> None:
    raw = read_upload("gk_prefixed_noprj.zip", good["gk_prefixed_noprj.zip"].read_bytes())
    assert raw.declared_crs is None
    assert raw.encoding == "utf-8"
    assert [c.crs for c in crs_candidates(raw.frame.total_bounds)] == ["EPSG:4528"]


def test_degrees_offer_wgs84_cgcs2000_and_gcj02(good: dict[str, Path]) -> None:
    raw = read_upload("wgs84.geojson", good["wgs84.geojson"].read_bytes())
    assert {c.crs for c in crs_candidates(raw.frame.total_bounds)} == {"EPSG:4326", "EPSG:4490", GCJ02}


def test_gcj02_is_shifted_back(good: dict[str, Path]) -> None:
    raw = read_upload("wgs84.geojson", good["wgs84.geojson"].read_bytes())
    mapping = suggest_mapping(raw.columns)
    as_wgs = prepare(raw, "EPSG:4326", mapping, "t").parcels
    as_gcj = prepare(raw, GCJ02, mapping, "t").parcels
    shift = as_wgs.geometry.centroid.x.iloc[0] - as_gcj.geometry.centroid.x.iloc[0]
    assert 0.004 < shift < 0.006  # GCJ-02 lies ~0.0047° east of WGS-84 in Hangzhou


@pytest.mark.parametrize(
    "name",
    [
        "gk_gbk.zip",
        "gk_prefixed_noprj.zip",
        "wgs84.geojson",
        "points_gbk.csv",
        "wgs84.kml",
        "wgs84.kmz",
        "gk.gpkg",
        "wkt.xlsx",
    ],
)
def test_import_lands_in_the_right_place(backend: Backend, good: dict[str, Path], name: str) -> None:
    plan, problems = run_import(backend, name, good[name].read_bytes(), "西湖区自然资源局", "alice")
    assert problems == []
    assert plan.counts == {"add": 3, "change": 0, "remove": 0}
    stored = backend.read_parcels().set_index("parcel_code")
    for code, (lon, lat) in _expected_centres().items():
        c = stored.loc[code].geometry.centroid
        tol = 1e-6 if name != "points_gbk.csv" else SIDE_DEG  # the CSV has the corner point
        assert abs(c.x - lon) < tol + (SIDE_DEG / 2 if name == "points_gbk.csv" else 0)
        assert abs(c.y - lat) < tol + (SIDE_DEG / 2 if name == "points_gbk.csv" else 0)
    assert stored.loc["XH2026-01", "name_zh"] == "云谷北侧产业地块"
    assert set(stored.loc[[p[0] for p in PARCELS], "district"]) == {"西湖区"}  # from the boundary layer
    if name != "points_gbk.csv":
        assert stored.loc["XH2026-03", "status"] == "sold"
    if name not in ("points_gbk.csv", "wkt.xlsx"):
        assert stored.loc["XH2026-03", "area_m2"] == 41000.5
        assert stored.loc["XH2026-01", "geometry_quality"] == "surveyed"
    assert backend.mapping("西湖区自然资源局")  # remembered for the next file from this source


def test_reimport_changes_and_removes(backend: Backend, good: dict[str, Path], tmp_path: Path) -> None:
    run_import(backend, "gk_gbk.zip", good["gk_gbk.zip"].read_bytes(), "bureau", "alice")
    from tests.data.make_bad_files import parcels_frame, shapefile_zip

    frame = parcels_frame()
    frame.loc[0, "ZT"] = "成交"
    frame = frame.iloc[:2]  # XH2026-03 no longer listed
    plan, _ = run_import(backend, "v2.zip", shapefile_zip(frame), "bureau", "bob", remove_missing=True)
    assert plan.counts == {"add": 0, "change": 1, "remove": 1}
    assert "status: listed → sold" in plan.table.loc[plan.table["action"] == "change", "changes"].iloc[0]
    stored = backend.read_parcels().set_index("parcel_code")
    assert stored.loc["XH2026-01", "status"] == "sold"
    assert "XH2026-03" not in stored.index
    assert "site-ucas-south" in set(stored["id"])  # pack parcels are another source: never removed


def test_repairs_and_row_report(tmp_path: Path) -> None:
    import geopandas as gpd

    bowtie = Polygon([(120.08, 30.30), (120.09, 30.31), (120.09, 30.30), (120.08, 30.31)])
    part_a = Polygon([(120.10, 30.30, 5), (120.101, 30.30, 5), (120.101, 30.301, 5)])
    part_b = Polygon([(120.11, 30.30), (120.111, 30.30), (120.111, 30.301)])
    frame = gpd.GeoDataFrame(
        {"DKBH": ["B1", "M1", "M1", None, "L1"], "ZT": ["挂牌", "planned", "planned", "sold", "无此状态"]},
        geometry=[bowtie, part_a, part_b, part_b, shapely.LineString([(120.1, 30.3), (120.2, 30.3)])],
        crs="EPSG:4326",
    )
    from geodata.ingest import RawLayer

    prepared = prepare(
        RawLayer(frame, "geojson", "EPSG:4326"), "EPSG:4326", {"DKBH": "parcel_code", "ZT": "status"}, "t"
    )
    assert prepared.parcels.loc["B1"].geometry.is_valid
    assert prepared.parcels.loc["M1"].geometry.geom_type == "MultiPolygon"
    assert not shapely.has_z(prepared.parcels.loc["M1"].geometry)
    assert [(p.row, p.key) for p in prepared.problems] == [
        (4, "import.row.no_code"),
        (5, "import.row.not_area"),
    ]


def test_plan_is_not_written(backend: Backend, good: dict[str, Path]) -> None:
    raw = read_upload("gk_gbk.zip", good["gk_gbk.zip"].read_bytes())
    before = backend.fingerprint()
    prepared = prepare(raw, "EPSG:4549", suggest_mapping(raw.columns), "bureau")
    plan = plan_changes(backend.read_parcels(), prepared.parcels, "bureau")
    assert plan.counts["add"] == 3
    assert len(plan.geometries) == 3
    assert backend.fingerprint() == before


def test_bad_file_corpus(backend: Backend, corpus: tuple[Path, dict[str, str]], tmp_path: Path) -> None:
    folder, expected = corpus
    assert len(expected) >= 20
    store_file = getattr(backend, "path", None)
    for name, key in expected.items():
        before = backend.fingerprint()
        file_bytes = store_file.read_bytes() if store_file else None
        with pytest.raises(ImportRefused) as err:
            run_import(backend, name, (folder / name).read_bytes(), "hostile", "mallory")
        assert err.value.key == key, name
        assert backend.fingerprint() == before, name
        if store_file:
            assert store_file.read_bytes() == file_bytes, name


def test_downloads_defuse_formulas_from_imported_text() -> None:
    import io

    import pandas as pd

    from geodata.export.tables import to_csv_bytes, to_xlsx

    hostile = pd.DataFrame(
        {"name_zh": ["=cmd|' /C calc'!A0", "+1", "@x", "-2", "正常"], "area_m2": [-1.0, 1, 2, 3, 4]}
    )
    csv_cells = pd.read_csv(io.BytesIO(to_csv_bytes(hostile)), encoding="utf-8-sig")["name_zh"].tolist()
    xlsx_cells = pd.read_excel(io.BytesIO(to_xlsx({"p": hostile})), sheet_name="p")
    for cells in (csv_cells, xlsx_cells["name_zh"].tolist()):
        assert [c[0] for c in cells[:4]] == ["'"] * 4
        assert cells[4] == "正常"
    assert xlsx_cells["area_m2"].tolist()[0] == -1.0


def test_every_message_key_of_the_data_layer_exists() -> None:
    """The importer and the store return message keys; each must be in data.toml in both languages."""
    import re

    from geodata.text.i18n import catalogue

    root = Path(__file__).resolve().parents[2] / "geodata"
    text = "".join(
        p.read_text(encoding="utf-8") for p in [*(root / "ingest").glob("*.py"), *(root / "store").glob("*.py")]
    )
    keys = set(re.findall(r'"((?:import|store)\.[a-z_.]+)"', text))
    assert len(keys) > 30
    missing = sorted(k for k in keys if f"data.{k}" not in catalogue())
    assert missing == []
    from geodata.ingest import IMPORT_FIELDS

    assert [f for f in IMPORT_FIELDS if f"data.fieldname.{f}" not in catalogue()] == []


def test_reimport_keeps_fields_the_file_does_not_carry(backend: Backend, good: dict[str, Path]) -> None:
    run_import(backend, "points_gbk.csv", good["points_gbk.csv"].read_bytes(), "bureau", "alice")
    stored = backend.read_parcels().set_index("parcel_code")
    pid = stored.loc["XH2026-01", "id"]
    backend.update_parcel(
        pid, {"area_mu": 45, "supply_quarter": "2026Q2"}, int(stored.loc["XH2026-01", "version"]), "bob"
    )
    plan, _ = run_import(backend, "points_gbk.csv", good["points_gbk.csv"].read_bytes(), "bureau", "alice")
    assert plan.counts == {"add": 0, "change": 0, "remove": 0}
    row = backend.read_parcels().set_index("parcel_code").loc["XH2026-01"]
    assert (row["area_mu"], row["supply_quarter"]) == (45.0, "2026Q2")
