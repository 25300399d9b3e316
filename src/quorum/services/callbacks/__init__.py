"""Callbacks: which URLs are allowed, the outbox events every state change writes, and each
project's URL and signing key (delivery runs in the worker: quorum.services.ops)."""
