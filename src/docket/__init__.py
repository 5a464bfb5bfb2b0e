"""Docket: self-hosted document intelligence (parse, extract, classify, split)."""

__version__ = "0.1.0"
