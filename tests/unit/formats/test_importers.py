"""Import readers: records with their line numbers, malformed lines named."""

from __future__ import annotations

import io

import pytest

from quorum.formats.importers import (
    FormatError,
    guess_format,
    read_csv,
    read_json_array,
    read_jsonl,
)


def test_jsonl_skips_blank_lines_and_keeps_numbers():
    data = b'{"a": 1}\n\n  \n{"a": 2}\n'
    assert list(read_jsonl(io.BytesIO(data))) == [(1, {"a": 1}), (4, {"a": 2})]


def test_jsonl_names_the_bad_line():
    with pytest.raises(FormatError) as err:
        list(read_jsonl(io.BytesIO(b'{"a": 1}\n{"a": \n')))
    assert err.value.where == "line 2" and "not valid JSON" in str(err.value)


def test_csv_types_lists_and_json_cells():
    data = (
        b"attachment,tags,priority,categories,allow_multiple,gold\n"
        b'hello,a|b,3,"[""x"", ""y""]",true,"{""category"": ""x""}"\n'
        b"bye,,,,,\n"
    )
    rows = list(read_csv(io.BytesIO(data)))
    assert rows[0] == (
        2,
        {
            "attachment": "hello",
            "tags": ["a", "b"],
            "priority": 3,
            "categories": ["x", "y"],
            "allow_multiple": True,
            "gold": {"category": "x"},
        },
    )
    assert rows[1] == (3, {"attachment": "bye"})


def test_csv_errors_name_line_and_column():
    with pytest.raises(FormatError, match="column 'priority'") as err:
        list(read_csv(io.BytesIO(b"attachment,priority\nx,1\ny,high\n")))
    assert err.value.where == "line 3"
    with pytest.raises(FormatError, match="has 3 cells, the header has 2") as err:
        list(read_csv(io.BytesIO(b"a,b\n1,2,3\n")))
    with pytest.raises(FormatError, match="empty column name"):
        list(read_csv(io.BytesIO(b"a,,b\n1,2,3\n")))
    with pytest.raises(FormatError, match="column 'categories': not valid JSON"):
        list(read_csv(io.BytesIO(b'categories\n"[oops"\n')))


def test_csv_multiline_cells_report_the_right_line():
    data = b'attachment,priority\n"two\nlines",1\nz,bad\n'
    with pytest.raises(FormatError) as err:
        list(read_csv(io.BytesIO(data)))
    assert err.value.where == "line 4"


def test_json_array_and_format_guessing():
    assert list(read_json_array(io.BytesIO(b'[{"a": 1}, {"a": 2}]'))) == [
        (1, {"a": 1}),
        (2, {"a": 2}),
    ]
    with pytest.raises(FormatError, match="JSON array"):
        list(read_json_array(io.BytesIO(b'{"a": 1}')))
    assert guess_format("x.JSONL") == "jsonl" and guess_format("x.ndjson") == "jsonl"
    assert guess_format("x.csv") == "csv" and guess_format("x.json") == "json"
    with pytest.raises(ValueError, match="cannot tell the format"):
        guess_format("x.txt")
