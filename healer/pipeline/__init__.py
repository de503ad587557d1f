"""Running the stages: scheduling by `needs`, processes, captured output, results and events."""
