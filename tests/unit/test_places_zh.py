"""How each place was located, in Chinese as well as English (``location_basis_zh``)."""

from __future__ import annotations

import csv
import re

import geopandas as gpd
import pytest

from scripts.pack import build_places
from scripts.pack.build_places import PACK

HAN = re.compile(r"[\u4e00-\u9fff]")
# An English sentence: three or more English words in a row (URLs and Latin names excepted).
ENGLISH_RUN = re.compile(r"\b[A-Za-z]{2,}(?: [A-Za-z]{2,}){2,}\b")


@pytest.mark.parametrize("layer", ["areas", "parcels", "projects", "innovation"])
def test_every_place_says_in_chinese_how_it_was_located(layer: str) -> None:
    gdf = gpd.read_file(PACK / f"{layer}.geojson")
    for fid, zh, en in zip(gdf["id"], gdf["location_basis_zh"], gdf["location_basis"], strict=True):
        assert HAN.search(zh), fid
        assert len(zh) > 20, fid
        assert not ENGLISH_RUN.search(re.sub(r"https?://\S+", "", zh)), (fid, zh)
        # the same placement in both languages: the offset and gazetteer row agree
        for metres in re.findall(r"offset (\d+) m", en):
            assert f"偏移 {metres} 米" in zh, (fid, en, zh)


def test_a_basis_note_without_chinese_stops_the_build(tmp_path) -> None:
    notes = tmp_path / "notes.csv"
    with open(PACK / "basis_notes_zh.csv", encoding="utf-8", newline="") as f:
        rows = [r for r in csv.DictReader(f) if r["id"] != "zone-shuangpu"]
    with open(notes, "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=["id", "note_zh"])
        w.writeheader()
        w.writerows(rows)
    with pytest.raises(build_places.PlacesError, match="zone-shuangpu"):
        build_places.build(tmp_path / "out", basis_notes_zh_csv=notes)


def test_a_low_confidence_fallback_is_explained_in_chinese(tmp_path) -> None:
    gaz = tmp_path / "gazetteer.csv"
    with open(PACK / "gazetteer.csv", encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    for r in rows:
        if r["name_zh"] == "大创小镇":
            r["lon_wgs84"], r["lat_wgs84"] = "120.08098", "30.219"
    with open(gaz, "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    build_places.build(tmp_path / "out", gazetteer_csv=gaz)
    areas = gpd.read_file(tmp_path / "out" / "areas.geojson").set_index("id")
    assert "位于钱塘区之外，故不采用" in areas.loc["zone-dachuang", "location_basis_zh"]
