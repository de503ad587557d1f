"""healer.tui: the Textual terminal interface, a client of the core (issue 7)."""
