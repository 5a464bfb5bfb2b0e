"""SQLAlchemy tables and repositories; SQLite default, PostgreSQL at scale."""
