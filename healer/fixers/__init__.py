"""Who proposes fixes: the rules, past fixes, a model; one protocol and one admission step for all."""
