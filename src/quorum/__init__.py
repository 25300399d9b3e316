"""Quorum: a self-hostable data-labeling platform.

Layers (imports point down only): faces (api, web, cli) -> services -> tasktypes, formats,
jobs, db -> quality. See DESIGN.md for the shared picture.
"""

__version__ = "0.1.0"
