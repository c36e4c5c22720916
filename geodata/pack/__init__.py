"""The shipped data pack and the scripts that build it."""
