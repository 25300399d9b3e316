"""Printing an import dry run's report (`quorum import --dry-run`) for a person to read."""

from __future__ import annotations

from typing import Any

from quorum.cli.common import plural

SHOWN = 20  # rows of each kind printed; the counts say how many there are


def print_report(report: dict[str, Any]) -> None:
    """The report as tables (rich draws them; imported only when one is printed)."""
    from rich.console import Console
    from rich.table import Table

    console = Console()
    valid, records = report["valid"], report["records"]
    console.print(
        f"[bold]{report['file']}[/bold]: {plural(records, 'record')} read, "
        f"{valid} would import, {records - valid} would fail. Nothing was written."
    )
    if report["read_error"]:
        console.print(f"[red]reading stopped:[/red] {report['read_error']}")

    def table(title: str, columns: tuple[str, ...], rows: list[list[str]], total: int) -> None:
        if not rows:
            return
        shown = Table(*columns, title=f"{title} ({total})", title_justify="left")
        for row in rows[:SHOWN]:
            shown.add_row(*row)
        console.print(shown)
        if total > SHOWN:
            console.print(f"… and {total - SHOWN} more (--json lists up to 1,000)")

    errors = report["errors"]
    table("Records that would fail", ("where", "field", "why"),
          [[e["where"], e["field"], e["message"]] for e in errors], len(errors))  # fmt: skip
    duplicates = report["duplicates"]
    for kind in ("exact", "near"):
        groups = duplicates[kind]
        table(f"{kind.capitalize()} duplicates, groups", ("members", "text"),
              [[", ".join(g["members"]), g["preview"]] for g in groups],
              duplicates[f"{kind}_count"])  # fmt: skip
    counts = report["change_counts"]
    if counts:
        table("Text cleaned", ("change", "records"),
              [[c, str(n)] for c, n in counts.items()], len(counts))  # fmt: skip
    media = report["media"]
    table("Media checked", ("where", "kind", "problem", "size", "duration"),
          [[m["where"], m["kind"], m["problem"] or ("rotated (EXIF)" if m.get("rotated") else "ok"),
            f"{m['width']}x{m['height']}" if m.get("width") else f"{m['size']:,} bytes",
            f"{m['duration_s']} s" if m.get("duration_s") is not None else ""]
           for m in media["items"]], media["checked"])  # fmt: skip
    if media["not_checked"]:
        console.print(
            f"{plural(media['not_checked'], 'media link')} not checked (not stored by Quorum)"
        )
    left_out = report["left_out"]
    console.print(
        f"--skip-duplicates exact would leave out {left_out['exact']}, near {left_out['near']}."
    )
