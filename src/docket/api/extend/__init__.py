"""Extend-compatible wire protocol (API version 2026-02-09): camelCase JSON shapes."""
