"""Orchestration of engines per processor: no HTTP, no SQL, no queue."""
