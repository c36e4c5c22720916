"""Basemap tiles for an exported picture: fetched with a short timeout, or none at all.

A picture is made on the server, which in a meeting room or behind a firewall often
reaches no tile server; then :func:`fetch_mosaic` answers ``None`` quickly and the
picture draws the offline basemap instead (and says so in its source line). A partial
mosaic is never returned: a map with holes would look like missing data.
"""

from __future__ import annotations

import io
import math
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

#: Half the Web Mercator world width in metres.
ORIGIN = 20037508.342789244
TILE = 256
USER_AGENT = "hangzhou-land-atlas/0.1 (picture export)"


@dataclass(frozen=True)
class Mosaic:
    image: np.ndarray  # H x W x 4, uint8
    extent: tuple[float, float, float, float]  # left, right, bottom, top in EPSG:3857
    zoom: int


def tile_range(bounds: tuple[float, float, float, float], zoom: int) -> tuple[int, int, int, int]:
    """Tile columns and rows (x0, x1, y0, y1, inclusive) covering EPSG:3857 ``bounds`` (minx, miny, maxx, maxy).

    Examples
    --------
    >>> tile_range((-1.0, -1.0, 1.0, 1.0), 1)
    (0, 1, 0, 1)
    """
    n = 2**zoom
    size = 2 * ORIGIN / n

    def col(x: float) -> int:
        return min(n - 1, max(0, math.floor((x + ORIGIN) / size)))

    def row(y: float) -> int:
        return min(n - 1, max(0, math.floor((ORIGIN - y) / size)))

    minx, miny, maxx, maxy = bounds
    return col(minx), col(maxx), row(maxy), row(miny)


def zoom_for(bounds: tuple[float, float, float, float], width_px: int, max_zoom: int = 18) -> int:
    """The zoom whose tiles draw ``bounds`` at about ``width_px`` pixels across.

    Examples
    --------
    >>> zoom_for((13_300_000.0, 3_500_000.0, 13_400_000.0, 3_560_000.0), 1000)
    11
    """
    metres_per_px = (bounds[2] - bounds[0]) / max(width_px, 1)
    z = math.log2(2 * ORIGIN / (TILE * metres_per_px))
    return int(max(0, min(max_zoom, round(z))))


def _url(template: str, subdomains: str, x: int, y: int, z: int) -> str:
    sub = subdomains[(x + y) % len(subdomains)] if subdomains else ""
    return template.replace("{s}", sub).replace("{x}", str(x)).replace("{y}", str(y)).replace("{z}", str(z))


def _get(url: str, timeout: float) -> bytes:
    req = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    with urllib.request.urlopen(req, timeout=timeout) as resp:
        return resp.read()


def fetch_mosaic(
    template: str,
    subdomains: str,
    bounds: tuple[float, float, float, float],
    width_px: int,
    *,
    max_zoom: int = 18,
    timeout: float = 2.0,
    max_tiles: int = 64,
) -> Mosaic | None:
    """The tiles covering ``bounds`` (EPSG:3857) as one image, or ``None`` when any tile fails.

    One tile is tried first, so an unreachable server costs one ``timeout``, not one per tile.
    The zoom is lowered until at most ``max_tiles`` tiles are needed.
    """
    from PIL import Image

    z = zoom_for(bounds, width_px, max_zoom)
    while True:
        x0, x1, y0, y1 = tile_range(bounds, z)
        if (x1 - x0 + 1) * (y1 - y0 + 1) <= max_tiles or z == 0:
            break
        z -= 1
    coords = [(x, y) for y in range(y0, y1 + 1) for x in range(x0, x1 + 1)]
    try:
        first = _get(_url(template, subdomains, *coords[0], z), timeout)
        with ThreadPoolExecutor(max_workers=8) as pool:
            rest = list(pool.map(lambda c: _get(_url(template, subdomains, *c, z), timeout), coords[1:]))
        # RGBA: an annotation layer (Tianditu's labels) is transparent between its labels
        images = [Image.open(io.BytesIO(b)).convert("RGBA") for b in [first, *rest]]
    except Exception:  # unreachable, refused, timed out, not an image: offline basemap instead
        return None
    canvas = Image.new("RGBA", ((x1 - x0 + 1) * TILE, (y1 - y0 + 1) * TILE))
    for (x, y), img in zip(coords, images, strict=True):
        canvas.paste(img.resize((TILE, TILE)), ((x - x0) * TILE, (y - y0) * TILE))
    size = 2 * ORIGIN / 2**z
    extent = (-ORIGIN + x0 * size, -ORIGIN + (x1 + 1) * size, ORIGIN - (y1 + 1) * size, ORIGIN - y0 * size)
    return Mosaic(np.asarray(canvas), extent, z)
