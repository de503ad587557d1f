"""GitHub's REST API as healer uses it: the client, the token, which repository, runs and their logs,
pull-request reviews and issues. Standard library only: a hook never loads any of it."""
