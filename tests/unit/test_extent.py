"""Hangzhou's extent is defined once (geodata.model.extent); every check uses that box."""

from __future__ import annotations

from geodata.domain.parcels import CENTER_LAT, CENTER_LON, state_from_params
from geodata.ingest import HANGZHOU_BOUNDS
from geodata.model.extent import HANGZHOU_EXTENT


def test_import_and_shared_links_use_the_same_box() -> None:
    assert tuple(HANGZHOU_BOUNDS) == tuple(HANGZHOU_EXTENT)
    assert (HANGZHOU_EXTENT.south, HANGZHOU_EXTENT.north) == CENTER_LAT
    assert (HANGZHOU_EXTENT.west, HANGZHOU_EXTENT.east) == CENTER_LON


def test_a_shared_centre_outside_the_box_is_refused() -> None:
    inside, notices = state_from_params({"c": f"30.2,{HANGZHOU_EXTENT.east}"}, {})
    assert notices == []
    assert inside.center == (30.2, HANGZHOU_EXTENT.east)
    outside, notices = state_from_params({"c": f"30.2,{HANGZHOU_EXTENT.east + 0.01}"}, {})
    assert outside.center is None
    assert len(notices) == 1
