"""Bad recordings are refused (issue 12 item 6): each is a failed item with its reason, never a 0-turn call scored 100."""

from __future__ import annotations

import shutil
import struct
import wave
from pathlib import Path

import av
import numpy as np
import pytest
from sqlalchemy import func, select
from storage_helpers import SCANNER_V1, chat, write_jsonl

from qa.ingest import IngestOptions, InlineExecutor, ingest
from qa.storage import models as m
from transcription.audio import decode
from transcription.errors import AudioError

AUDIO = Path(__file__).resolve().parents[1] / "fixtures" / "audio"
GOOD = (AUDIO / "en_mono_card.wav").read_bytes()


def _data_offset(wav: bytes) -> int:
    """Offset of the 'data' chunk header in a RIFF/WAVE file."""
    offset = 12
    while wav[offset : offset + 4] != b"data":
        offset += 8 + struct.unpack("<I", wav[offset + 4 : offset + 8])[0]
    return offset


def _with_sizes(riff: int | None = None, data: int | None = None) -> bytes:
    out = bytearray(GOOD)
    if riff is not None:
        out[4:8] = struct.pack("<I", riff)
    if data is not None:
        at = _data_offset(GOOD)
        out[at + 4 : at + 8] = struct.pack("<I", data)
    return bytes(out)


def _video_only(path: Path) -> None:
    with av.open(str(path), "w", format="mp4") as out:
        stream = out.add_stream("mpeg4", rate=5)
        stream.width, stream.height, stream.pix_fmt = 32, 32, "yuv420p"
        for _ in range(3):
            for packet in stream.encode(av.VideoFrame.from_ndarray(np.zeros((32, 32, 3), np.uint8), format="rgb24")):
                out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)


def _flac_declaring_more(path: Path) -> None:
    """A FLAC file whose STREAMINFO declares twice the samples it holds (it decodes cleanly, only shorter)."""
    rate = 8000
    tone = (np.sin(2 * np.pi * 300 * np.arange(rate * 4) / rate) * 8000).astype(np.int16).reshape(1, -1)
    with av.open(str(path), "w", format="flac") as out:
        stream = out.add_stream("flac", rate=rate, layout="mono")
        frame = av.AudioFrame.from_ndarray(tone, format="s16", layout="mono")
        frame.sample_rate = rate
        for packet in stream.encode(frame):
            out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    data = bytearray(path.read_bytes())
    # STREAMINFO (after "fLaC" and the 4-byte block header): total samples are the low 36 bits of bytes 13..17.
    info = 8
    packed = int.from_bytes(data[info + 13 : info + 18], "big")
    total = packed & ((1 << 36) - 1)
    packed = (packed & ~((1 << 36) - 1)) | (total * 2)
    data[info + 13 : info + 18] = packed.to_bytes(5, "big")
    path.write_bytes(bytes(data))


