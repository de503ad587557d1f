"""The exact content a check looks at, and git plumbing to read it without touching anything."""
