"""``.json`` arrays and ``.csv`` exports read a slice at a time: the records and errors of the whole-file readers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from storage_helpers import chat

import qa.ingest.incremental as incremental
from qa.ingest.incremental import iter_csv, iter_json_array
from qa.ingest.stream import iter_items, iter_records
from qa.readers import read_file

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _flat(results) -> tuple[list, list]:
    records, errors = [], []
    for result in results:
        records += [(r.file, r.line, r.interaction.model_dump_json()) for r in result.records]
        errors += [(e.file, e.line, e.record_id, e.reason) for e in result.errors]
    return sorted(records), sorted(errors, key=repr)


def _same_as_whole(path: Path, reader, slice_items: int = 2) -> tuple[list, list]:
    whole = _flat([read_file(path)])
    sliced = list(reader(path, slice_items))
    assert _flat(sliced) == whole
    assert all(len(r.records) + len(r.errors) <= slice_items + 1 for r in sliced[:-1])  # handed on in slices
    return whole


def _texts(n: int, prefix: str = "g") -> list[str]:
    return [json.dumps(chat(f"{prefix}{i}", account=f"ACC-{i}", text=f"Hello number {i}.")) for i in range(n)]


# ----------------------------------------------------------------------------------------------- JSON


def test_good_items_around_bad_ones_are_read_each_bad_one_reported_with_index_and_id(tmp_path):
    good = _texts(6)
    bad = ['{"id": "broken-1", "turns": [1 2]}', "42", '{"id": "no-turns", "channel": "chat", "turns": "none"}', ""]
    path = tmp_path / "mixed.json"
    path.write_text("[" + ",\n".join([*good[:2], bad[0], good[2], bad[1], *good[3:5], bad[2], good[5], bad[3]]) + "]")
    records, errors = _same_as_whole(path, iter_json_array)
    assert [line for _f, line, _doc in records] == [1, 2, 4, 6, 7, 9]
    by_index = {line: (record_id, reason) for _f, line, record_id, reason in errors}
    assert set(by_index) == {3, 5, 8, 10}
    assert by_index[3][0] == "broken-1" and by_index[3][1].startswith("malformed JSON")
    assert by_index[8][0] == "no-turns"
    assert by_index[10] == (None, "malformed JSON: empty item in the array")


@pytest.mark.parametrize(
    "text",
    [
        "[]",
        " [ ] ",
        "[",
        "[  \n",
        "[,]",
        '[{"id": "a"},]',
        '[{"id": "a"}] trailing',
        '[{"id": "a,]}[", "turns": [{"speaker": "agent", "text": "x],[{\\"y"}]}]',
        '{"id": "one-object", "channel": "chat", "turns": []}',
        "not json",
        "[" + "[" * 5000 + "]" * 5000 + "]",
        '[{"id": "big", "n": ' + "9" * 5000 + "}]",
    ],
)
def test_edge_cases_match_the_whole_file_reader(tmp_path, text):
    path = tmp_path / "edge.json"
    path.write_text(text, encoding="utf-8")
    _same_as_whole(path, iter_json_array)


def test_items_cut_across_tiny_blocks_are_the_same(tmp_path, monkeypatch):
    monkeypatch.setattr(incremental, "BLOCK_CHARS", 5)
    path = tmp_path / "blocks.json"
    path.write_bytes(b"\xef\xbb\xbf[" + ",".join([*_texts(4), '{"id": "q\\"]", "x": [1,2,{"y": "}"}]}']).encode() + b"]")
    records, errors = _same_as_whole(path, iter_json_array)
    assert len(records) == 4 and len(errors) == 1


def test_an_item_over_the_size_limit_is_reported_and_not_kept(tmp_path, monkeypatch):
    monkeypatch.setattr(incremental, "BLOCK_CHARS", 64)
    monkeypatch.setattr(incremental, "MAX_ITEM_CHARS", 1000)
    good = _texts(3)
    huge = json.dumps(chat("huge", text="word " * 2000))
    path = tmp_path / "huge.json"
    path.write_text("[" + ",".join([good[0], huge, good[1], good[2]]) + "]")
    (result,) = list(iter_json_array(path, 10))
    assert [r.interaction.id for r in result.records] == ["g0", "g1", "g2"]
    (error,) = result.errors
    assert (error.line, error.record_id) == (2, "huge") and "larger than" in error.reason


items = st.one_of(
    st.just('{"id": "ok", "channel": "chat", "turns": []}'),
    st.sampled_from(["", " ", "{", "}", "[", "]", ",", '"', '"x,"', "1", "null", '{"id": "e"', '{"id": "e2",}']),
    st.text(max_size=10),
)


@SETTINGS
@given(st.lists(items, max_size=8), st.sampled_from(["[", " [", "", "\ufeff["]), st.sampled_from(["]", "", "] x", "]]"]))
def test_any_array_text_reads_as_the_whole_file_reader_reads_it(tmp_path, pieces, head, tail):
    pieces = [p.replace("ok", f"ok{i}") for i, p in enumerate(pieces)]
    path = tmp_path / "any.json"
    path.write_text(head + ",".join(pieces) + tail, encoding="utf-8", errors="surrogatepass")
    _same_as_whole(path, iter_json_array, slice_items=1)


# ------------------------------------------------------------------------------------------------ CSV

HEADER = "interaction_id,speaker,text,at,channel,account_id,agent_id"


def _row(iid: str, speaker: str, text: str, at: str = "2026-03-03T10:00:00-05:00") -> str:
    return f'{iid},{speaker},"{text}",{at},chat,ACC-{iid},A1'


def test_csv_good_interactions_around_bad_rows_interleaved_rows_kept_together(tmp_path):
    lines = [
        HEADER,
        _row("c1", "agent", "Hello."),
        _row("c2", "agent", "Good morning."),
        _row("c1", "consumer", "Hi."),  # c1's rows are not adjacent: still one interaction
        "c3,agent,too,many,fields,here,and,more",  # a bad row: c3 is not read
        _row("c3", "consumer", "Fine."),
        _row("c4", "robot", "Beep."),  # a bad speaker: c4 fails validation
        ",agent,no id,2026-03-03T10:00:00-05:00,chat,ACC-x,A1",
        _row("c5", "agent", "Bye."),
    ]
    path = tmp_path / "export.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    records, errors = _same_as_whole(path, iter_csv)
    read = {json.loads(doc)["id"]: (line, len(json.loads(doc)["turns"])) for _f, line, doc in records}
    assert read == {"c1": (2, 2), "c2": (3, 1), "c5": (9, 1)}
    reported = {(line, record_id) for _f, line, record_id, _reason in errors}
    assert reported == {(5, "c3"), (7, "c4"), (8, None)}


def test_csv_interactions_are_handed_on_once_their_last_row_is_read(tmp_path):
    lines = [HEADER] + [_row(f"s{i // 2}", "agent" if i % 2 == 0 else "consumer", f"turn {i}") for i in range(40)]
    path = tmp_path / "sorted.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    slices = list(iter_csv(path, 5))
    assert len(slices) >= 4 and sum(len(s.records) for s in slices) == 20
    assert [r.interaction.id for r in slices[0].records] == [f"s{i}" for i in range(5)]


cells = st.one_of(
    st.text(max_size=8),
    st.sampled_from(['"', '""', ",", "\n", "\r\n", "agent", "consumer", "c1", "c2", "2026-03-03T10:00:00-05:00", ""]),
)


@st.composite
def csv_lines(draw) -> str:
    if draw(st.booleans()):
        row = [
            draw(st.sampled_from(["c1", "c2", "c3", ""])),
            draw(st.sampled_from(["agent", "consumer", "robot"])),
            draw(st.text(max_size=20)),
            draw(st.sampled_from(["2026-03-03T10:00:00-05:00", ""])),
            "chat",
            "ACC-1",
            "A1",
        ]
        return ",".join('"' + c.replace('"', '""') + '"' if draw(st.booleans()) else c for c in row)
    return ",".join(draw(st.lists(cells, max_size=8)))


@SETTINGS
@given(st.lists(csv_lines(), max_size=12), st.binary(max_size=4), st.integers(0, 10**6))
def test_any_csv_reads_as_the_whole_file_reader_reads_it(tmp_path, lines, junk, where):
    body = "\n".join(lines).encode("utf-8", "surrogatepass")
    at = where % (len(body) + 1)
    path = tmp_path / "any.csv"
    path.write_bytes(HEADER.encode() + b"\n" + body[:at] + junk + body[at:])
    _same_as_whole(path, iter_csv, slice_items=1)


# ------------------------------------------------------------------------------------------ plumbing


def test_ingest_and_scan_read_json_and_csv_in_slices(tmp_path):
    array = tmp_path / "array.json"
    array.write_text("[" + ",".join(_texts(7, "j")) + "]")
    export = tmp_path / "export.csv"
    export.write_text("\n".join([HEADER] + [_row(f"k{i}", "agent", f"Hi {i}") for i in range(7)]) + "\n")
    for path in (array, export):
        assert [len(r.records) for r in iter_records(path, 3)] == [3, 3, 1]
        slices = list(iter_items(path, [tmp_path], 3))
        assert [len(items) for items, _errors in slices] == [3, 3, 1]
