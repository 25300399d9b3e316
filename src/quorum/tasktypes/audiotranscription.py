"""Audio transcription: write down what is said in a clip, optionally as time-stamped segments.

Params: `attachment` (audio URL), optional `language` (BCP 47 tag such as `en` or `pt-BR`),
`duration` (seconds, when known: segments must end within it) and `segments_required`.
Response: `{"transcript": str, "segments": [{start, end, text, speaker?}]?}`, times in seconds;
segments are in time order and do not overlap (one speaker turn after another), so they can be
aligned against other annotators' segments.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Any, NotRequired

from pydantic import BaseModel, Field
from typing_extensions import TypedDict

from quorum.tasktypes.base import (
    Aggregator,
    FieldError,
    FileKind,
    FileTasks,
    TaskType,
    attachment_of,
)
from quorum.tasktypes.checks import CLOSED, OPEN, NonEmpty, closed, response_check


class AudioTranscriptionParams(BaseModel):
    model_config = OPEN

    attachment: NonEmpty
    language: str | None = Field(None, pattern=r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
    duration: float | None = Field(None, gt=0)
    segments_required: bool = False


@closed
class Segment(TypedDict):
    start: Annotated[float, Field(ge=0)]
    end: Annotated[float, Field(gt=0)]
    text: str
    speaker: NotRequired[str | None]


class AudioTranscriptionResponse(BaseModel):
    model_config = CLOSED

    transcript: str
    segments: list[Segment] | None = None


def _check(params: AudioTranscriptionParams, response: dict[str, Any]) -> Iterator[FieldError]:
    segments = response.get("segments")
    if params.segments_required and not segments:
        yield FieldError("segments", "time-stamped segments are required")
    previous_end = 0.0
    for i, segment in enumerate(segments or ()):
        start, end = segment["start"], segment["end"]
        if end <= start:
            yield FieldError(f"segments.{i}.end", "must be after start")
        if start < previous_end:
            yield FieldError(f"segments.{i}.start", "overlaps or precedes the previous segment")
        if params.duration is not None and end > params.duration:
            yield FieldError(f"segments.{i}.end", f"past the end of the clip ({params.duration}s)")
        previous_end = max(previous_end, end)


def _machine(params: dict[str, Any]) -> dict[str, Any]:
    """A placeholder transcript, as one segment over the clip when segments are required."""
    p = AudioTranscriptionParams.model_validate(params)
    text = "machine transcript"
    if not p.segments_required:
        return {"transcript": text}
    return {
        "transcript": text,
        "segments": [{"start": 0.0, "end": p.duration or 1.0, "text": text}],
    }


TYPE = TaskType(
    name="audiotranscription",
    content=attachment_of("audio"),
    params_model=AudioTranscriptionParams,
    response_model=AudioTranscriptionResponse,
    aggregator=Aggregator.text,
    exporters=("jsonl", "hf", "asr"),
    check_response=response_check(AudioTranscriptionParams, _check),
    machine_response=_machine,
    files=FileTasks(frozenset({FileKind.audio}), lambda _, path: {"attachment": path}),
)
