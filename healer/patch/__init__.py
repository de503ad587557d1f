"""Patches on the user's files: validation, atomic apply, the journal and undo."""
