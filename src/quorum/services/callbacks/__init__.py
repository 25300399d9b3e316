"""Callbacks: which URLs are allowed, the outbox events state changes write, each project's URL and
signing key, and delivery from the worker."""
