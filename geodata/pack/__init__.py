"""The shipped data pack: layers, tables, seeds and tours (data only; built by ``scripts/pack/``)."""
