"""Scanner throughput on calls whose turn texts are all distinct, on one core.

    .venv/bin/python benchmarks/bench_scan.py [--calls 2000] [--rounds 3] [--baseline-tree /tmp/scan-base] [--scaling]

The calls come from ``scan_corpus.py``: 20 turns each, every turn text distinct (checked and
printed), about one call in six with a violation on a collector turn, accounts of 1 to 400 calls.
The scanners run in alternating rounds in this process on the same calls, pinned to one core, and
are timed in CPU seconds (``time.process_time``), so other jobs on the machine disturb the figures
less than the wall clock: the rules alone (``layers="rules"``) and the product (rules plus the
learned layer). Before each run the per-text caches are emptied and the word-level caches are
reset to what a warm-up on other calls left in them, so no turn text is ever analysed twice and
only what truly repeats in speech (words) is found in a cache.

The baseline is another implementation of the scanner: with ``--baseline-tree`` the
``compliance_rules`` package of that directory (for example ``mkdir /tmp/scan-base && git archive
HEAD | tar -x -C /tmp/scan-base`` before a change), loaded beside this one, its modules put back
in ``sys.modules`` whenever it loads or scans (so imports made inside its functions, such as the
consumer model's, come from that tree too); without it, this scanner with its trigger index
switched off. The rules must produce the same findings, field by field, as the baseline (asserted);
the learned layers are compared and the differences counted (the model may have changed).
``--scaling`` also times the rules at 10 to 80 turns per call and 1 to 400 calls per account,
where the cost per turn and per call should stay flat (linear scanning).
"""

from __future__ import annotations

import argparse
import importlib
import os
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from scan_corpus import distinct_share, make_calls  # noqa: E402

from qa.domain import Interaction  # noqa: E402

PACKAGE = "compliance_rules"
WARM_CACHES = ("_chunks", "_seen")


@dataclass
class Implementation:
    """One scanner implementation: its ``Scanner`` class and its analyzers' caches."""

    name: str
    scanner_class: type
    analyzer_for: Callable
    warm: dict = field(default_factory=dict)
    # Another tree's modules of the package, put in ``sys.modules`` while it loads and scans (see ``active``).
    modules: dict | None = None

    @contextmanager
    def active(self) -> Iterator[None]:
        """Let imports made inside functions (``Scanner.load`` imports the consumer model) find this tree's modules."""
        if self.modules is None:
            yield
            return
        saved = {name: module for name, module in sys.modules.items() if _own(name)}
        for name in saved:
            del sys.modules[name]
        sys.modules.update(self.modules)
        try:
            yield
        finally:
            self.modules = {name: module for name, module in sys.modules.items() if _own(name)}
            for name in self.modules:
                del sys.modules[name]
            sys.modules.update(saved)

    def reset(self) -> None:
        """Empty the per-text caches; put the word caches back as the warm-up left them."""
        for lang in ("es", "en"):
            analyzer = self.analyzer_for(lang)
            analyzer._cache.clear()
            for name, value in self.warm.get(lang, {}).items():
                setattr(analyzer, name, type(value)(value))

    def remember_warm(self) -> None:
        for lang in ("es", "en"):
            analyzer = self.analyzer_for(lang)
            # The word chunks, and the texts seen once (a text enters the per-text cache on its second sight).
            self.warm[lang] = {name: type(v)(v) for name in WARM_CACHES if (v := getattr(analyzer, name, None)) is not None}


def _own(name: str) -> bool:
    return name == PACKAGE or name.startswith(PACKAGE + ".")


def load_tree(tree: Path) -> Implementation:
    """Import ``compliance_rules`` from ``tree`` beside the one already imported (its modules kept apart)."""
    saved = {name: module for name, module in sys.modules.items() if _own(name)}
    for name in saved:
        del sys.modules[name]
    sys.path.insert(0, str(tree))
    try:
        engine = importlib.import_module(f"{PACKAGE}.engine")
        text = importlib.import_module(f"{PACKAGE}.text")
        if not Path(engine.__file__).resolve().is_relative_to(tree.resolve()):
            raise SystemExit(f"{tree} has no {PACKAGE} package")
    finally:
        sys.path.remove(str(tree))
        modules = {n: m for n, m in sys.modules.items() if _own(n)}
        for name in modules:
            del sys.modules[name]
        sys.modules.update(saved)
    return Implementation(f"baseline tree {tree}", engine.Scanner, text.analyzer_for, modules=modules)


def current() -> Implementation:
    from compliance_rules.engine import Scanner
    from compliance_rules.text import analyzer_for

    return Implementation("this tree", Scanner, analyzer_for)


def timed(impl: Implementation, scanner, calls: list[Interaction]) -> tuple[float, float, list]:  # noqa: ANN001
    """Scan once; (CPU seconds, wall seconds, findings)."""
    impl.reset()
    with impl.active():
        cpu, wall = time.process_time(), time.perf_counter()
        findings = scanner.scan(calls)
        return time.process_time() - cpu, time.perf_counter() - wall, findings


def loaded(impl: Implementation, **options) -> object:  # noqa: ANN003
    """``impl``'s scanner, loaded with its own modules."""
    with impl.active():
        return impl.scanner_class.load(**options)


def _content(findings: list) -> list[str]:
    return [f.model_dump_json() for f in findings]


def _rounds(runs: dict[str, tuple[Implementation, object]], calls: list[Interaction], rounds: int) -> dict[str, list]:
    results: dict[str, list] = {name: [] for name in runs}
    for _ in range(rounds):  # alternate, so load from other processes hits all alike
        for name, (impl, scanner) in runs.items():
            results[name].append(timed(impl, scanner, calls))
    return results


