"""The knowledge base: one SQLite file per user holding the cache and everything healer learns."""
