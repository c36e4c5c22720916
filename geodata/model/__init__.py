"""The data model: what the pack and the store hold, and reading the shipped pack.

``schema`` names every layer, table and column (and the pack's location); ``pack_reader``
reads the pack's GeoJSON layers and CSV tables and hashes them.

May import: nothing else of ``geodata``. This is the bottom layer.
"""
