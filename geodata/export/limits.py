"""What one export request may ask for: the caps the UI states and the renderers enforce.

An export is drawn on the server. Unbounded, one click could ask for a 1,000-page brochure
or a 17-megapixel A3 print picture, minutes of CPU and gigabytes of memory; several such
clicks at once would stall the app for everyone. So each request is capped here, and heavy
requests run one or two at a time through :mod:`geodata.export.queue`.
"""

from __future__ import annotations

from typing import Final

from geodata.export.charts import RESOLUTIONS, page_inches

#: Parcels in one brochure (one A4 page each, about a second per page).
MAX_BROCHURE_PARCELS: Final = 20
#: Pixels in one map picture: A4 at print resolution (300 dpi, 8.7 MP) fits, A3 at print
#: resolution (17.4 MP) does not; A3 is offered up to twice screen resolution (192 dpi).
MAX_PICTURE_PIXELS: Final = 10_000_000


def picture_pixels(size: str, resolution: str) -> int:
    """Width × height in pixels of a picture of ``size`` at ``resolution``.

    >>> picture_pixels("a4_landscape", "print"), picture_pixels("a3_landscape", "print")
    (8699840, 17403188)
    """
    dpi = RESOLUTIONS[resolution]
    w, h = page_inches(size, dpi)
    return int(w * dpi) * int(h * dpi)


def picture_allowed(size: str, resolution: str) -> bool:
    """Whether one request may ask for this size and resolution.

    >>> picture_allowed("a4_portrait", "print"), picture_allowed("a3_portrait", "print")
    (True, False)
    >>> picture_allowed("a3_portrait", "double")
    True
    """
    return picture_pixels(size, resolution) <= MAX_PICTURE_PIXELS


def megapixels(pixels: int = MAX_PICTURE_PIXELS) -> str:
    """Pixels as megapixels for a message.

    >>> megapixels()
    '10'
    """
    return f"{pixels / 1e6:g}"
