"""Watch mode: rerun the stages a change affects, as files are saved.

The core of `healer watch` and of the TUI's watch key: `session.WatchSession`
runs the pipeline on the working tree and reports through `events`; front
ends only render what it reports.
"""
