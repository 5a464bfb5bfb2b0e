"""JobQueue adapters: in-process pool (default), distributed engine."""
