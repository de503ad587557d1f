"""`healer mcp`: a Model Context Protocol server over stdio, another front end on the core's verbs.

`server.py` declares the tools and serves them; `render.py` turns what the
verbs return into the JSON documents the CLI prints (docs/json.md);
`reporter.py` keeps the protocol's standard output clean. Only `healer mcp`
imports this package, and with it the `mcp` SDK (the `mcp` extra).
"""
