"""Redaction: masked recall per kind and over-masking on the labelled set, and speed on the worst case.

    .venv/bin/python benchmarks/bench_redaction.py [--worst-kb 128] [--legacy-timeout 120]

Three redactors on tests/fixtures/redaction/redaction_set.jsonl: the product (spoken numbers read
by the hand-written parser), the same with spoken numbers read by text2num's ``alpha2digit``, and
the redactor before issue 12 (benchmarks/redaction_legacy.py). Masked recall: share of labelled
identifiers whose every letter and digit is masked; over-masking: share of labelled lookalikes
(amounts, years, dates, percentages, phones, account and reference numbers) touched by a mask.

Speed: a chat of ``--worst-kb`` KB of repeated "a punto " (the case that took 18 s before), and a
realistic 128 KB chat (many short messages with cards, amounts and dates), both redacted in one
call; the legacy time is measured on the same texts (in a subprocess stopped after
``--legacy-timeout`` seconds, reported as "> N s" when it is stopped).
"""

from __future__ import annotations

import argparse
import multiprocessing
import platform
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from transcription.redaction import find_sensitive  # noqa: E402
from transcription.redaction_set import HOLDOUT_PATH, MASK_KINDS, SET_PATH, current_redactor, load_set, score  # noqa: E402


def _legacy_module():
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import redaction_legacy

    return redaction_legacy


def legacy_redactor(text: str) -> list[tuple[int, int]]:
    return [(m.start, m.end) for m in _legacy_module().find_sensitive(text)]


def worst_case(kb: int) -> str:
    return ("a punto " * (kb * 1024 // 8 + 1))[: kb * 1024]


def realistic_chat(kb: int) -> str:
    lines = [
        "hola buenas tardes, me llamo por la tarjeta del 2019",
        "el saldo es de $3.880.000 y la cuota de $185.300 vence el 10/04/2024",
        "mi tarjeta es 4010 9281 5901 3962 y el cvv 347",
        "le ofrecemos un descuento del 40 % si paga antes del 30 de junio",
        "mi cc es 80123456 y mi correo ana.perez@gmail.com",
        "ok gracias, quedo atento a punto de pagar",
    ]
    out, i = [], 0
    while sum(len(s) + 1 for s in out) < kb * 1024:
        out.append(lines[i % len(lines)])
        i += 1
    return "\n".join(out)[: kb * 1024]


def _time_legacy(text: str, queue) -> None:  # runs in a child process
    start = time.perf_counter()
    legacy_redactor(text)
    queue.put(time.perf_counter() - start)


def time_legacy(text: str, timeout: float) -> float | None:
    queue: multiprocessing.Queue = multiprocessing.Queue()
    proc = multiprocessing.Process(target=_time_legacy, args=(text, queue))
    proc.start()
    proc.join(timeout)
    if proc.is_alive():
        proc.terminate()
        proc.join()
        return None
    return queue.get() if not queue.empty() else None


def time_current(text: str) -> float:
    start = time.perf_counter()
    find_sensitive(text)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--worst-kb", type=int, default=128)
    parser.add_argument("--legacy-timeout", type=float, default=120.0)
    parser.add_argument("--show-misses", action="store_true", help="print every missed identifier and over-masked lookalike")
    args = parser.parse_args()

    for set_name, path in (("labelled set", SET_PATH), ("holdout set", HOLDOUT_PATH)):
        report(set_name, load_set(path), args.show_misses)
    timings(args)
    return 0


def report(set_name: str, rows: list[dict], show_misses: bool) -> None:
    print(f"## {set_name}  {datetime.now(UTC):%Y-%m-%d %H:%M} UTC  {platform.processor() or platform.machine()}")
    print(f"{set_name}: {len(rows)} utterances, {sum(len(r['spans']) for r in rows)} identifiers, "
          f"{sum(len(r.get('keep', [])) for r in rows)} lookalikes")  # fmt: skip
    header = f"{'redactor':<22}" + "".join(f"{k:>12}" for k in MASK_KINDS) + f"{'over-mask':>11}{'amt/year':>10}{'ms/utt':>8}"
    print(header)
    scores = {}
    for name, redactor in (
        ("product (hand parser)", current_redactor("hand")),
        ("product (text2num)", current_redactor("text2num")),
        ("before issue 12", legacy_redactor),
    ):
        start = time.perf_counter()
        result = score(redactor, rows)
        per = (time.perf_counter() - start) * 1000 / len(rows)
        scores[name] = result
        money = sum(result.keep_masked.get(k, 0) for k in ("amount", "year"))
        line = f"{name:<22}" + "".join(f"{result.recall(k):>12.3f}" for k in MASK_KINDS)
        print(line + f"{result.overmask_rate:>11.3f}{money:>10d}{per:>8.2f}")
    for name, result in scores.items():
        if show_misses or name.startswith("product (hand"):
            for item in result.missed:
                print(f"  missed [{name}] {item}")
            for item in result.overmasked:
                print(f"  over-masked [{name}] {item}")


def timings(args: argparse.Namespace) -> None:
    for label, text in (("worst case 'a punto'", worst_case(args.worst_kb)), ("realistic chat", realistic_chat(args.worst_kb))):
        now = min(time_current(text) for _ in range(3))
        old = time_legacy(text, args.legacy_timeout)
        old_s = f"{old:.2f} s" if old is not None else f"> {args.legacy_timeout:.0f} s (stopped)"
        ratio = f"{old / now:.0f}x" if old is not None else f"> {args.legacy_timeout / now:.0f}x"
        print(f"{label} {len(text) // 1024} KB: now {now * 1000:.1f} ms, before {old_s}, speed-up {ratio}")
    call = [line for line in realistic_chat(2).splitlines()][:20]
    legacy_turns = _legacy_module().redact_turns
    from transcription.redaction import redact_turns

    for label, fn in (("now", redact_turns), ("before", legacy_turns)):
        start = time.perf_counter()
        for _ in range(200):
            fn(call)
        print(f"one 20-turn chat ({sum(map(len, call))} chars), {label}: {(time.perf_counter() - start) * 1000 / 200:.2f} ms")
    linear = [time_current(worst_case(kb)) for kb in (32, 64, 128)]
    print("now on 32/64/128 KB 'a punto': " + " / ".join(f"{t * 1000:.1f} ms" for t in linear))


if __name__ == "__main__":
    raise SystemExit(main())
