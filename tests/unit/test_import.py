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
    assert {c.crs for c in crs_candidates(raw.frame.total_bounds)} == {"EPSG:4326", "EPSG:4490", GCJ02, "BD09"}


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


# -- real files: no code, names only, geometry only, Amap and Baidu datums, areas in 亩 ----------


@pytest.fixture(scope="module")
def partial(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, dict]]:
    from tests.data.make_bad_files import make_partial_files

    folder = tmp_path_factory.mktemp("partial")
    return folder, make_partial_files(folder)


def test_partial_files_import_with_generated_codes(backend: Backend, partial: tuple[Path, dict[str, dict]]) -> None:
    folder, expected = partial
    assert {"no_code.csv", "name_only.geojson", "geometry_only.geojson", "bd09_baidu.geojson"} <= set(expected)
    for name, expect in expected.items():
        data = (folder / name).read_bytes()
        plan, _ = run_import(backend, name, data, f"src-{name}", "alice", crs=expect["crs"])
        if expect["codes"] == "generated":
            assert plan.counts["add"] == expect["count"], name
            added = plan.table["id"].tolist()
            assert all(code.startswith("AUTO-") for code in added), name
        else:  # the bureau's codes: an earlier file of this loop may have added them already
            added = [p[0] for p in PARCELS]
        stored = backend.read_parcels().set_index("id").loc[added]
        if expect["count"] == 3:  # each lands where it belongs, whatever datum the file is in
            for point in stored.geometry.representative_point():
                assert min(point.distance(shapely.Point(c)) for c in _expected_centres().values()) < SIDE_DEG, name
        assert stored["name_zh"].notna().all() == expect["names"], name
        if expect.get("area_mu"):  # recognised by the column name: an area, not "not yet published"
            assert stored["area_mu"].notna().all(), name
        # the same file again: the same generated codes, so nothing is added twice
        again, _ = run_import(backend, name, data, f"src-{name}", "alice", crs=expect["crs"])
        assert again.counts == {"add": 0, "change": 0, "remove": 0}, name


def test_one_column_fills_both_name_and_code(good: dict[str, Path]) -> None:
    raw = read_upload("wgs84.geojson", good["wgs84.geojson"].read_bytes())
    prepared = prepare(raw, "EPSG:4326", {"MC": "name_zh"}, "bureau", code_column="MC")
    assert sorted(prepared.parcels.index) == sorted(p[1] for p in PARCELS)
    assert sorted(prepared.parcels["name_zh"]) == sorted(p[1] for p in PARCELS)


def test_area_in_mu_recognised_by_name_and_by_values(good: dict[str, Path]) -> None:
    from geodata.ingest import area_unit, suggest_columns

    for col in ("MJ_MU", "面积_亩", "亩数", "面积（亩）"):
        assert suggest_mapping([col]) == {col: "area_mu"}, col
    # a plain 面积 column whose values are 亩: the outlines' areas (about 43,000 m² each) say so
    from tests.data.make_bad_files import parcels_frame

    frame = parcels_frame("EPSG:4326")
    frame["面积"] = (frame["MJ"] / (10000 / 15)).round(1)
    raw = read_upload("mu.geojson", frame.drop(columns=["MJ"]).to_json(ensure_ascii=False).encode())
    mapping, code = suggest_columns(raw, "EPSG:4326")
    assert mapping["面积"] == "area_mu"
    assert code == "DKBH"
    assert area_unit(frame["MJ"]) == "area_m2"


def test_baidu_and_amap_coordinates_are_offered_with_distances(partial: tuple[Path, dict[str, dict]]) -> None:
    from geodata.ingest import BD09, candidate_distances, landing_points, to_wgs84

    folder, _ = partial
    raw = read_upload("bd09_baidu.geojson", (folder / "bd09_baidu.geojson").read_bytes())
    candidates = crs_candidates(raw.frame.total_bounds, raw.declared_crs)
    assert [c.crs for c in candidates] == ["EPSG:4326", "EPSG:4490", GCJ02, BD09]
    apart = candidate_distances(candidates)
    assert 400 < apart[GCJ02] < 700
    assert 700 < apart[BD09] < 1500
    landed = to_wgs84(raw.frame, BD09).geometry.representative_point()
    for point, (lon, lat) in zip(landed, _expected_centres().values(), strict=True):
        assert point.distance(shapely.Point(lon, lat)) < SIDE_DEG / 2
    assert len(landing_points(raw.frame, candidates)) == 4 * len(raw.frame)


