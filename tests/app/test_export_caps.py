"""The parcel page states and enforces the export caps; its downloads are built once per revision."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from components import cached
from geodata.domain.parcels import ParcelQuery
from geodata.export import tables
from geodata.export.limits import MAX_BROCHURE_PARCELS
from geodata.text.i18n import translate

APP = str(Path(__file__).resolve().parents[2] / "app.py")


def test_the_brochure_picker_is_capped_and_says_so() -> None:
    at = AppTest.from_file(APP, default_timeout=90)
    at.switch_page("app_pages/parcels.py").run()
    assert not at.exception, at.exception
    picker = at.multiselect(key="export_brochure_pick")
    assert picker.proto.max_selections == MAX_BROCHURE_PARCELS
    captions = [c.value for c in at.caption]
    assert translate("exportcap.brochure_caps", "zh", max=MAX_BROCHURE_PARCELS) in captions
    assert translate("exportcap.picture_caps", "zh", mp="10") in captions


def test_a_download_is_built_once_per_revision_and_query(monkeypatch: pytest.MonkeyPatch) -> None:
    built: list[str] = []
    real = tables.parcel_download

    def counting(shown, xy, kind):
        built.append(kind)
        return real(shown, xy, kind)

    monkeypatch.setattr(tables, "parcel_download", counting)
    cached.reset()
    try:
        first = cached.parcel_file("csv", ParcelQuery())
        again = cached.parcel_file("csv", ParcelQuery())
        assert first == again
        assert built == ["csv"]  # the second session got the same bytes without building them
        cached.parcel_file("csv", ParcelQuery(text="云栖"))
        assert built == ["csv", "csv"]  # another filter is another file
        monkeypatch.setattr(cached, "revision", lambda: 10**6)  # an editor saved: a new revision
        cached.parcel_file("csv", ParcelQuery())
        assert built == ["csv", "csv", "csv"]
        assert b"lon,lat,id" in first.lstrip(b"\xef\xbb\xbf")[:40]
    finally:
        cached.reset()


@pytest.mark.parametrize("button", ["make", "chart_make"])
def test_an_a3_print_export_is_refused_with_the_cap(open_page, button: str) -> None:
    at = open_page("app_pages/thematic.py", basemap="offline", timeout=120)
    panel = "choropleth"
    at.selectbox(key=f"export_{panel}_size").set_value("a3_landscape").run()
    at.selectbox(key=f"export_{panel}_resolution").set_value("print").run()
    at.button(key=f"export_{panel}_{button}").click().run()
    assert not at.exception, at.exception
    assert translate("exportcap.picture_too_large", "zh", mp="10") in [w.value for w in at.warning]
    assert f"export_{panel}_result" not in at.session_state
    assert f"export_{panel}_chart_files" not in at.session_state
