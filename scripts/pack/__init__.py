"""Scripts that rebuild the shipped data pack (``make build-pack``); not part of the runtime package."""
