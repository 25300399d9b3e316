"""Stored files: uploads and imports by URL, bounded and streamed, and who may read them."""
