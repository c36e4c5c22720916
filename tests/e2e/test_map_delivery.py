"""A freshly drawn map does not rerun its page; a user's pan does (``components/map_delivery.py``)."""

from __future__ import annotations

import pytest

from tests.e2e.helpers import MAP_FRAME, wait_for_app

# Installed before any page script: counts the values map frames report to Streamlit
# (each one reruns the page) and the script runs Streamlit starts, from the first load on.
_COUNT_JS = """
window.__delivery = {reports: 0, runs: 0, duringRun: false};
window.addEventListener('message', e => {
  if (e.data && e.data.type === 'streamlit:setComponentValue') {
    window.__delivery.reports += 1;
    // a report that lands while a run is going reruns it without a new 'running' state
    const app = document.querySelector("[data-testid='stApp']");
    window.__delivery.duringRun = !!app && app.getAttribute('data-test-script-state') === 'running';
  }
});
new MutationObserver(records => {
  for (const r of records) {
    if (r.target.getAttribute('data-test-script-state') === 'running' && r.oldValue !== 'running')
      window.__delivery.runs += 1;
  }
}).observe(document, {attributes: true, subtree: true, attributeOldValue: true,
                      attributeFilter: ['data-test-script-state']});
"""


# A scripted pan that counts as a person's: the key press in the map first (the map's fit
# to its frame stops for good at a person's key, pointer or wheel, as it would for a drag)
_PAN_JS = (
    "() => new Promise(r => { window.map.once('moveend', r);"
    " window.map.getContainer().dispatchEvent(new KeyboardEvent('keydown', {bubbles: true}));"
    " window.map.panBy([120, 80], {animate: false}); })"
)


@pytest.mark.parametrize("path", ["", "/parcels"])
def test_only_a_users_pan_reruns_the_page(page, app_server, path) -> None:
    page.add_init_script(_COUNT_JS)
    page.goto(app_server.url + path, wait_until="domcontentloaded")
    wait_for_app(page)
    content = page.locator(MAP_FRAME).element_handle().content_frame()
    # streamlit-folium's initComponent ends with the opening report: once the map listens
    # for moves, that report (if any) has been posted
    content.wait_for_function(
        "() => window.map && window.map.listens('moveend') && !window.map._animatingZoom"
        " && !!window.map._atlasFitted"
    )
    wait_for_app(page)
    runs_before = page.evaluate("() => window.__delivery.runs")

    content.evaluate(_PAN_JS)
    # the pan's report (debounced 250 ms) arrives and the run it causes finishes
    page.wait_for_function(
        "(n) => window.__delivery.reports >= 1 && (window.__delivery.runs > n || window.__delivery.duringRun)"
        " && !!document.querySelector(\"[data-testid='stApp'][data-test-script-state='notRunning']\")",
        arg=runs_before,
        timeout=60_000,
    )
    wait_for_app(page)
    counts = page.evaluate("() => window.__delivery")
    # the pan is the one report; the opening view of the drawn map sent none
    assert counts["reports"] == 1, counts
    # and one run followed it (none more: no second report reran the page)
    assert counts["runs"] == runs_before + (0 if counts["duringRun"] else 1), counts
