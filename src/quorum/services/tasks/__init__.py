"""Tasks and batches: records checked, tasks created (API and file import), read, edited, their
status changed (the lifecycle: complete, cancel, fail, reopen), batches opened and closed."""
