"""`quorum aggregate` and `quorum agreement`: the quality engine on CSV files, no server.

NumPy and the engine are imported inside the commands, so that the rest of the CLI starts
without them (`quorum.quality` itself loads them only when a name is used).
"""

from __future__ import annotations

import csv
import functools
import json
import math
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, ParamSpec, TextIO

import typer

from quorum.cli.common import plural
from quorum.quality import METHOD_NAMES

if TYPE_CHECKING:
    from quorum.quality import Answers, Encoded
    from quorum.quality.encode import IntArray

CV_FOLDS = 5
P = ParamSpec("P")


class CliError(Exception):
    """A user-facing error: printed as one line on stderr, exit status 1."""


def read_columns(path: Path, columns: tuple[str, ...]) -> dict[str, list[str]]:
    """Read the named columns of a CSV file with a header row; extra columns are ignored."""
    try:
        handle = path.open(newline="", encoding="utf-8-sig")
    except OSError as exc:
        raise CliError(f"{path}: cannot open ({exc.strerror or exc})") from None
    with handle:
        reader = csv.reader(handle)
        try:
            header = next(reader, None)
            if header is None:
                raise CliError(f"{path}: empty file, expected a header {','.join(columns)}")
            header = [h.strip() for h in header]
            missing = [c for c in columns if c not in header]
            if missing:
                raise CliError(f"{path}: line 1: missing column '{missing[0]}'")
            index = [header.index(c) for c in columns]
            values: dict[str, list[str]] = {c: [] for c in columns}
            for row in reader:
                if not row:
                    continue
                for column, i in zip(columns, index, strict=True):
                    if i >= len(row):
                        raise CliError(f"{path}: line {reader.line_num}: missing column '{column}'")
                    if row[i] == "":
                        raise CliError(f"{path}: line {reader.line_num}: empty '{column}'")
                    values[column].append(row[i])
        except (csv.Error, UnicodeDecodeError) as exc:
            raise CliError(f"{path}: line {reader.line_num}: unreadable CSV ({exc})") from None
    return values


def load_labels(labels: Path, gold: Path | None) -> Encoded:
    from quorum.quality import encode_records

    table = read_columns(labels, ("task", "worker", "label"))
    if not table["task"]:
        raise CliError(f"{labels}: no labels after the header")
    truth = read_columns(gold, ("task", "label")) if gold else {"task": [], "label": []}
    return encode_records(
        table["task"], table["worker"], table["label"], truth["task"], truth["label"]
    )


@contextmanager
def output(path: Path | None) -> Iterator[TextIO]:
    if path is None:
        yield sys.stdout
        return
    try:
        with path.open("w", newline="", encoding="utf-8") as handle:
            yield handle
    except OSError as exc:
        raise CliError(f"{path}: cannot write ({exc.strerror or exc})") from None


def write_csv(path: Path | None, header: list[str], rows: Iterable[list[object]]) -> None:
    """Write a CSV file, or standard output when `path` is None."""
    with output(path) as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def _counts(answers: Answers) -> str:
    return ", ".join(
        (
            plural(answers.n_tasks, "task"),
            plural(answers.n_workers, "worker"),
            plural(len(answers), "label"),
        )
    )


def _number(value: float) -> str:
    return "" if math.isnan(value) else f"{value:.6f}"


def cross_validated_accuracy(answers: Answers, gold: IntArray, method: str) -> float:
    """Accuracy on gold tasks, each scored by a fit that did not see its own gold."""
    import numpy as np

    from quorum.quality import NO_GOLD, aggregate

    known = np.flatnonzero(gold != NO_GOLD)
    fold = np.random.default_rng(0).permutation(known.size) % CV_FOLDS
    hits = 0
    for f in range(CV_FOLDS):
        held = known[fold == f]
        hidden = gold.copy()
        hidden[held] = NO_GOLD
        labels = aggregate(answers, method, hidden).labels
        hits += int((labels[held] == gold[held]).sum())
    return hits / known.size


