"""A failing page shows visitors a short message with a reference; the traceback goes to the log only."""

from __future__ import annotations

import logging
import re
import tomllib
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from components import cached
from geodata.ingest.read import MAX_UPLOAD_BYTES
from geodata.text.i18n import translate

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")
# what a PostGIS outage puts into an exception's text: never for a visitor's eyes
SECRET = 'connection to server at "db.internal" (10.0.0.5), port 5432 failed: user "atlas_admin"'


def _visible(at: AppTest) -> str:
    kinds = (
        "markdown",
        "caption",
        "info",
        "warning",
        "error",
        "success",
        "title",
        "header",
        "subheader",
        "code",
    )
    texts = [str(getattr(el, "value", "")) for kind in kinds for el in at.get(kind)]
    texts += [str(el.proto) for el in at.get("exception")]
    return "\n".join(texts)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_failing_page_shows_a_reference_not_a_traceback(
    lang: str, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def outage(name: str):
        raise RuntimeError(SECRET)

    monkeypatch.setattr(cached, "table", outage)
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["lang"] = lang
    with caplog.at_level(logging.ERROR, logger="atlas.errors"):
        at.run()
    assert not at.exception, at.exception  # no traceback element
    shown = _visible(at)
    assert "db.internal" not in shown
    assert "Traceback" not in shown
    assert "RuntimeError" not in shown
    message = at.error[0].value
    ref = re.search(r"[0-9a-f]{8}", message)
    assert ref is not None
    assert message == translate("errors.page_failed", lang, ref=ref.group())
    # the server log has the traceback, under the same reference
    logged = [r for r in caplog.records if ref.group() in r.getMessage()]
    assert logged
    assert logged[0].exc_info is not None
    assert "db.internal" in str(logged[0].exc_info[1])


def test_server_settings_match_the_app() -> None:
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    # the server enforces the importer's limit itself (the widget's limit is only a hint to the browser)
    assert config["server"]["maxUploadSize"] == MAX_UPLOAD_BYTES // (1024 * 1024)
    # anything outside a page's guard (a widget callback) still shows no details
    assert config["client"]["showErrorDetails"] == "none"
