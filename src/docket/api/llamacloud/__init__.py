"""LlamaCloud-compatible wire protocol (the ``llama-cloud`` SDK, 1.x): a translation layer
over Docket's files, saved extractors and extract runs (see docs/llamacloud.md)."""