def aggregate_command(
    labels: Path = typer.Argument(..., help="CSV with header task,worker,label."),
    method: str = typer.Option(
        "ds",
        "--method",
        "-m",
        help=f"Truth-inference method: {', '.join(METHOD_NAMES)} (mv: majority vote, ds: "
        "Dawid-Skene).",
    ),
    gold: Path | None = typer.Option(None, "--gold", help="CSV with header task,label."),
    out: Path | None = typer.Option(None, "--out", "-o", help="task,label,confidence CSV."),
    workers_out: Path | None = typer.Option(
        None, "--workers-out", help="worker,skill,n_labels CSV."
    ),
    score_only: bool = typer.Option(
        False, "--score-only", help="Use gold only to score, not to fit (clamped by default)."
    ),
) -> None:
    """Aggregate redundant labels into one label per task with a confidence.

    Gold tasks are clamped and inform annotator skill; the accuracy then reported is
    5-fold cross-validated over the gold tasks. The summary goes to stdout with --out and
    to stderr otherwise, so that the CSV on stdout stays clean.
    """
    import numpy as np

    from quorum.quality import NO_GOLD, aggregate

    if method not in METHOD_NAMES:
        raise CliError(f"unknown method '{method}'; choose from {', '.join(METHOD_NAMES)}")
    encoded = load_labels(labels, gold)
    answers = encoded.answers
    fit_gold = None if score_only else encoded.gold
    result = aggregate(answers, method, fit_gold)
    labelled = zip(encoded.tasks, result.labels, result.confidence, strict=True)
    write_csv(
        out,
        ["task", "label", "confidence"],
        ([name, encoded.classes[label], _number(conf)] for name, label, conf in labelled),
    )
    if workers_out:
        n_labels = np.bincount(answers.worker, minlength=answers.n_workers)
        skills = zip(encoded.workers, result.worker_accuracy, n_labels, strict=True)
        write_csv(
            workers_out,
            ["worker", "skill", "n_labels"],
            ([name, _number(skill), int(n)] for name, skill, n in skills),
        )
    state = "converged" if result.converged else "stopped at the iteration cap"
    lines = [
        f"{method}: {_counts(answers)}, {plural(answers.n_classes, 'class', 'classes')}; "
        f"{plural(result.n_iter, 'iteration')} ({state})",
        f"mean confidence {result.confidence.mean():.4f}; {plural(int(result.tied.sum()), 'tie')}",
    ]
    if encoded.gold is not None and (encoded.gold != NO_GOLD).any():
        known = encoded.gold != NO_GOLD
        if score_only:
            accuracy = float((result.labels[known] == encoded.gold[known]).mean())
            how = "gold used only for scoring"
        else:
            accuracy = cross_validated_accuracy(encoded.answers, encoded.gold, method)
            how = f"{CV_FOLDS}-fold cross-validated, gold clamped"
        lines.append(
            f"accuracy on gold: {accuracy:.4f} ({plural(int(known.sum()), 'task')}; {how})"
        )
    typer.echo("\n".join(lines), err=out is None)


def agreement_command(
    labels: Path = typer.Argument(..., help="CSV with header task,worker,label."),
    workers_out: Path | None = typer.Option(
        None, "--workers-out", help="Per-annotator agreement CSV."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of text."),
) -> None:
    """Print inter-annotator agreement: percent agreement, Fleiss' kappa, Krippendorff's alpha
    (ordinal and interval too when all labels are numbers) and mean pairwise Cohen's kappa."""
    import numpy as np

    from quorum.quality import (
        annotator_agreement,
        cohen_kappa_matrix,
        fleiss_kappa,
        krippendorff_alpha,
        percent_agreement,
    )

    encoded = load_labels(labels, None)
    answers = encoded.answers
    measures: dict[str, float] = {
        "percent_agreement": percent_agreement(answers),
        "fleiss_kappa": fleiss_kappa(answers),
        "krippendorff_alpha_nominal": krippendorff_alpha(answers, "nominal"),
    }
    try:
        values = np.array([float(c) for c in encoded.classes])
    except ValueError:
        values = None
    if values is not None:
        for level in ("ordinal", "interval"):
            measures[f"krippendorff_alpha_{level}"] = krippendorff_alpha(answers, level, values)
    measures["cohen_kappa_mean_pairwise"] = cohen_kappa_matrix(answers).mean()
    if as_json:
        shown = {k: None if math.isnan(v) else round(v, 6) for k, v in measures.items()}
        typer.echo(json.dumps({"tasks": answers.n_tasks, "workers": answers.n_workers, **shown}))
    else:
        typer.echo(_counts(answers))
        for name, value in measures.items():
            typer.echo(f"{name:28s} {_number(value) or 'n/a'}")
    if workers_out:
        per = annotator_agreement(answers)
        n_labels = np.bincount(answers.worker, minlength=answers.n_workers)
        columns = (per.percent, per.chance_corrected, per.cohen_kappa)
        write_csv(
            workers_out,
            ["worker", "n_labels", "percent_agreement", "kappa", "cohen_kappa"],
            (
                [name, int(n_labels[w]), *(_number(c[w]) for c in columns)]
                for w, name in enumerate(encoded.workers)
            ),
        )


def _one_line_errors(command: Callable[P, None]) -> Callable[P, None]:
    """Turn CliError and bad input into a one-line message on stderr and exit status 1."""

    @functools.wraps(command)
    def run(*args: P.args, **kwargs: P.kwargs) -> None:
        try:
            command(*args, **kwargs)
        except (CliError, ValueError) as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(1) from None

    return run


def register(app: typer.Typer) -> None:
    """Add the quality-engine commands to the top-level app."""
    app.command("aggregate")(_one_line_errors(aggregate_command))
    app.command("agreement")(_one_line_errors(agreement_command))
