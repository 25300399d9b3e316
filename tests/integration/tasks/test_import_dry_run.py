"""The import dry run through the API, and the real import applying the same rules: failures,
duplicates (within the file and against stored tasks), text cleaning kept per task and
exported, stored media checked (corrupt refused, EXIF-rotated stored upright)."""

from __future__ import annotations

import io

import orjson
import pytest
from PIL import Image
from tests import factories as make
from tests import media_files

IMPORT = "/api/projects/{}/tasks/import?filename=t.jsonl"


def _jsonl(records: list[dict]) -> bytes:
    return b"".join(orjson.dumps(r) + b"\n" for r in records)


def _post(client, headers, records, project="reviews", **query):
    url = IMPORT.format(project) + "".join(f"&{k}={v}" for k, v in query.items())
    return client.post(url, headers=headers, content=_jsonl(records))


def _count(client, headers, project="reviews") -> int:
    return client.get(f"/api/tasks/count?project={project}", headers=headers).json()["total"]


@pytest.fixture
def h(client, accounts):
    headers = accounts["manager"].headers
    make.api_project(client, headers, "reviews", params={"categories": ["pos", "neg"]})
    return headers


RECORDS = [
    {"attachment": "The battery lasts two days and the screen is bright.", "unique_id": "a"},
    {"attachment": "The battery lasts two days and the screen is bright."},
    {"attachment": "the battery lasts two days, and the screen is bright!"},
    {"attachment": "caf\u00c3\u00a9   au lait\u0007 is nice "},
    {"attachment": "Stopped working after a week, support never answered."},
]


def test_the_dry_run_reports_and_writes_nothing(client, h):
    bad = [*RECORDS, {"attachment": ""}, {"attachment": "x", "categoriez": ["a"]}]
    r = _post(client, h, bad, dry_run="true")
    assert r.status_code == 200, r.text
    report = r.json()
    assert (report["records"], report["valid"], report["read_error"]) == (7, 5, None)
    assert [(e["where"], e["field"]) for e in report["errors"]] == [
        ("line 6", "attachment"),
        ("line 7", "categoriez"),
    ]
    assert report["duplicates"]["exact"] == [
        {"members": ["line 1", "line 2"], "preview": RECORDS[0]["attachment"]}
    ]
    assert [g["members"] for g in report["duplicates"]["near"]] == [["line 1", "line 3"]]
    assert report["change_counts"] == {
        "broken encoding repaired": 1,
        "control characters removed": 1,
        "whitespace": 1,
    }
    assert {c["where"] for c in report["changes"]} == {"line 4"}
    assert report["left_out"] == {"none": 0, "exact": 1, "near": 2}
    assert report["would_import"] == {"none": 0, "exact": 0, "near": 0}  # all or nothing
    assert _count(client, h) == 0

    clean = _post(client, h, RECORDS, dry_run="true").json()
    assert clean["would_import"] == {"none": 5, "exact": 4, "near": 3}


def test_a_file_that_stops_being_readable_is_reported_up_to_there(client, h):
    body = _jsonl(RECORDS[:2]) + b"{not json\n" + _jsonl(RECORDS[2:])
    r = client.post(IMPORT.format("reviews") + "&dry_run=true", headers=h, content=body)
    report = r.json()
    assert r.status_code == 200 and report["records"] == 2
    assert report["read_error"].startswith("t.jsonl, line 3:")


def test_the_import_cleans_skips_and_exports_what_it_changed(client, h):
    r = _post(client, h, RECORDS, skip_duplicates="near")
    assert r.status_code == 200, r.text
    assert r.json()["created"] == 3 and r.json()["skipped"] == ["line 2", "line 3"]
    export = [
        orjson.loads(line)
        for line in client.get("/api/projects/reviews/export", headers=h).content.splitlines()
    ]
    by_text = {t["params"]["attachment"]: t for t in export}
    assert set(by_text) == {
        RECORDS[0]["attachment"],
        "café au lait is nice",
        RECORDS[4]["attachment"],
    }
    assert by_text["café au lait is nice"]["import_changes"] == [
        {"field": "params.attachment", "change": "broken encoding repaired"},
        {"field": "params.attachment", "change": "control characters removed"},
        {"field": "params.attachment", "change": "whitespace"},
    ]
    assert by_text[RECORDS[4]["attachment"]]["import_changes"] is None

    # Against the project's tasks: a second import of the same file adds nothing new.
    report = _post(client, h, RECORDS[1:], dry_run="true").json()
    assert report["left_out"]["exact"] == 3
    assert report["duplicates"]["exact"][0]["members"][0].startswith("task ")
    again = _post(client, h, RECORDS[1:], skip_duplicates="exact").json()
    assert again["created"] == 1 and again["skipped"] == ["line 1", "line 3", "line 4"]
    assert _post(client, h, RECORDS[1:]).json()["created"] == 4  # the default skips nothing


