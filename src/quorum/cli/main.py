"""Entry point of the `quorum` console script: one Typer app, sub-commands per module."""

from __future__ import annotations

import typer

from quorum.cli import quality

app = typer.Typer(
    name="quorum",
    help="Quorum: a self-hostable data-labeling platform.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)

quality.register(app)
