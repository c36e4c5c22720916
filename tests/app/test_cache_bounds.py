"""Frames cached per store revision are bounded: a busy editing day does not grow the process."""

from __future__ import annotations

import geopandas as gpd
import pytest

from components import cached


class _CountingStore:
    def __init__(self) -> None:
        self.reads = 0

    def read_layer(self, name: str) -> gpd.GeoDataFrame:
        self.reads += 1
        return gpd.GeoDataFrame({"id": [name]}, geometry=[None], crs=4326)


@pytest.fixture
def store(monkeypatch: pytest.MonkeyPatch):
    fake = _CountingStore()
    cached.reset()
    monkeypatch.setattr(cached, "backend", lambda: fake)
    yield fake
    cached._layer.clear()


def test_layer_cache_keeps_a_bounded_number_of_revisions(store: _CountingStore) -> None:
    cached._layer("parcels", "pack", 0)
    assert store.reads == 1
    cached._layer("parcels", "pack", 0)
    assert store.reads == 1  # cached
    for rev in range(1, 200):  # two hundred saves later
        cached._layer("parcels", "pack", rev)
    assert store.reads == 200
    cached._layer("parcels", "pack", 0)
    assert store.reads == 201  # the first revision's copy was let go, not kept for ever
    cached._layer("parcels", "pack", 199)
    assert store.reads == 201  # the current one is still cached