def test_a_bad_skip_choice_is_a_400(client, h):
    r = _post(client, h, RECORDS, skip_duplicates="some")
    assert r.status_code == 400 and "skip_duplicates" in r.json()["error"]


def _upload(client, headers, name: str, data: bytes) -> str:
    stored = client.post("/v1/files/upload", headers=headers, files={"file": (name, data)})
    assert stored.status_code == 200, stored.text
    return f"/api/files/{stored.json()['id']}"


def test_stored_images_are_checked_and_rotated_ones_stored_upright(client, accounts):
    h = accounts["manager"].headers
    make.api_project(client, h, "photos", "categorization", params={"categories": ["cat", "dog"]})
    good = _upload(client, h, "good.jpg", media_files.jpeg(40, 20, seed=1))
    copy = _upload(client, h, "copy.jpg", media_files.jpeg(40, 20, seed=1))
    turned = _upload(client, h, "turned.jpg", media_files.jpeg(40, 20, orientation=6, seed=2))
    whole = media_files.jpeg(seed=3)
    cut = _upload(client, h, "cut.jpg", whole[: len(whole) // 2])
    recoded = _upload(client, h, "recoded.jpg", media_files.jpeg(40, 20, seed=1, quality=70))
    records = [
        {"attachment_type": "image", "attachment": url} for url in (good, copy, turned, cut)
    ] + [
        {"attachment_type": "image", "attachment": "https://example.com/remote.jpg"},
        {"attachment_type": "image", "attachment": recoded},
    ]
    report = _post(client, h, records, project="photos", dry_run="true").json()
    media = report["media"]
    assert (media["checked"], media["not_checked"]) == (5, 1)
    assert [m["problem"] for m in media["items"]] == [None, None, None, "truncated", None]
    assert [g["members"] for g in report["duplicates"]["near"]] == [["line 1", "line 6"]]
    assert media["items"][2]["rotated"] and media["items"][2]["orientation"] == 6
    assert report["errors"] == [
        {"where": "line 4", "field": "params.attachment", "message": "image: truncated"}
    ]
    assert [g["members"] for g in report["duplicates"]["exact"]] == [["line 1", "line 2"]]
    assert report["changes"] == [
        {
            "where": "line 3",
            "field": "params.attachment",
            "change": "image turned upright (EXIF orientation 6)",
        }
    ]

    refused = _post(client, h, records, project="photos")
    assert refused.status_code == 400
    assert refused.json()["error"].startswith(
        "t.jsonl, line 4, field params.attachment: image truncated"
    )
    assert _count(client, h, "photos") == 0

    r = _post(client, h, records[:3], project="photos", skip_duplicates="exact")
    assert r.status_code == 200 and r.json()["created"] == 2, r.text
    upright = Image.open(io.BytesIO(client.get(turned, headers=h).content))
    assert upright.size == (20, 40) and upright.getexif().get(0x0112, 1) == 1


def test_stored_audio_is_checked_with_its_duration(client, accounts):
    h = accounts["manager"].headers
    make.api_project(client, h, "calls", "audiotranscription", params={})
    wav = _upload(client, h, "a.wav", media_files.audio("WAV", 1.5))
    flac = _upload(client, h, "b.flac", media_files.audio("FLAC", 0.5, rate=16000))
    empty = _upload(client, h, "c.wav", media_files.audio("WAV", 0.0))
    m4a = _upload(client, h, "d.m4a", b"\x00\x00\x00\x18ftypM4A " + b"\x00" * 100)
    records = [{"attachment": url} for url in (wav, flac, empty, m4a)]
    report = _post(client, h, records, project="calls", dry_run="true").json()
    items = report["media"]["items"]
    assert [(m["duration_s"], m["problem"]) for m in items] == [
        (1.5, None),
        (0.5, None),
        (0.0, "empty: no samples"),
        (None, "unsupported codec: AAC/MP4 (m4a)"),
    ]
    assert [e["where"] for e in report["errors"]] == ["line 3", "line 4"]
