"""Readers for documents without page geometry (Office, HTML, text, e-mail).

They emit typed blocks straight from the document structure (see docs/formats.md) instead of
drawing the document and running the geometric layout engine over it.
"""