def throughput(args: argparse.Namespace, new: Implementation, old: Implementation | None) -> None:
    calls = make_calls(args.calls)
    share = distinct_share(calls)
    runs: dict[str, tuple[Implementation, object]] = {"rules": (new, loaded(new, layers="rules"))}
    if old is not None:
        runs["baseline rules"] = (old, loaded(old, layers="rules"))
    else:
        runs["baseline rules"] = (new, loaded(new, layers="rules", use_index=False))
    if not args.no_learned:
        runs["rules + learned"] = (new, loaded(new))
        if old is not None:
            runs["baseline rules + learned"] = (old, loaded(old))
    warm_up = make_calls(200, seed=1)
    for impl, scanner in runs.values():
        timed(impl, scanner, warm_up)  # spaCy's vocabulary, the word caches
    for impl in {id(i): i for i, _ in runs.values()}.values():
        impl.remember_warm()
    results = _rounds(runs, calls, args.rounds)

    sizes = Counter(c.account_id for c in calls)
    print(
        f"calls: {len(calls)} x 20 turns, distinct turn texts: {share:.1%}, accounts: {len(sizes)} "
        f"(calls per account {min(sizes.values())}-{max(sizes.values())}), 1 core, median of {args.rounds} alternating rounds"
    )
    print(f"baseline: {old.name if old else 'this tree without the trigger index'}")
    cpu = {name: statistics.median(r[0] for r in runs_) for name, runs_ in results.items()}
    wall = {name: statistics.median(r[1] for r in runs_) for name, runs_ in results.items()}
    for name in results:
        findings = results[name][0][2]
        content = [f for f in findings if f.turn is not None]
        print(
            f"{name:<26} {len(calls) / cpu[name]:7.0f} calls per CPU-second ({len(calls) / wall[name]:5.0f} calls/s wall)"
            f"  findings: {len(findings)}, on a turn: {len(content)}"
        )
    rules = _content(results["rules"][0][2])
    for name, runs_ in results.items():
        assert all(_content(r[2]) == _content(runs_[0][2]) for r in runs_), f"{name}: findings differ between rounds"
    assert rules == _content(results["baseline rules"][0][2]), "the rules must give the baseline's findings, field by field"
    print(f"rules: same {len(rules)} findings as the baseline, field by field")
    families = Counter(f.family.value for f in results["rules"][0][2] if f.turn is not None)
    print("content findings by family (rules): " + ", ".join(f"{k} {v}" for k, v in sorted(families.items())))
    print(f"ratio rules / baseline rules (CPU time): {cpu['baseline rules'] / cpu['rules']:.2f}x")
    if "rules + learned" in results:
        print(f"learned layer cost: {(cpu['rules + learned'] - cpu['rules']) / len(calls) * 1000:.2f} ms per call")
    if "baseline rules + learned" in results:
        mine, theirs = _content(results["rules + learned"][0][2]), _content(results["baseline rules + learned"][0][2])
        differing = len(set(mine) ^ set(theirs))
        print(
            f"ratio rules + learned / baseline (CPU time): {cpu['baseline rules + learned'] / cpu['rules + learned']:.2f}x; "
            f"findings {len(mine)} vs {len(theirs)}, {differing} not in both (a changed model, not the rules)"
        )


def scaling(args: argparse.Namespace, new: Implementation, old: Implementation | None) -> None:
    """Rules-only cost per call and per turn against turns per call and calls per account."""
    impls = [("this tree", new, loaded(new, layers="rules"))]
    if old is not None:
        impls.append(("baseline", old, loaded(old, layers="rules")))
    count = args.scaling_calls
    print(f"\nscaling, rules only, {count} calls per point, median of {args.rounds} rounds, CPU time:")
    print(f"{'turns/call':>10} " + " ".join(f"{name + ' ms/call':>20} {name + ' us/turn':>20}" for name, _, _ in impls))
    for turns in (10, 20, 40, 80):
        calls = make_calls(count, seed=11, turns=turns)
        times = _rounds({name: (impl, scanner) for name, impl, scanner in impls}, calls, args.rounds)
        cells = []
        for name, _, _ in impls:
            cpu = statistics.median(r[0] for r in times[name])
            cells.append(f"{cpu / count * 1e3:20.2f} {cpu / (count * turns) * 1e6:20.1f}")
        print(f"{turns:>10} " + " ".join(cells))
    print(f"{'calls/acct':>10} " + " ".join(f"{name + ' ms/call':>20}" for name, _, _ in impls))
    for per_account in (1, 10, 100, 400):
        calls = make_calls(count, seed=13, sizes=[per_account] * (count // per_account + 1))
        times = _rounds({name: (impl, scanner) for name, impl, scanner in impls}, calls, args.rounds)
        cells = [f"{statistics.median(r[0] for r in times[name]) / count * 1e3:20.2f}" for name, _, _ in impls]
        print(f"{per_account:>10} " + " ".join(cells))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--baseline-tree", type=Path, help="a directory with another compliance_rules (a worktree of HEAD)")
    parser.add_argument("--no-learned", action="store_true", help="time the rules only")
    parser.add_argument("--scaling", action="store_true", help="also time 10-80 turns per call and 1-400 calls per account")
    parser.add_argument("--scaling-calls", type=int, default=400, help="calls per point of --scaling")
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})  # one core
    old = load_tree(args.baseline_tree) if args.baseline_tree else None
    new = current()
    throughput(args, new, old)
    if args.scaling:
        scaling(args, new, old)


if __name__ == "__main__":
    main()
