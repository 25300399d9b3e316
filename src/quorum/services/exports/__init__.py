"""Exports of a project's results, streamed in constant memory."""
