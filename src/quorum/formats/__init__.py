"""Streaming importers and exporters, each found by name in a registry."""
