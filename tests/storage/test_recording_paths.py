"""Recordings only from the input folder or the media root (issue 13 item 1), with one message for every refusal."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from sqlalchemy import select
from storage_helpers import SCANNER_V1, chat, write_jsonl

from qa.ingest import IngestOptions, InlineExecutor, ingest
from qa.ingest.sources import read_items
from qa.readers import read_file
from qa.storage import models as m
from transcription.masking import MASKED, media_dir, remove_stored, stored_masked
from transcription.paths import REFUSED, RecordingRefused, confine, input_roots
from transcription.pipeline import resolve_audio_records

AUDIO = Path(__file__).resolve().parents[1] / "fixtures" / "audio"
HEADER = "file,id,agent,account,started_at,direction,jurisdiction,timezone\n"
ROW = ",A1,ACC-{n},2026-03-02T10:00:00-05:00,outbound,US,America/New_York\n"


@pytest.fixture
def tree(tmp_path: Path, monkeypatch) -> dict[str, Path]:
    """An input folder with a real recording, a secret outside it, and links of every kind."""
    monkeypatch.delenv("QA_MEDIA_ROOT", raising=False)
    monkeypatch.setenv("QA_MEDIA_DIR", str(tmp_path / "media"))
    inbox, outside = tmp_path / "inbox", tmp_path / "outside"
    inbox.mkdir()
    outside.mkdir()
    shutil.copy(AUDIO / "en_mono_card.wav", inbox / "call.wav")
    secret = outside / "secret.wav"
    shutil.copy(AUDIO / "en_mono_card.wav", secret)
    (inbox / "link_out.wav").symlink_to(secret)
    (inbox / "link_in.wav").symlink_to(inbox / "call.wav")
    (inbox / "dir_link").symlink_to(outside, target_is_directory=True)
    (inbox / "sub").mkdir()
    return {"inbox": inbox, "outside": outside, "secret": secret}


HOSTILE = [
    "/etc/passwd",
    "../outside/secret.wav",
    "sub/../../outside/secret.wav",
    "{secret}",  # absolute path outside the roots, to a file that exists and is valid audio
    "link_out.wav",  # a link inside the folder pointing outside
    "dir_link/secret.wav",  # through a linked folder
    "missing.wav",
    "sub",  # a folder
    "/dev/zero",
    "~/secret.wav",
    "",
]


def _hostile(tree: dict[str, Path]) -> list[str]:
    return [h.format(secret=tree["secret"]) for h in HOSTILE]


def test_confine_refuses_every_escape_with_one_message(tree):
    roots = input_roots([tree["inbox"]])
    manifest = tree["inbox"] / "manifest.csv"
    messages = set()
    for raw in _hostile(tree):
        with pytest.raises(RecordingRefused) as info:
            confine(raw, manifest, roots)
        messages.add(str(info.value))
    assert messages == {f"recording: {REFUSED}"}
    assert confine("call.wav", manifest, roots) == tree["inbox"] / "call.wav"
    assert confine("link_in.wav", manifest, roots) == tree["inbox"] / "call.wav"  # a link that stays inside is fine
    assert confine(str(tree["inbox"] / "call.wav"), "/elsewhere/x.csv", roots) == tree["inbox"] / "call.wav"


def test_relative_paths_do_not_depend_on_the_working_directory(tree, monkeypatch):
    monkeypatch.chdir(tree["outside"])  # "secret.wav" exists here, but relative names follow the naming file
    roots = input_roots([tree["inbox"]])
    with pytest.raises(RecordingRefused):
        confine("secret.wav", tree["inbox"] / "m.csv", roots)
    assert confine("call.wav", tree["inbox"] / "m.csv", roots) == tree["inbox"] / "call.wav"


def test_the_media_root_is_allowed_when_configured(tree, monkeypatch):
    manifest = tree["inbox"] / "manifest.csv"
    manifest.write_text(HEADER + f"{tree['secret']},rec-1" + ROW.format(n=1), encoding="utf-8")
    items, errors = read_items(manifest, [tree["inbox"]])
    assert not items and [e.reason for e in errors] == [REFUSED]
    monkeypatch.setenv("QA_MEDIA_ROOT", f"{tree['outside']}{os.pathsep}/nonexistent-root")
    items, errors = read_items(manifest, [tree["inbox"]])
    assert not errors and items[0].audio_file == str(tree["secret"])


def test_manifest_rows_with_hostile_paths_are_refused_and_the_rest_read(tree):
    rows = ["call.wav,rec-ok-1" + ROW.format(n=0)]
    rows += [f"{raw},rec-bad-{n}" + ROW.format(n=n) for n, raw in enumerate(_hostile(tree)) if raw]
    rows += ["link_in.wav,rec-ok-2" + ROW.format(n=99)]
    manifest = tree["inbox"] / "manifest.csv"
    manifest.write_text(HEADER + "".join(rows), encoding="utf-8")
    items, errors = read_items(manifest, [tree["inbox"]])
    assert [i.interaction.id for i in items] == ["rec-ok-1", "rec-ok-2"]
    assert len(errors) == len(rows) - 2
    assert {e.reason for e in errors} == {REFUSED}
    assert all(e.record_id.startswith("rec-bad-") and e.line for e in errors)
    assert str(tree["outside"]) not in " ".join(str(e) for e in errors)  # no resolved server path is echoed


def test_records_with_turns_and_a_hostile_audio_path_fail_alone(tree, db):
    """The attack of issue 13: turns plus ``"audio": "/etc/passwd"`` was stored and its bytes served."""
    records = [chat("good-1", account="ACC-1")]
    for n, raw in enumerate(_hostile(tree)):
        if raw:
            records.append({**chat(f"bad-{n}", account=f"ACC-B{n}"), "audio": raw})
    records.append({**chat("good-2", account="ACC-2"), "audio": "call.wav"})  # inside the folder: accepted
    records.append(chat("good-3", account="ACC-3"))
    source = write_jsonl(tree["inbox"] / "batch.jsonl", records)
    summary = ingest(db, [tree["inbox"]], IngestOptions(scanner=SCANNER_V1, progress=False), InlineExecutor())
    assert (summary.stored, summary.failed) == (3, len(records) - 3)
    with db.session() as s:
        stored = dict(s.execute(select(m.Interaction.source_id, m.Interaction.audio_path)).all())
        errors = s.execute(select(m.IngestError.record_id, m.IngestError.reason, m.IngestError.source_file)).all()
    # Turns supplied with a recording: stored, but nothing playable (no masked copy can be made without word times).
    assert stored == {"good-1": None, "good-2": None, "good-3": None}
    assert {r for _, r, _ in errors} == {REFUSED}
    assert {f for _, _, f in errors} == {str(source)}
    assert sorted(i for i, _, _ in errors) == sorted(r["id"] for r in records if r["id"].startswith("bad-"))


def test_scan_refuses_hostile_recordings_before_opening_them(tree):
    records = [{**chat(f"s-{n}"), "turns": None, "channel": "call", "audio": raw} for n, raw in enumerate(_hostile(tree)) if raw]
    source = write_jsonl(tree["inbox"] / "scan.jsonl", records)
    result = read_file(source)
    assert len(result.records) == len(records)
    interactions, errors = resolve_audio_records(result.records, inputs=[tree["inbox"]])
    assert interactions == [] and [e.reason for e in errors] == [REFUSED] * len(records)


def test_only_masked_copies_in_the_media_store_are_served(tree):
    masked = media_dir() / MASKED
    masked.mkdir(parents=True, exist_ok=True)
    good = masked / "abc.wav"
    good.write_bytes(b"RIFF")
    (masked / "escape.wav").symlink_to(tree["secret"])
    (masked / "original").mkdir()
    assert stored_masked(str(good)) == good.resolve()
    for path in ["/etc/passwd", str(tree["secret"]), str(masked / "escape.wav"), str(masked / "original"),
                 str(masked / ".." / "masked" / ".." / ".." / "outside" / "secret.wav"), "", None, "x\x00y"]:  # fmt: skip
        assert stored_masked(path) is None, path
    # Retention's file removal never touches a file outside the media store, even when asked to.
    assert remove_stored(["/etc/passwd", str(tree["secret"]), str(masked / "escape.wav"), str(good)]) == 1
    assert tree["secret"].is_file() and not good.exists()


def test_qa_transcribe_skips_links_leading_out_of_a_folder(tree):
    from qa.cli_transcribe import _expand
    from transcription.audio import AUDIO_SUFFIXES

    refused: list[Path] = []
    files = _expand([tree["inbox"]], AUDIO_SUFFIXES, refused)
    assert files == [tree["inbox"] / "call.wav", tree["inbox"] / "link_in.wav"]
    assert [p.name for p in refused] == ["link_out.wav"]  # linked folders (dir_link/) are not walked at all


def test_an_upload_may_only_name_recordings_uploaded_with_it(tree, db, tmp_path):
    """The upload page saves files into a fresh folder and ingests the manifest: that folder is the only root."""
    from qa.views.uploads import save_uploads

    rows = [f"{raw},up-{n}" + ROW.format(n=n) for n, raw in enumerate(["/etc/passwd", str(tree["secret"]), "../inbox/call.wav"])]
    manifest = (HEADER + "".join(rows)).encode()
    folder, paths = save_uploads([("calls.csv", manifest), ("call.wav", b"RIFF")], root=tmp_path / "uploads")
    summary = ingest(db, paths, IngestOptions(scanner=SCANNER_V1, progress=False), InlineExecutor())
    assert (summary.stored, summary.failed) == (0, 3)
    assert all(line.endswith(REFUSED) for line in summary.errors), summary.errors


def test_a_link_swapped_in_after_the_check_is_refused_by_the_worker(tree):
    from qa.domain import Interaction
    from qa.ingest.audio import transcribe_item

    call = Interaction.model_validate({**chat("swap"), "turns": None, "channel": "call", "audio": "call.wav"})
    with pytest.raises(RuntimeError, match="recording refused"):
        transcribe_item(call, str(tree["inbox"] / "link_out.wav"))
