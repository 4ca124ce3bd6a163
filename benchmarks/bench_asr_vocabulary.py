"""Collection vocabulary for the recogniser, side by side: without it, as hotwords, as the initial prompt.

    .venv/bin/python benchmarks/bench_asr_vocabulary.py [--configs off,on,prompt] [--threads 2] [--json OUT]

One run, same recordings, same model and settings (the pipeline's: beam 5, VAD, guards, the
language and channel mapping of each record given), only ``TranscriptionOptions.vocabulary``
changes (``transcription/vocabulary.py``, terms in ``compliance_rules/asr_vocabulary.yaml``).
Configurations alternate per recording, so background load hits them alike.

Recordings: the synthetic telephone calls of ``tests/fixtures/audio/synthetic`` (espeak-ng, 8 kHz,
band-pass, noise, Opus) and the committed fixture calls of ``tests/fixtures/audio``.

Per configuration and language:

* WER (jiwer, corpus level) against the source text, redaction off, after lower-casing, removing
  accents and punctuation and spelling digits one by one (``bench_transcribe.normalise_for_wer``);
* domain-term recall: occurrences of the vocabulary's terms in the source text found in the
  transcript (same normalisation), and, separately, of ``HELD_OUT`` collection words that are
  *not* in the vocabulary (does biasing toward some words cost others?);
* speed: decoding seconds per second of audio (real-time factor), summed over the recordings;
* the scanner on the synthetic calls: ``qa eval``'s figures (``qa.evaluation.evaluate``, combined
  layers) on the transcribed calls (redacted as at ingest), against the same figures on the
  calls' source text. Micro-averaged interaction-level recall and precision over the scored
  families, and how many ``missing_disclosure`` findings came out "unclear — listen".
"""

from __future__ import annotations

import argparse
import json
import platform
import re
import sys
import time
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_transcribe import normalise_for_wer  # noqa: E402

SYNTHETIC = ROOT / "tests" / "fixtures" / "audio" / "synthetic"
FIXTURES = ROOT / "tests" / "fixtures" / "audio"
#: Collection words of the calls that are deliberately not in the vocabulary file.
HELD_OUT = {
    "es": ["banco", "pagar", "tarjeta", "proceso penal", "vecinos", "descuento", "crédito", "fiscal"],
    "en": ["debt", "credit card", "payment", "police", "judge", "county court", "collections", "dollars"],
}


def recordings() -> list[dict]:
    """Each recording with its language, channel mapping, source turns and (synthetic only) labels."""
    out = []
    sources = {json.loads(line)["id"]: json.loads(line) for line in (SYNTHETIC / "source.jsonl").read_text("utf-8").splitlines()}
    for line in (SYNTHETIC / "audio.jsonl").read_text("utf-8").splitlines():
        record = json.loads(line)
        out.append({"id": record["id"], "path": SYNTHETIC / record["audio"], "record": record, "source": sources[record["id"]]})
    manifest = json.loads((FIXTURES / "manifest.json").read_text("utf-8"))
    for call in manifest["calls"]:
        language = call["file"][:2]
        record = {
            "id": Path(call["file"]).stem,
            "channel": "call",
            "started_at": "2026-03-03T10:00:00-05:00",
            "language": language,
            "agent_id": "FIX-1",
        }
        if call.get("channels"):
            record["audio_channels"] = call["channels"]
        source = {**record, "turns": call["turns"]}
        out.append({"id": record["id"], "path": FIXTURES / call["file"], "record": record, "source": source})
    # Interleaved (es, en, stereo, mono, fixtures), so an interrupted run (--cache) has covered a bit of each.
    synthetic = [o for o in out if "expected" in o["record"]]
    fixtures = [o for o in out if "expected" not in o["record"]]
    spanish = [o for o in synthetic if o["record"]["language"] == "es"]
    english = [o for o in synthetic if o["record"]["language"] == "en"]
    ordered = []
    for k in range(max(len(spanish), len(english))):
        ordered += spanish[k : k + 1] + english[k : k + 1] + fixtures[k : k + 1]
    return ordered


def term_hits(reference: str, hypothesis: str, terms: list[str], language: str) -> tuple[int, int]:
    """(found, total) occurrences of the terms in the reference that the hypothesis also has."""
    found = total = 0
    for term in terms:
        pattern = re.compile(r"\b" + re.escape(normalise_for_wer(term, language)) + r"\b")
        in_ref = len(pattern.findall(reference))
        if in_ref:
            total += in_ref
            found += min(in_ref, len(pattern.findall(hypothesis)))
    return found, total


