"""Command-line edge: translate arguments, call the pipeline, show progress."""
