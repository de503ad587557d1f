"""Content-addressed caching of stage results."""
