"""Adapters behind small Protocols; all native and external I/O lives here."""
