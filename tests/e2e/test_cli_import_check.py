"""`quorum import --dry-run` from the real command line, on the local database and through a
live server: a readable report, the same report as JSON, nothing written; then the import
leaving duplicates out, and the export saying what the cleaning changed."""

from __future__ import annotations

import orjson

RECORDS = [
    {"attachment": "The battery lasts two days and the screen is bright."},
    {"attachment": "The battery lasts two days and the screen is bright."},
    {"attachment": "the battery lasts two days, and the screen is bright!"},
    {"attachment": "caf\u00c3\u00a9   au lait"},
    {"attachment": ""},
]


def _ok(result):
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_dry_run_then_import_from_the_command_line(live_server, tmp_path):
    cli = live_server.cli
    _ok(cli("users", "create", "boss", "--role", "manager"))
    key = _ok(cli("users", "create-key", "boss")).strip().splitlines()[-1]
    _ok(cli("projects", "create", "messy", "--type", "categorization",
            "--params", '{"categories": ["good", "bad"]}'))  # fmt: skip
    file = tmp_path / "messy.jsonl"
    file.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in RECORDS))

    shown = " ".join(_ok(cli("import", str(file), "--project", "messy", "--dry-run")).split())
    assert "5 records read, 4 would import, 1 would fail. Nothing was written." in shown
    assert "Exact duplicates, groups (1)" in shown and "line 1, line 2" in shown
    assert "Near duplicates, groups (1)" in shown and "broken encoding repaired" in shown
    assert "--skip-duplicates exact would leave out 1, near 2." in shown

    local = orjson.loads(_ok(cli("import", str(file), "--project", "messy", "--dry-run", "--json")))
    remote_args = ("--url", live_server.url, "--api-key", key)
    remote = orjson.loads(
        _ok(cli("import", str(file), "--project", "messy", "--dry-run", "--json", *remote_args))
    )
    assert local["file"] == str(file) and remote["file"] == "messy.jsonl"
    assert {**local, "file": ""} == {**remote, "file": ""}
    assert local["errors"] == [
        {
            "where": "line 5",
            "field": "attachment",
            "message": "String should have at least 1 character",
        }
    ]

    file.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in RECORDS[:4]))
    bad = cli("import", str(file), "--project", "messy", "--skip-duplicates", "all")
    assert bad.returncode == 1 and "--skip-duplicates must be exact, near or none" in bad.stderr
    done = _ok(cli("import", str(file), "--project", "messy", "--skip-duplicates", "near",
                   *remote_args))  # fmt: skip
    assert "imported 2 tasks into messy" in done
    assert "left out 2 duplicates: line 2, line 3" in done
    exported = [
        orjson.loads(line) for line in _ok(cli("export", "--project", "messy")).splitlines()
    ]
    changed = {t["params"]["attachment"]: t["import_changes"] for t in exported}
    assert changed == {
        RECORDS[0]["attachment"]: None,
        "café au lait": [
            {"field": "params.attachment", "change": "broken encoding repaired"},
            {"field": "params.attachment", "change": "whitespace"},
        ],
    }
