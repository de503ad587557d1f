"""Fixes: what fixers propose (patches), how candidates are verified, and the fix loop."""
