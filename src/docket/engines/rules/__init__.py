"""The offline, deterministic extraction engine and its value parsers."""
