"""The parcel explorer with more parcels than its pickers offer (a city-wide layer): the compare and
brochure pickers list at most 1,000 choices — 100,000 options were sent with every rerun
(3 MB and 230 MB of browser heap in the benchmark) — and keep what the user picked."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from bench.synth import write_pack
from components import cached
from components.state import PARCELS as K
from tests.app.tables import parcel_list

N = 1500
LIMIT = 1000


@pytest.fixture(scope="module")
def many(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    tmp = tmp_path_factory.mktemp("many")
    pack = write_pack(N, tmp / "pack", seed=5)
    mp = pytest.MonkeyPatch()
    mp.setenv("ATLAS_PACK", str(pack))
    mp.setenv("ATLAS_STORE", str(tmp / "atlas.gpkg"))
    mp.delenv("ATLAS_DATABASE_URL", raising=False)
    cached.reset()
    yield pack
    mp.undo()
    cached.reset()


def _pickers(at: AppTest):
    compare = at.multiselect(key=K["compare"])
    brochure = at.multiselect(key="export_brochure_pick")
    return compare, brochure


def test_pickers_offer_at_most_a_thousand_and_keep_the_picks(open_page, many) -> None:
    at = open_page("parcels.py", timeout=120)
    compare, brochure = _pickers(at)
    assert len(compare.options) == LIMIT
    assert len(brochure.options) == LIMIT


def test_a_parcel_beyond_the_first_thousand_opened_by_link_is_offered_and_preselected(open_page, many) -> None:
    last = cached.shared_layers()["parcels"]["id"].iloc[-1]
    at = open_page("parcels.py", query={"sel": last}, timeout=120)
    _, brochure = _pickers(at)
    assert brochure.value == [last]
    name = cached.shared_layers()["parcels"].set_index("id").loc[last, "name_zh"]
    assert brochure.options[0] == name  # offered (AppTest lists options by their shown name)
    assert len(brochure.options) == LIMIT + 1


def test_the_list_shows_one_page_and_pages_through_every_parcel(open_page, many) -> None:
    parcels = cached.shared_layers()["parcels"]
    at = open_page("parcels.py", timeout=120)
    pages = at.number_input(key=K["list_page"])
    assert pages.max == -(-N // 10)  # every parcel is reachable, 10 a page, not only the first 1,000
    assert [r["地块"] for r in parcel_list(at)] == list(parcels["name_zh"].iloc[:10])
    assert len(at.selectbox(key=K["pick"]).options) == 10
    pages.set_value(pages.max).run()
    last = parcels.iloc[-(N % 10 or 10) :]
    assert [r["地块"] for r in parcel_list(at)] == list(last["name_zh"])
    # opening a parcel on the last page selects it and flies the map there
    at.selectbox(key=K["pick"]).set_value(last["id"].iloc[-1]).run()
    assert at.session_state[K["selected"]] == last["id"].iloc[-1]
    assert at.session_state[K["zoom"]] == 14
    # a filter that leaves one page shows it (the page box goes; its number is not kept beyond the end)
    at.text_input(key=K["text"]).set_value(str(last["name_zh"].iloc[-1])).run()
    assert not at.exception
    assert len(parcel_list(at)) >= 1
