"""Geometry and the map: coordinate systems and datums (``crs``), what part of the parcels
a map view draws (``viewport``), what a map click selected (``selection``) and how each
layer is styled, on screen and on paper (``styles``).

May import: ``geodata.model``, ``geodata.text``.
"""
