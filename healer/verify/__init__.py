"""Proving a fix: isolated copies of the content, and rerunning in them what the fix concerns."""
