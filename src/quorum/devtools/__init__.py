"""Tools for the people who work on Quorum (need the `test` extra); not part of the product."""