def test_reversed_ring_is_no_change(backend: Backend, good: dict[str, Path]) -> None:
    from tests.data.make_bad_files import parcels_frame

    run_import(backend, "wgs84.geojson", good["wgs84.geojson"].read_bytes(), "bureau", "alice")
    frame = parcels_frame("EPSG:4326")
    # as a Shapefile writes it: clockwise, and starting at another corner
    frame = frame.set_geometry(frame.geometry.map(lambda g: Polygon(list(g.exterior.coords)[::-1][1:])))
    plan, _ = run_import(backend, "cw.geojson", frame.to_json(ensure_ascii=False).encode(), "bureau", "bob")
    assert plan.counts == {"add": 0, "change": 0, "remove": 0}


def test_moves_are_measured_drawn_and_need_confirmation(backend: Backend, good: dict[str, Path]) -> None:
    from geodata.ingest import confirm, preview
    from geodata.store import StoreError
    from tests.data.make_bad_files import parcels_frame

    run_import(backend, "wgs84.geojson", good["wgs84.geojson"].read_bytes(), "bureau", "alice")
    frame = parcels_frame("EPSG:4326")
    frame = frame.set_geometry(frame.translate(0.005, 0.0))  # about 480 m east, as a GCJ-02 mix-up would
    raw = read_upload("moved.geojson", frame.to_json(ensure_ascii=False).encode())
    plan = preview(backend, prepare(raw, "EPSG:4326", {"DKBH": "parcel_code"}, "bureau"), "bureau")
    assert plan.counts["change"] == 3
    assert 400 < plan.max_move_m < 600
    assert plan.needs_move_confirmation
    assert sorted(plan.before["id"]) == sorted(plan.table["id"])  # the old outline of each is drawn
    before = backend.fingerprint()
    with pytest.raises(StoreError) as err:
        confirm(backend, plan, "bob", "moved")
    assert err.value.key == "store.confirm_moves"
    assert backend.fingerprint() == before
    confirm(backend, plan, "bob", "moved", moves_confirmed=True)
    assert backend.fingerprint() != before


def test_confirm_writes_the_previewed_plan_or_refuses(backend: Backend, good: dict[str, Path]) -> None:
    """An edit made between preview and confirm is not overwritten; parcels added meanwhile are not removed."""
    from geodata.ingest import confirm, preview
    from geodata.store import Change, StoreChangedError
    from tests.data.make_bad_files import parcels_frame

    run_import(backend, "wgs84.geojson", good["wgs84.geojson"].read_bytes(), "bureau", "alice")
    frame = parcels_frame("EPSG:4326").iloc[:2]
    frame.loc[0, "ZT"] = "成交"
    raw = read_upload("v2.geojson", frame.to_json(ensure_ascii=False).encode())
    prepared = prepare(raw, "EPSG:4326", {"DKBH": "parcel_code", "ZT": "status"}, "bureau")
    plan = preview(backend, prepared, "bureau", remove_missing=True)
    assert plan.counts == {"add": 0, "change": 1, "remove": 1}
    # meanwhile another editor edits a parcel and adds one of the same source
    stored = backend.read_parcels().set_index("id")
    backend.update_parcel("XH2026-02", {"description_zh": "现场已核实"}, int(stored.loc["XH2026-02", "version"]), "carol")
    backend.apply_changeset([Change("add", "XH2026-09", {"source": "bureau", "parcel_code": "XH2026-09"}, SQUARE_NEAR)], "carol")
    before = backend.fingerprint()
    with pytest.raises(StoreChangedError) as err:
        confirm(backend, plan, "bob", "v2")
    assert err.value.key == "store.changed_since_preview"
    assert backend.fingerprint() == before
    # a fresh preview shows the newcomer as a removal to decide about, and the edit stays
    fresh = preview(backend, prepared, "bureau", remove_missing=True)
    assert "XH2026-09" in set(fresh.table.loc[fresh.table["action"] == "remove", "id"])
    confirm(backend, fresh, "bob", "v2")
    assert backend.read_parcels().set_index("id").loc["XH2026-02", "description_zh"] == "现场已核实"


