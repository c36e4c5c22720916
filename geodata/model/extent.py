"""Hangzhou's extent: the one box every "is this in Hangzhou?" check and every map start uses.

WGS-84 degrees with a margin around the city (its land spans about 118.3–120.8 E and
29.2–30.6 N), wide enough for a CGCS2000/GCJ-02 shift and a parcel on the border; a point
outside it is a wrong CRS, swapped coordinates or a typo.

>>> HANGZHOU_EXTENT.contains(120.15, 30.25), HANGZHOU_EXTENT.contains(116.4, 39.9)
(True, False)
>>> tuple(HANGZHOU_EXTENT)
(118.0, 29.0, 121.5, 31.0)
"""

from __future__ import annotations

from typing import NamedTuple


class Extent(NamedTuple):
    """A lon/lat box, in the (west, south, east, north) order of GeoPandas' ``total_bounds``."""

    west: float
    south: float
    east: float
    north: float

    def contains(self, lon: float, lat: float) -> bool:
        return self.west <= lon <= self.east and self.south <= lat <= self.north


HANGZHOU_EXTENT = Extent(west=118.0, south=29.0, east=121.5, north=31.0)

#: Where the overview maps open: (lat, lon), the middle of the city's districts.
HANGZHOU_CENTER = (30.25, 119.75)
