"""healer.rules: the rules engine and its built-in rule packs (issue 4)."""