def scanner_figures(expected: dict, interactions: list, scanner) -> dict:
    from qa.domain import SCORED_FAMILIES
    from qa.evaluation import evaluate

    findings = scanner.scan(interactions)
    ev = evaluate(expected, findings)
    hits = sum(ev.interaction[f].hits for f in SCORED_FAMILIES)
    gold = sum(ev.interaction[f].gold for f in SCORED_FAMILIES)
    predicted = sum(ev.interaction[f].predicted for f in SCORED_FAMILIES)
    return {
        "recall": round(hits / gold, 3) if gold else None,
        "precision": round(hits / predicted, 3) if predicted else None,
        "hits": hits,
        "gold": gold,
        "predicted": predicted,
        "per_family_recall": {f.value: ev.interaction[f].recall for f in SCORED_FAMILIES if ev.interaction[f].gold},
        "unclear_missing_disclosure": sum(1 for f in findings if f.status == "unclear"),
        "compliant_flagged": len(ev.compliant_flagged),
    }


def _load_cache(path: Path | None, configs: list[str]) -> dict[str, dict]:
    """Per-recording results of an earlier, interrupted run with the same configurations."""
    if path is None or not path.is_file():
        return {}
    out = {}
    for line in path.read_text("utf-8").splitlines():
        row = json.loads(line)
        if row.get("configs") == configs:
            out[row["id"]] = row
    return out


def _store(path: Path | None, cache: dict[str, dict], result: dict, configs: list[str]) -> None:
    result["configs"] = configs
    cache[result["id"]] = result
    print(f"{result['id']}: done", file=sys.stderr, flush=True)
    if path is not None:
        with path.open("a", encoding="utf-8") as out:
            out.write(json.dumps(result, ensure_ascii=False) + "\n")


def _warm(threads: int) -> None:
    """Load the model before anything is timed (once per process)."""
    from transcription import TranscriptionOptions
    from transcription.engine import get_engine

    get_engine(TranscriptionOptions(cpu_threads=threads))


