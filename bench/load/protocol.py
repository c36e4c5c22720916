"""Streamlit's websocket protocol without a browser (used by the Locust viewer and the deploy tests).

The page is fetched first (for the cookies a browser would get: the proxy's sticky cookie and
Streamlit's XSRF cookie), then ``/_stcore/stream`` is opened and ``BackMsg`` protobufs are sent
as the Streamlit frontend sends them (``rerun_script`` with a ``ClientState``: ``query_string``,
``page_script_hash``, ``widget_states``); ``ForwardMsg`` protobufs are read until ``script_finished``.
Kept free of Locust, whose import monkey-patches the whole process with gevent.
"""

from __future__ import annotations

import json
import os
import time
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar

import websocket
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

TIMEOUT = float(os.environ.get("LOAD_TIMEOUT", "30"))
FINISHED = {ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_WITH_COMPILE_ERROR}


class ScriptError(Exception):
    """The page showed an exception, or the run did not finish in time."""


class StreamlitSession:
    """One browser tab's conversation with the server, without the browser."""

    def __init__(self, base_url: str, timeout: float = TIMEOUT) -> None:
        self.base = base_url.rstrip("/")
        self.timeout = timeout
        jar = CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        # The page itself: the proxy pins this "browser" to a replica with a cookie.
        with opener.open(self.base + "/", timeout=timeout) as resp:
            resp.read()
        cookies = {c.name: c.value for c in jar}
        xsrf = cookies.get("_streamlit_xsrf", "")
        parsed = urllib.parse.urlparse(self.base)
        scheme = "wss" if parsed.scheme == "https" else "ws"
        self.ws = websocket.create_connection(
            f"{scheme}://{parsed.netloc}/_stcore/stream",
            subprotocols=["streamlit", xsrf] if xsrf else ["streamlit"],
            cookie="; ".join(f"{k}={v}" for k, v in cookies.items()),
            origin=self.base,
            timeout=timeout,
        )
        self.pages: dict[str, str] = {}  # url path -> page_script_hash
        self.page_hash = ""
        self.elements: dict[str, object] = {}  # widget id -> element proto of the last run
        self.widgets: dict[str, object] = {}  # widget id -> WidgetState we set
        self.received = 0

    def close(self) -> None:
        self.ws.close()

    def rerun(self, page: str | None = None, query: str = "") -> None:
        """Send ``rerun_script`` and wait for ``script_finished``; raise ScriptError on failure."""
        if page is not None:
            self.page_hash = self.pages[page]
            self.widgets.clear()  # a page switch starts with that page's defaults
        msg = BackMsg()
        state = msg.rerun_script
        state.query_string = query
        state.page_script_hash = self.page_hash
        for widget in self.widgets.values():
            state.widget_states.widgets.append(widget)
        self.ws.send_binary(msg.SerializeToString())
        self.elements = {}
        errors: list[str] = []
        deadline = time.monotonic() + self.timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise ScriptError(f"no script_finished within {self.timeout:g} s")
            self.ws.settimeout(left)
            try:
                data = self.ws.recv()
            except websocket.WebSocketTimeoutException as exc:
                raise ScriptError(f"no script_finished within {self.timeout:g} s") from exc
            self.received += len(data)
            fwd = ForwardMsg()
            fwd.ParseFromString(data)
            kind = fwd.WhichOneof("type")
            if kind in ("new_session", "navigation"):
                # st.navigation apps announce their pages in a `navigation` message
                for app_page in getattr(fwd, kind).app_pages:
                    self.pages[app_page.url_pathname] = app_page.page_script_hash
            elif kind == "delta" and fwd.delta.WhichOneof("type") == "new_element":
                element = fwd.delta.new_element
                which = element.WhichOneof("type")
                if which == "exception":
                    errors.append(element.exception.type + ": " + element.exception.message[:200])
                widget = getattr(element, which, None) if which else None
                widget_id = getattr(widget, "id", "")
                if widget_id:
                    # the map is a custom component whose key is a hash (components/folium_render.py)
                    key = "component:" + widget_id if which == "component_instance" else widget_id
                    self.elements[key] = widget
            elif kind == "script_finished" and fwd.script_finished in FINISHED:
                break
        if errors:
            raise ScriptError("; ".join(errors))

    def widget(self, key_part: str) -> tuple[str, object]:
        for widget_id, element in self.elements.items():
            if key_part in widget_id:
                return widget_id, element
        raise ScriptError(f"no widget whose id contains {key_part!r}")

    def set_strings(self, key_part: str, values: list[str]) -> None:
        widget_id, _ = self.widget(key_part)
        state = BackMsg().rerun_script.widget_states.widgets.add()
        state.id = widget_id
        state.string_array_value.data.extend(values)
        self.widgets[widget_id] = state

    def set_json(self, key_part: str, value: dict) -> None:
        widget_id, _ = self.widget(key_part)
        state = BackMsg().rerun_script.widget_states.widgets.add()
        state.id = widget_id.removeprefix("component:")
        state.json_value = json.dumps(value)
        self.widgets[widget_id] = state


def map_click(lat: float, lng: float) -> dict:
    """What streamlit-folium's frontend returns after a click on a feature."""
    point = {"lat": lat, "lng": lng}
    return {
        "last_clicked": point,
        "last_object_clicked": point,
        "last_object_clicked_tooltip": None,
        "last_object_clicked_popup": None,
        "last_active_drawing": None,
        "all_drawings": None,
        "last_drawn": None,
        "center": point,
        "zoom": 13,
        "bounds": {"_southWest": {"lat": lat - 0.05, "lng": lng - 0.08}, "_northEast": {"lat": lat + 0.05, "lng": lng + 0.08}},
    }
