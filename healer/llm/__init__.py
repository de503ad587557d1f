"""healer.llm: the model fixer (litellm), its context, edits, redaction, budget and cache."""
