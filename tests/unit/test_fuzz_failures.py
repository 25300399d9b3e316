"""The fuzz runner tells failures of known classes of bad input from new ones."""

from __future__ import annotations

import pytest
from tests.fuzz.failures import known_class, parse

URL = "http://127.0.0.1:8000"


@pytest.mark.parametrize(
    ("curl", "expected"),
    [
        (f'curl -X POST -d \'{{"a": "x\\u0000"}}\' {URL}/api/projects', "NUL in strings"),
        (f"curl -X POST -d '{{\"\\ud800\": 1}}' {URL}/api/projects", "lone surrogates"),
        (
            f"curl -X POST {URL}/api/assignments/233691565684066713600/release",
            "integer beyond 64 bits",
        ),
        (
            f"curl -X POST -d '{{\"p\": 99999999999999999999}}' {URL}/api/x",
            "integer beyond 64 bits",
        ),
        (f"curl -X POST -d '{{\"p\": NaN}}' {URL}/api/x", "NaN/Infinity"),
        (f"curl -X POST -d '{'[' * 100}{']' * 100}' {URL}/api/x", "deeply nested JSON"),
        (f"curl -X GET '{URL}/api/jobs?cursor=%C3%A9'", "malformed cursor"),
        # An astral character arrives as a valid surrogate pair in JSON: not a known class.
        (f'curl -X POST -d \'{{"a": "\\ud83d\\ude00"}}\' {URL}/api/projects', None),
        (f'curl -X POST -d \'{{"name": "b"}}\' {URL}/api/users', None),
    ],
)
def test_known_classes(curl, expected):
    assert known_class(curl) == expected


OUTPUT = f"""
_______________________________ POST /api/users ________________________________
1. Test Case ID: A4QAWc

- ST103 Undocumented status code

    Received: 409

Reproduce with:

    curl -X POST -H 'Authorization: [Filtered]' -d '{{"name": "b"}}' {URL}/api/users

2. Test Case ID: B4h8Ix

- ST101 Server error

Reproduce with:

    curl -X POST {URL}/api/assignments/233691565684066713600/release
"""


def test_parse_reads_every_failed_case():
    first, second = parse(OUTPUT)
    assert (first.operation, first.checks, first.known) == (
        "POST /api/users",
        ["ST103 Undocumented status code"],
        None,
    )
    assert first.curl.endswith("/api/users")
    assert (second.operation, second.known) == ("POST /api/users", "integer beyond 64 bits")
