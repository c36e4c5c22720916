"""The map frame's vendored scripts (Leaflet and its plugins) as one served file.

streamlit-folium's frame loads its ``js_links`` one after the other (each waits for the
one before, so that a plugin finds Leaflet), and only then the stylesheets: Leaflet and four
plugins were five round trips before the map's own script could start, a few hundred
milliseconds of a first map on a busy machine. Here the app's own scripts at the head of the
list are joined, in their order, into one file named by its content, in the folder where
``map_delivery`` writes the base-map scripts (one request, the same order of execution;
served, cached and made writable in a deployment like those files).
Stylesheets stay separate files: their ``url(images/…)`` are relative to where they lie.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import os
import re
import tempfile
from pathlib import Path

from components import map_delivery
from components.assets import STATIC_URL, local_asset_path

#: The scripts that may be joined: the vendored libraries the app serves itself.
VENDOR_URL = f"{STATIC_URL}/vendor/"

_SOURCE_MAP = re.compile(r"^//# sourceMappingURL=.*$", re.M)
_log = logging.getLogger(__name__)


def joined_text(texts: list[str]) -> str:
    """Scripts as one: each ends its last statement, source-map comments (of files not
    served) are dropped.

    >>> joined_text(["var a = 1\\n//# sourceMappingURL=a.map", "var b = a"])
    'var a = 1\\n\\n;\\nvar b = a\\n;\\n'
    """
    return "".join(_SOURCE_MAP.sub("", text) + "\n;\n" for text in texts)


def head_run(links: list[str]) -> int:
    """How many links at the head of ``links`` are vendored scripts (the part that is joined).

    >>> head_run(["/app/static/vendor/a.js", "/app/static/vendor/b.js", "/app/static/maps/m.js"])
    2
    >>> head_run(["https://cdn.example/x.js", "/app/static/vendor/a.js"])
    0
    """
    n = 0
    while n < len(links) and links[n].startswith(VENDOR_URL) and links[n].endswith(".js"):
        n += 1
    return n


@functools.lru_cache(maxsize=32)
def _bundle_url(links: tuple[str, ...], folder: Path, folder_url: str) -> str | None:
    try:
        text = joined_text([local_asset_path(url).read_text(encoding="utf-8") for url in links])
    except (OSError, ValueError) as err:
        _log.warning("map scripts not joined (%s); the frame loads them one by one", err)
        return None
    # named for what it holds (a page's scripts show Leaflet comes from the app) and its content
    name = f"leaflet-{hashlib.sha256(text.encode('utf-8')).hexdigest()[:32]}.js"
    path = folder / name
    if not path.exists():
        try:
            folder.mkdir(parents=True, exist_ok=True)
            # write then rename: a browser asking meanwhile never gets half a file
            fd, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(text)
            os.replace(tmp, path)
        except OSError as err:  # a read-only install: the frame loads them one by one, as before
            _log.warning("map scripts cannot be written to %s (%s); not joined", folder, err)
            return None
    return f"{folder_url}/{name}"


def bundled(links: list[str]) -> list[str]:
    """``links`` with its leading vendored scripts replaced by one joined file (unchanged
    where there are fewer than two, or the file cannot be written)."""
    n = head_run(links)
    if n < 2:
        return links
    url = _bundle_url(tuple(links[:n]), map_delivery.MAPS_DIR, map_delivery.MAPS_URL)
    return links if url is None else [url, *links[n:]]
