"""The atlas pages, run by ``app.py``'s navigation: read widgets, call pure functions, draw with components."""
