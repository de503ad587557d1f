"""healer.hooks: git hook installation and the pre-commit / pre-push entry points (issue 3)."""