def test_two_editors_confirming_at_once_lose_nothing(backend: Backend, good: dict[str, Path], tmp_path: Path) -> None:
    """Two sessions preview against the same store and press confirm at the same moment."""
    import threading

    from geodata.ingest import confirm, preview
    from geodata.store import StoreChangedError, open_backend
    from tests.data.make_bad_files import parcels_frame

    run_import(backend, "wgs84.geojson", good["wgs84.geojson"].read_bytes(), "bureau", "alice")
    url = getattr(backend, "url", None)
    handles = [open_backend(url=url) if url else open_backend(path=backend.path) for _ in range(2)]
    plans = []
    for i, handle in enumerate(handles):
        frame = parcels_frame("EPSG:4326").iloc[[i, 2]].reset_index(drop=True)
        frame.loc[0, "ZT"] = "成交"  # each editor changes another parcel
        frame.loc[1, "DKBH"] = f"XH2026-1{i}"  # and adds one of their own
        raw = read_upload("f.geojson", frame.to_json(ensure_ascii=False).encode())
        prepared = prepare(raw, "EPSG:4326", {"DKBH": "parcel_code", "ZT": "status"}, f"editor{i}")
        plans.append((prepared, preview(handle, prepared, f"editor{i}")))
    barrier = threading.Barrier(2)
    outcome: dict[int, object] = {}

    def run(i: int) -> None:
        barrier.wait()
        try:
            outcome[i] = confirm(handles[i], plans[i][1], f"editor{i}", "at once")
        except StoreChangedError as exc:
            outcome[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=120)
    refused = [i for i, o in outcome.items() if isinstance(o, StoreChangedError)]
    assert len(outcome) == 2
    assert len(refused) == 1  # one wrote, the other was told and wrote nothing
    loser = refused[0]
    confirm(handles[loser], preview(handles[loser], plans[loser][0], f"editor{loser}"), f"editor{loser}", "again")
    stored = backend.read_parcels().set_index("id")
    assert {"XH2026-10", "XH2026-11"} <= set(stored.index)
    assert stored.loc["XH2026-01", "status"] == "sold"
    assert stored.loc["XH2026-02", "status"] == "sold"
    for handle in handles:
        handle.engine.dispose()


SQUARE_NEAR = Polygon([(120.07, 30.29), (120.072, 30.29), (120.072, 30.292), (120.07, 30.292)])


# -- hostile GeoPackages and leftovers of killed reads -------------------------------------------


@pytest.mark.timeout(60, method="thread")  # a hang in SQLite (C) ignores signals
def test_recursive_view_is_refused_quickly(corpus: tuple[Path, dict[str, str]]) -> None:
    import time

    folder, expected = corpus
    for name in ("recursive_view.gpkg", "slow_view.gpkg"):
        start = time.monotonic()
        with pytest.raises(ImportRefused) as err:
            read_upload(name, (folder / name).read_bytes())
        assert err.value.key == expected[name]
        assert time.monotonic() - start < 15, name


def test_reads_leave_no_temporary_folders(corpus: tuple[Path, dict[str, str]], good: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import subprocess
    import sys
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    # what a read killed with SIGKILL leaves: a folder named after a process that is gone
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True, check=True)
    left = tmp_path / f"atlas-import-{gone.stdout.strip()}-abc"
    (left / "sub").mkdir(parents=True)
    (left / "sub" / "upload.gpkg").write_bytes(b"x")
    folder, _ = corpus
    for name in ("broken.gpkg", "no_dbf.zip", "recursive_view.gpkg"):
        with pytest.raises(ImportRefused):
            read_upload(name, (folder / name).read_bytes())
    read_upload("gk.gpkg", good["gk.gpkg"].read_bytes())
    assert list(tmp_path.glob("atlas-import-*")) == []
