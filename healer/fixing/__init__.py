"""Fixing, as use cases: one round of proposals for a run, choosing what to apply, the fix loop, the hook's policy."""
