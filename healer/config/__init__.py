"""The pipeline configuration: its types (settings), where it is found, how it is validated."""
