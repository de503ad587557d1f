"""The pipeline configuration: its data model, where it is found, how it is validated."""
