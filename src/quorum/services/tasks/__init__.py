"""Tasks and batches: records checked, tasks created (API and file import), read, edited, batches
opened and closed."""
