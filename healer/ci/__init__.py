"""healer in and about CI: the CI job's run (annotations, summary, SARIF, fixes as a patch, suggestions,
escalation) and bringing a failed CI run's failures to the developer's machine."""
