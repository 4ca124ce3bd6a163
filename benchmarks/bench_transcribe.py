"""Transcription benchmark: our pipeline vs plain faster-whisper, same audio, model and settings.

    .venv/bin/python benchmarks/bench_transcribe.py [--rounds 3] [--threads N] [--device cpu|cuda] [--repeat 1]

Each measurement runs in a fresh child process (so peak memory is that mode's own), loads the
model, warms up on one file, then times one pass over every fixture in
``tests/fixtures/audio``. Modes alternate within each round so background load hits both alike.

* ``plain``: ``faster_whisper.decode_audio`` + ``WhisperModel.transcribe`` per channel with the
  pipeline's decoding settings (beam 5, VAD with the same parameters,
  ``condition_on_previous_text=False``, word timestamps, the same thresholds); segments
  consumed, nothing else.

``--language given`` (default) gives both modes the language of each file, so they decode the
same thing and the ratio measures the pipeline's own cost; ``--language detect`` lets plain
faster-whisper detect per channel (its default) and the pipeline once per call.
* ``plain_pyav``: the same, fed the pipeline's PyAV-decoded samples (FFmpeg resampling paths
  differ slightly, and Whisper's temperature fallback can turn a tiny difference in samples into
  a large difference in time; this mode isolates the pipeline's own overhead).
* ``pipeline``: ``transcription.transcribe_file`` (PyAV decoding, one language detection per
  call, guards, roles, redaction).
* ``batched``: the pipeline with ``batch_size=8`` (faster-whisper's BatchedInferencePipeline),
  checked sentence by sentence against sequential decoding.

Word error rate (jiwer) is computed against the manifest's reference text with redaction off
(masks would count as errors), after lower-casing, removing accents and punctuation and
spelling digits out one by one (the fixtures read card numbers digit by digit).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "audio"
MANIFEST = json.loads((FIXTURES / "manifest.json").read_text(encoding="utf-8"))
DIGITS = {
    "es": "cero uno dos tres cuatro cinco seis siete ocho nueve".split(),
    "en": "zero one two three four five six seven eight nine".split(),
}


def normalise_for_wer(text: str, language: str) -> str:
    from qa.folding import fold

    text = fold(re.sub(r"\d", lambda m: f" {DIGITS[language][int(m.group())]} ", text))
    return re.sub(r"\s+", " ", re.sub(r"[^\w\s]", " ", text)).strip()


def _options(args: argparse.Namespace, **changes: object):
    from transcription import TranscriptionOptions

    return TranscriptionOptions(device=args.device, cpu_threads=args.threads, **changes)


def _run_plain(args: argparse.Namespace, files: list[Path], pyav: bool = False) -> dict:
    from faster_whisper import WhisperModel, decode_audio

    from transcription.audio import decode
    from transcription.engine import engine_key, vad_options

    options = _options(args)
    key = engine_key(options)
    model = WhisperModel(key.model_dir, device=key.device, compute_type=key.compute_type, cpu_threads=key.cpu_threads)
    vad = vad_options(options)

    def one(path: Path) -> list[tuple[int, float, float, str]]:
        stereo = len(_channels_of(path)) == 2
        if pyav:  # the pipeline's own decoding, so both modes see the very same samples
            channels = decode(path).channels
        else:
            channels = decode_audio(str(path), split_stereo=True) if stereo else (decode_audio(str(path)),)
        out = []
        for index, audio in enumerate(channels):
            segments, _ = model.transcribe(
                audio,
                language=path.name[:2] if args.language == "given" else None,
                beam_size=options.beam_size,
                vad_filter=True,
                vad_parameters=vad,
                condition_on_previous_text=False,
                word_timestamps=True,
                no_speech_threshold=options.no_speech_threshold,
                log_prob_threshold=options.log_prob_threshold,
                compression_ratio_threshold=options.compression_ratio_threshold,
            )
            out.extend((index, s.start, s.end, s.text.strip()) for s in segments)
        return out

    return _timed(args, files, one)


def _run_pipeline(args: argparse.Namespace, files: list[Path], batch_size: int = 0) -> dict:
    from transcription import transcribe_file
    from transcription.engine import get_engine

    options = _options(args, redact=False, batch_size=batch_size)
    get_engine(options)

    def one(path: Path) -> list[tuple[int, float, float, str]]:
        result = transcribe_file(path, options.with_(language=path.name[:2]) if args.language == "given" else options)
        return [(t.channel, t.start, t.end, t.text) for t in result.turns]

    return _timed(args, files, one)


def _channels_of(path: Path) -> list[str]:
    call = next(c for c in MANIFEST["calls"] if Path(c["file"]).name == path.name)
    return ["0", "1"] if call["layout"] == "stereo" else ["0"]


def _timed(args: argparse.Namespace, files: list[Path], one) -> dict:
    one(files[0])  # warm-up: first-call allocations, VAD model load
    audio_seconds = 0.0
    outputs: dict[str, list] = {}
    per_file: dict[str, float] = {}
    start = time.perf_counter()
    for _ in range(args.repeat):
        for path in files:
            began = time.perf_counter()
            outputs[path.name] = one(path)
            per_file[path.name] = per_file.get(path.name, 0.0) + time.perf_counter() - began
    wall = time.perf_counter() - start
    from transcription.audio import decode

    for path in files:
        audio_seconds += decode(path).duration * args.repeat
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "wall": wall,
        "audio_seconds": audio_seconds,
        "peak_rss_mib": peak_kib / 1024,
        "outputs": outputs,
        "per_file": per_file,
    }


def _worker(args: argparse.Namespace) -> None:
    files = sorted(p for p in FIXTURES.iterdir() if p.suffix in (".wav", ".flac", ".ogg"))
    if args.worker == "plain":
        result = _run_plain(args, files)
    elif args.worker == "plain_pyav":
        result = _run_plain(args, files, pyav=True)
    elif args.worker == "pipeline":
        result = _run_pipeline(args, files)
    else:
        result = _run_pipeline(args, files, batch_size=8)
    json.dump(result, sys.stdout)


def _wer(outputs: dict[str, list]) -> dict[str, float]:
    """WER per language over channel streams (a stereo call is two streams, a mono call one)."""
    import jiwer

    pairs: dict[str, tuple[list[str], list[str]]] = {"es": ([], []), "en": ([], [])}
    for call in MANIFEST["calls"]:
        name = Path(call["file"]).name
        language = name[:2]
        channel_of = {v: int(k) for k, v in (call["channels"] or {}).items()}
        for channel in sorted(set(channel_of.values()) or {0}):
            turns = [t for t in call["turns"] if channel_of.get(t["speaker"], 0) == channel]
            reference = " ".join(t["text"] for t in sorted(turns, key=lambda t: t["start"]))
            said = sorted((x for x in outputs[name] if x[0] == channel), key=lambda x: x[1])
            pairs[language][0].append(normalise_for_wer(reference, language))
            pairs[language][1].append(normalise_for_wer(" ".join(x[3] for x in said), language))
    return {
        "es": jiwer.wer(*pairs["es"]),
        "en": jiwer.wer(*pairs["en"]),
        "all": jiwer.wer(pairs["es"][0] + pairs["en"][0], pairs["es"][1] + pairs["en"][1]),
    }


def _sentences_heard(outputs: dict[str, list]) -> tuple[int, int, list[str]]:
    """Count reference turns with a transcribed segment on their channel overlapping them in time."""
    heard, total, missed = 0, 0, []
    for call in MANIFEST["calls"]:
        name = Path(call["file"]).name
        channel_of = {v: int(k) for k, v in (call["channels"] or {}).items()}
        for turn in call["turns"]:
            total += 1
            channel = channel_of.get(turn["speaker"], 0)
            hit = any(c == channel and s < turn["end"] + 0.5 and turn["start"] - 0.5 < e for c, s, e, _t in outputs[name])
            heard += hit
            if not hit:
                missed.append(f"{name} {turn['start']}s")
    return heard, total, missed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--repeat", type=int, default=1, help="passes over the fixtures per measurement")
    parser.add_argument("--threads", type=int, default=0, help="CTranslate2 cpu_threads (0: all cores)")
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--modes", default="plain,plain_pyav,pipeline,batched")
    parser.add_argument("--language", choices=("given", "detect"), default="given")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        _worker(args)
        return

    modes = args.modes.split(",")
    runs: dict[str, list[dict]] = {m: [] for m in modes}
    for round_index in range(args.rounds):
        order = modes if round_index % 2 == 0 else list(reversed(modes))
        for mode in order:
            cmd = [sys.executable, __file__, "--worker", mode, "--repeat", str(args.repeat), "--threads", str(args.threads)]
            cmd += ["--device", args.device, "--language", args.language]
            done = subprocess.run(cmd, check=True, capture_output=True, text=True, cwd=ROOT)
            runs[mode].append(json.loads(done.stdout))
            print(f"round {round_index + 1} {mode}: {runs[mode][-1]['wall']:.2f} s", file=sys.stderr)

    cores = args.threads or os.cpu_count() or 1
    print(f"machine: {platform.machine()}, {os.cpu_count()} logical CPUs, threads={cores}, device={args.device}")
    print(f"language: {args.language} (given: from the file name for both modes; detect: each mode detects its own way)")
    total_audio = runs[modes[0]][0]["audio_seconds"]
    print(f"audio: {len(MANIFEST['calls'])} calls, {total_audio / args.repeat:.1f} s per pass x {args.repeat} pass(es)")
    print()
    print(
        "| mode | median wall s | runs (s) | audio s / wall s | RTF | RTF x cores | peak RSS MiB "
        "| WER es | WER en | WER all | turns heard |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    summary = {}
    for mode in modes:
        walls = [r["wall"] for r in runs[mode]]
        wall = statistics.median(walls)
        audio = runs[mode][0]["audio_seconds"]
        wer = _wer(runs[mode][0]["outputs"])
        heard, total, missed = _sentences_heard(runs[mode][0]["outputs"])
        summary[mode] = {"wall": wall, "throughput": audio / wall, "missed": missed}
        print(
            f"| {mode} | {wall:.2f} | {', '.join(f'{w:.2f}' for w in walls)} | {audio / wall:.2f} | {wall / audio:.3f} | "
            f"{wall * cores / audio:.3f} | {max(r['peak_rss_mib'] for r in runs[mode]):.0f} "
            f"| {wer['es']:.3f} | {wer['en']:.3f} | {wer['all']:.3f} | {heard}/{total} |"
        )
    print()
    print(
        "median seconds per file: "
        + "; ".join(
            f"{mode}: "
            + ", ".join(
                f"{name} {statistics.median(r['per_file'][name] for r in runs[mode]):.2f}" for name in runs[mode][0]["per_file"]
            )
            for mode in modes
        )
    )
    for plain in ("plain", "plain_pyav"):
        if plain in summary and "pipeline" in summary:
            print(f"pipeline / {plain} throughput: {summary['pipeline']['throughput'] / summary[plain]['throughput']:.3f}x")
    if "batched" in summary and "pipeline" in summary:
        lost = sorted(set(summary["batched"]["missed"]) - set(summary["pipeline"]["missed"]))
        ratio = summary["batched"]["throughput"] / summary["pipeline"]["throughput"]
        print(f"batched / sequential throughput: {ratio:.3f}x; turns lost by batching vs sequential: {lost or 'none'}")


if __name__ == "__main__":
    main()
