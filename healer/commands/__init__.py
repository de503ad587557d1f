"""One module per `healer` command; each exposes `execute(args) -> exit code`."""
