"""A viewer that speaks Streamlit's own websocket protocol, for Locust.

No browser: each simulated viewer fetches the page (for the cookies a browser would get),
opens ``/_stcore/stream`` and sends the ``BackMsg`` protobufs the Streamlit frontend sends
(``rerun_script`` with a ``ClientState``: ``query_string``, ``page_script_hash``,
``widget_states``), then reads ``ForwardMsg`` protobufs until ``script_finished``. So the
load is the server's work, not a browser's.

One visit: open the overview (page ready), switch to the parcel explorer (page ready),
change the district filter (interaction: a widget state change), click a parcel on the map
(interaction: the map component's value), switch to the area profiles (page ready). Between
two steps the viewer reads for 2–5 s (``wait_time``), as a person holding a phone does; so
"100 viewers" means 100 open sessions browsing at a person's pace, not 100 loops firing
requests back to back.
An ``exception`` element in the page counts as an error, and so does a run that does not
finish within ``LOAD_TIMEOUT`` seconds.

    locust -f bench/load/locustfile.py --headless -u 10 -r 2 -t 60s --host http://127.0.0.1:8080
"""

from __future__ import annotations

import os
import time

from locust import User, between, task
from protocol import StreamlitSession, map_click

# A parcel of the shipped pack (its point), clicked on the parcel map.
CLICK = {"lat": float(os.environ.get("LOAD_CLICK_LAT", "30.3076")), "lng": float(os.environ.get("LOAD_CLICK_LNG", "120.0728"))}
DISTRICT = os.environ.get("LOAD_DISTRICT", "西湖区")


class AtlasViewer(User):
    """A visitor who opened the QR code: looks around three pages and clicks a parcel."""

    wait_time = between(2, 5)

    def _timed(self, kind: str, name: str, action) -> bool:
        start = time.perf_counter()
        before = self.session.received if getattr(self, "session", None) else 0
        exc: Exception | None = None
        try:
            action()
        except Exception as err:  # every failure is an error in the stats, with its message
            exc = err
        got = self.session.received - before if getattr(self, "session", None) else 0
        self.environment.events.request.fire(
            request_type=kind,
            name=name,
            response_time=(time.perf_counter() - start) * 1000,
            response_length=got,
            exception=exc,
            context={},
        )
        return exc is None

    def _connect(self) -> None:
        self.session = StreamlitSession(self.host)
        self.session.rerun()

    @task
    def visit(self) -> None:
        self.session = None
        try:
            if not self._timed("page", "overview (connect + first run)", self._connect):
                return
            self.wait()
            if not self._timed("page", "parcels", lambda: self.session.rerun("parcels")):
                return
            self.wait()
            districts = self.session.widget("parcels_districts")[1]
            # the district of the shipped parcels, so the map still has parcels to click
            choice = [o for o in districts.options if DISTRICT in o][:1] or list(districts.options[:1])
            self.session.set_strings("parcels_districts", choice)
            if not self._timed("interaction", "filter district", self.session.rerun):
                return
            self.wait()
            self.session.set_json("component:", map_click(**CLICK))
            if not self._timed("interaction", "click parcel", self.session.rerun):
                return
            self.wait()
            self._timed("page", "areas", lambda: self.session.rerun("areas"))
        finally:
            if self.session is not None:
                self.session.close()
