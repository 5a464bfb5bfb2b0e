"""Use cases: runs, processors, files, webhooks (store + queue + pipeline)."""