def make_bad(folder: Path) -> dict[str, tuple[Path, str]]:
    """Generate every kind of bad recording; return name -> (file, words its reason must contain)."""
    folder.mkdir(parents=True, exist_ok=True)
    cases: dict[str, tuple[bytes | None, str]] = {
        "truncated.wav": (GOOD[: len(GOOD) // 3], "truncated"),
        "header_only.wav": (GOOD[: _data_offset(GOOD) + 8], "truncated"),
        "claims_4gb.wav": (_with_sizes(riff=0xFFFFFFF8, data=0xFFFFFFF0), "4,294,967,"),
        "data_claims_4gb.wav": (_with_sizes(data=0xFFFFFFF0), "4,294,967,"),
        "wrong_header.wav": (GOOD[:8] + b"AVI " + GOOD[12:], "unsupported or corrupt"),
        "zeroed_format.wav": (GOOD[:20] + bytes(16) + GOOD[36:], "unsupported or corrupt"),
        "text.wav": (b"this is not audio at all\n" * 40, "unsupported or corrupt"),
        "empty.wav": (b"", "empty file"),
        "no_audio_stream.mp4": (None, "no audio stream"),
        "flac_declares_more.flac": (None, "truncated"),
    }
    out = {}
    for name, (content, reason) in cases.items():
        path = folder / name
        if name == "no_audio_stream.mp4":
            _video_only(path)
        elif name == "flac_declares_more.flac":
            _flac_declaring_more(path)
        else:
            path.write_bytes(content or b"")
        out[name] = (path, reason)
    return out


@pytest.fixture(scope="module")
def bad(tmp_path_factory) -> dict[str, tuple[Path, str]]:
    return make_bad(tmp_path_factory.mktemp("bad"))


@pytest.mark.parametrize(
    "name",
    ["truncated.wav", "header_only.wav", "claims_4gb.wav", "data_claims_4gb.wav", "wrong_header.wav", "zeroed_format.wav",
     "text.wav", "empty.wav", "no_audio_stream.mp4", "flac_declares_more.flac"],
)  # fmt: skip
def test_each_bad_recording_is_refused_with_its_reason(bad, name):
    path, reason = bad[name]
    with pytest.raises(AudioError) as info:
        decode(path)
    assert reason in info.value.reason, info.value.reason
    assert info.value.path == str(path)


def test_good_recordings_still_decode_in_full():
    for name in ("en_mono_card.wav", "es_stereo_threat.wav", "en_stereo_arrest.flac", "es_mono_card.ogg"):
        assert decode(AUDIO / name).duration > 15


def test_a_wav_without_its_final_pad_byte_is_accepted(tmp_path):
    path = tmp_path / "odd.wav"
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(1)
        out.setframerate(8000)
        out.writeframes((np.sin(np.arange(8001) / 3) * 100 + 128).astype(np.uint8).tobytes())
    data = bytearray(path.read_bytes())
    assert len(data) % 2 == 1  # odd data, no pad byte; some recorders still count the pad byte in the RIFF size
    data[4:8] = struct.pack("<I", struct.unpack("<I", data[4:8])[0] + 1)
    path.write_bytes(bytes(data))
    assert decode(path).duration == pytest.approx(1.0, abs=0.01)


def test_bad_recordings_fail_alone_at_ingest(db, tmp_path, monkeypatch, bad):
    monkeypatch.setenv("QA_MEDIA_DIR", str(tmp_path / "media"))
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    rows = ["file,id,agent,account,started_at,direction,jurisdiction,timezone"]
    for n, (name, (path, _)) in enumerate(sorted(bad.items())):
        shutil.copy(path, inbox / name)
        rows.append(f"{name},rec-{name},A1,ACC-R{n},2026-03-02T10:00:00-05:00,outbound,US,America/New_York")
    (inbox / "manifest.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    write_jsonl(inbox / "chats.jsonl", [chat("chat-1", account="ACC-1"), chat("chat-2", account="ACC-2")])
    summary = ingest(db, [inbox], IngestOptions(scanner=SCANNER_V1, progress=False), InlineExecutor())
    assert (summary.stored, summary.failed) == (2, len(bad))
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(m.Interaction).where(m.Interaction.turn_count == 0)) == 0
        assert set(s.scalars(select(m.Interaction.source_id))) == {"chat-1", "chat-2"}
        errors = {e.record_id: e for e in s.scalars(select(m.IngestError))}
    assert set(errors) == {f"rec-{name}" for name in bad}
    for name, (_, reason) in bad.items():
        error = errors[f"rec-{name}"]
        assert reason in error.reason and name in error.reason, error.reason
        assert error.source_file == str(inbox / "manifest.csv") and error.source_line is not None
    assert not list((tmp_path / "media").rglob("*.wav"))  # nothing masked, nothing kept


@pytest.mark.model
def test_a_recording_with_no_speech_is_not_stored_as_a_perfect_call(db, tmp_path, monkeypatch):
    monkeypatch.setenv("QA_MEDIA_DIR", str(tmp_path / "media"))
    rng = np.random.default_rng(7)
    hiss = (rng.normal(0, 0.002, 8000 * 6) * 32767).astype("<i2")
    with wave.open(str(tmp_path / "hiss.wav"), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(8000)
        out.writeframes(hiss.tobytes())
    manifest = tmp_path / "m.csv"
    manifest.write_text("file,id,agent,started_at,jurisdiction\nhiss.wav,rec-hiss,A1,2026-03-02T10:00:00-05:00,US\n")
    summary = ingest(db, [manifest], IngestOptions(scanner=SCANNER_V1, progress=False), InlineExecutor())
    assert (summary.stored, summary.failed) == (0, 1)
    assert "no speech recognised in hiss.wav" in summary.errors[0] and "rec-hiss" in summary.errors[0]
