"""BlobStore adapters: local filesystem (default), S3-compatible."""