def _transcribe_item(item: dict, configs: list[str], threads: int) -> dict:
    """One recording under every configuration, one after the other (so load hits them alike)."""
    from transcription import TranscriptionOptions, to_interaction, transcribe_file
    from transcription.audio import decode
    from transcription.options import channels_from_mapping
    from transcription.redaction import redact_interaction

    record, language = item["record"], item["record"]["language"]
    reference = " ".join(t["text"] for t in item["source"]["turns"])
    out: dict = {"id": item["id"], "reference": normalise_for_wer(reference, language), "duration": decode(item["path"]).duration}
    for config in configs:
        options = TranscriptionOptions(
            language=language,
            channels=channels_from_mapping(record.get("audio_channels")),
            cpu_threads=threads,
            vocabulary=config,
            redact=False,
        )
        started = time.perf_counter()
        result = transcribe_file(item["path"], options)
        elapsed = time.perf_counter() - started
        interaction = None
        if "expected" in record:
            base = {k: v for k, v in record.items() if k not in ("audio", "expected")}
            interaction = redact_interaction(to_interaction(result, base)).model_dump(mode="json", exclude_none=True)
        hypothesis = normalise_for_wer(" ".join(t.text for t in result.turns), language)
        out[config] = {"seconds": elapsed, "hypothesis": hypothesis, "interaction": interaction}
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--configs", default="off,on,prompt", help="vocabulary choices to compare (auto, on, prompt, off)")
    parser.add_argument("--threads", type=int, default=2, help="CTranslate2 CPU threads")
    parser.add_argument("--jobs", type=int, default=1, help="recordings transcribed in parallel processes")
    parser.add_argument("--cache", type=Path, help="keep each recording's results here as they complete; a rerun reuses them")
    parser.add_argument("--only", default="", help="comma-separated recording ids (default: all)")
    parser.add_argument("--json", type=Path, help="write the figures here")
    parser.add_argument(
        "--transcripts", type=Path, help="write transcribed_<config>.jsonl here (labelled, for `qa eval`) and source.jsonl"
    )
    args = parser.parse_args()

    import jiwer

    from compliance_rules.engine import Scanner
    from qa.domain import Interaction, LabelledEntry
    from transcription.vocabulary import load_vocabulary

    configs = [c.strip() for c in args.configs.split(",") if c.strip()]
    vocab = load_vocabulary()
    items = recordings()
    if args.only:
        wanted = set(args.only.split(","))
        items = [i for i in items if i["id"] in wanted]
    refs: dict[str, dict[str, str]] = {}
    hyps: dict[str, dict[str, dict[str, str]]] = defaultdict(lambda: defaultdict(dict))
    seconds: dict[str, float] = defaultdict(float)
    audio_seconds = 0.0
    transcribed: dict[str, list] = defaultdict(list)
    cache = _load_cache(args.cache, configs)
    todo = [item for item in items if item["id"] not in cache]
    if args.jobs > 1 and todo:
        from concurrent.futures import ProcessPoolExecutor, as_completed
        from multiprocessing import get_context

        with ProcessPoolExecutor(args.jobs, mp_context=get_context("spawn"), initializer=_warm, initargs=(args.threads,)) as pool:
            futures = [pool.submit(_transcribe_item, item, configs, args.threads) for item in todo]
            for future in as_completed(futures):
                _store(args.cache, cache, future.result(), configs)
    elif todo:
        _warm(args.threads)
        for item in todo:
            _store(args.cache, cache, _transcribe_item(item, configs, args.threads), configs)
    results = [cache[item["id"]] for item in items]
    for item, result in zip(items, results, strict=True):
        language = item["record"]["language"]
        refs.setdefault(language, {})[item["id"]] = result["reference"]
        audio_seconds += result["duration"]
        for config in configs:
            seconds[config] += result[config]["seconds"]
            hyps[config][language][item["id"]] = result[config]["hypothesis"]
            if result[config]["interaction"] is not None:
                transcribed[config].append(Interaction.model_validate(result[config]["interaction"]))

    report: dict = {
        "command": "benchmarks/bench_asr_vocabulary.py " + " ".join(sys.argv[1:]),
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": f"{platform.machine()}, {platform.processor() or 'cpu'}, Python {platform.python_version()}",
        "threads": args.threads,
        "jobs": args.jobs,
        "recordings": len(items),
        "audio_seconds": round(audio_seconds, 1),
        "configs": {},
    }
    for config in configs:
        entry: dict = {"rtf": round(seconds[config] / audio_seconds, 3), "decode_seconds": round(seconds[config], 1)}
        for language, by_id in refs.items():
            ids = sorted(by_id)
            ref = [by_id[i] for i in ids]
            hyp = [hyps[config][language][i] for i in ids]
            terms = list(vocab[language].terms) if language in vocab else []
            found = total = held_found = held_total = 0
            for r, h in zip(ref, hyp, strict=True):
                f, t = term_hits(r, h, terms, language)
                found, total = found + f, total + t
                f, t = term_hits(r, h, HELD_OUT[language], language)
                held_found, held_total = held_found + f, held_total + t
            entry[language] = {
                "wer": round(jiwer.wer(ref, hyp), 3),
                "term_recall": round(found / total, 3) if total else None,
                "terms": f"{found}/{total}",
                "held_out_recall": round(held_found / held_total, 3) if held_total else None,
                "held_out": f"{held_found}/{held_total}",
            }
        report["configs"][config] = entry

    if transcribed:
        scanner = Scanner.load()
        sources = [json.loads(line) for line in (SYNTHETIC / "source.jsonl").read_text("utf-8").splitlines()]
        wanted = {i["id"] for i in items}
        sources = [s for s in sources if s["id"] in wanted]
        expected = {s["id"]: tuple(LabelledEntry.model_validate(e) for e in s["expected"]) for s in sources}
        extra = ("expected", "snr_db", "noise")
        text = [Interaction.model_validate({k: v for k, v in s.items() if k not in extra}) for s in sources]
        report["scanner"] = {"source_text": scanner_figures(expected, text, scanner)}
        for config in configs:
            report["scanner"][f"transcribed_{config}"] = scanner_figures(expected, transcribed[config], scanner)

    if args.transcripts and transcribed:
        args.transcripts.mkdir(parents=True, exist_ok=True)
        labels = {s["id"]: s["expected"] for s in sources}
        for config in configs:
            with (args.transcripts / f"transcribed_{config}.jsonl").open("w", encoding="utf-8") as out:
                for inter in transcribed[config]:
                    row = {**inter.model_dump(mode="json", exclude_none=True), "expected": labels[inter.id]}
                    out.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(json.dumps(report, indent=2, ensure_ascii=False))
    if args.json:
        args.json.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
