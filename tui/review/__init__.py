"""Reviewing a fix hunk by hunk, as `git add -p` does: the decisions, splitting, editing, applying."""
