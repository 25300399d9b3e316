"""Storage: engine and sessions, tables, Alembic migrations, dialect-specific queries."""
