"""Loading rule packs and scanning a batch of interactions."""

from __future__ import annotations

import gc
import hashlib
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from compliance_rules.account_facts import contact_facts, context_from_facts
from compliance_rules.asr import unclear_openings
from compliance_rules.catalog import PACKS_DIR, load_rule_file, rule_files
from compliance_rules.context import RULED_KEY, InteractionContext, build_context
from compliance_rules.detectors import Detector, Hit, RuleError, build_detector
from compliance_rules.dialogue import RequestReader
from compliance_rules.lexicon import LEXICON_DIR, LexiconSet, Pruned
from compliance_rules.schema import RuleSpec
from compliance_rules.text import analyzer_for
from qa.domain import Finding, Interaction, Severity, split_jurisdiction

#: Collector thresholds while a batch is scanned (CPython's default is (700, 10, 10)). A scan makes
#: millions of short-lived objects beside large long-lived caches (lemma tables, word chunks, the
#: trigger index); with the default thresholds the collector took about a third of the scanner's CPU
#: on distinct turn texts (benchmarks/bench_scan.py). Cycles are still collected, only less often.
SCAN_GC_THRESHOLD = (50_000, 20, 100)
LEARNED_DETECTOR = "classifier.v1"
#: Which rules a scanner runs: the hand-written rules, the learned layer, or both (the default).
Layers = Literal["rules", "model", "combined"]


@dataclass(frozen=True)
class LoadedRule:
    spec: RuleSpec
    detector: Detector
    source: Path


def _version(paths: list[Path]) -> str:
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


@dataclass
class ScanResult:
    findings: list[Finding]
    pruned: dict[str, list[Pruned]] = field(default_factory=dict)
    # Issue 14 (account state): per interaction id, what later contacts of the account need from it.
    facts: dict[str, dict] = field(default_factory=dict)


class Scanner:
    """Scans interactions against the rule packs of their jurisdictions."""

    def __init__(
        self,
        rules: list[LoadedRule],
        lexicons: LexiconSet,
        version: str,
        default_jurisdiction: str = "US",
        reader: RequestReader | None = None,
    ) -> None:
        self._rules = rules
        self.reader = reader  # the learned layers' reading of consumer requests (None: lexicons only)
        self.lexicons = lexicons
        self.version = version
        self.default_jurisdiction = default_jurisdiction
        self._by_pack: dict[str, list[LoadedRule]] = defaultdict(list)
        for rule in rules:
            self._by_pack[rule.spec.jurisdiction].append(rule)

    @classmethod
    def load(
        cls,
        packs_dir: Path = PACKS_DIR,
        lexicon_dir: Path = LEXICON_DIR,
        default_jurisdiction: str = "US",
        use_index: bool = True,
        layers: Layers = "combined",
    ) -> Scanner:
        """Load and validate every rule pack; a bad file raises :class:`RuleError`.

        ``layers`` chooses the rules run: ``rules`` (hand-written only), ``model`` (the
        learned layer only) or ``combined``. The version covers every file that shapes
        the findings: rule files, lexicons and the learned model with its card.
        """
        lexicons = LexiconSet.load(lexicon_dir, use_index)
        rules: list[LoadedRule] = []
        seen: dict[str, Path] = {}
        files: set[Path] = set(lexicon_dir.glob("*.yaml"))
        for path, jurisdiction in rule_files(packs_dir):
            spec = load_rule_file(path, jurisdiction)
            if spec.id in seen:
                raise RuleError(f"{path}: rule id {spec.id} already defined in {seen[spec.id]}")
            seen[spec.id] = path
            learned = spec.detector == LEARNED_DETECTOR
            if (layers == "rules" and learned) or (layers == "model" and not learned):
                continue
            try:
                detector = build_detector(spec, lexicons)
            except RuleError as exc:
                raise RuleError(f"{path}: {exc}") from None
            rules.append(LoadedRule(spec, detector, path))
            files.add(path)
            model = getattr(detector, "model", None)
            if model is not None:
                files |= {model.path, model.path.with_name("MODEL_CARD.md")}
        files |= set(packs_dir.glob("*/pack.yaml"))  # manifests: default zones and contact windows
        reader = None
        if layers != "rules":
            from compliance_rules.learned.consumer import request_reader

            reader, model_files = request_reader()
            files |= set(model_files)
        return cls(rules, lexicons, _version(sorted(files)), default_jurisdiction, reader)

    def warm_up(self) -> None:
        """Build the Spanish and English analyzers now rather than at the first scan.

        A process pool forks after this, so its workers share the loaded lemma tables
        instead of each loading them again.
        """
        for language in ("es", "en"):
            analyzer_for(language)

    @property
    def rules(self) -> list[RuleSpec]:
        return [r.spec for r in self._rules]

    def rules_for(self, jurisdiction: str) -> list[LoadedRule]:
        """The country pack plus the subdivision's add-ons (``US`` + ``US-MA``)."""
        country, sub = split_jurisdiction(jurisdiction)
        rules = list(self._by_pack.get(country, []))
        if sub:
            rules += self._by_pack.get(jurisdiction, [])
        return rules

    def scan(self, interactions: Sequence[Interaction]) -> list[Finding]:
        return self.scan_detailed(interactions).findings

    def contexts(self, interactions: Sequence[Interaction], history: Sequence[dict] = ()) -> list[InteractionContext]:
        """Analysed interactions of one batch, each with the earlier contacts of its account.

        ``history``: summaries of earlier contacts (``account_facts.contact_facts``) that join their
        accounts' histories without being analysed or scanned again (issue 14, bounded account state).
        """
        contexts = [build_context(i, self.lexicons, self.reader) for i in interactions if i.turns is not None]
        by_account: dict[str, list[InteractionContext]] = defaultdict(list)
        for ctx in [*map(context_from_facts, history), *contexts]:
            if ctx.interaction.account_id:
                by_account[ctx.interaction.account_id].append(ctx)
        for account in by_account.values():
            account.sort(key=lambda c: c.interaction.started_at)
            for position, ctx in enumerate(account):
                ctx.history = account[:position]
        return contexts

    def scan_detailed(self, interactions: Sequence[Interaction], history: Sequence[dict] = ()) -> ScanResult:
        """Scan one batch: account histories are the interactions of the batch (and ``history``'s summaries)."""
        previous = gc.get_threshold()
        gc.set_threshold(*(max(mine, theirs) for mine, theirs in zip(SCAN_GC_THRESHOLD, previous, strict=True)))
        try:
            contexts = self.contexts(interactions, history)
            result = ScanResult(findings=[])
            for ctx in contexts:
                result.findings.extend(self._scan_one(ctx))
                result.facts[ctx.interaction.id] = contact_facts(ctx)
                if ctx.pruned:
                    result.pruned[ctx.interaction.id] = ctx.pruned
        finally:
            gc.set_threshold(*previous)
        return result

    def _scan_one(self, ctx: InteractionContext) -> list[Finding]:
        interaction = ctx.interaction
        jurisdiction = interaction.jurisdiction or self.default_jurisdiction
        findings = []
        rules = self.rules_for(jurisdiction)
        # Hand-written rules first: the learned layer then knows which turns a rule already holds
        # and attaches its confidence there without building an explanation nobody will read.
        for rule in sorted(rules, key=lambda r: r.spec.detector == LEARNED_DETECTOR):
            if rule.spec.detector == LEARNED_DETECTOR and RULED_KEY not in ctx.memo:
                ctx.memo[RULED_KEY] = {(f.family.value, f.turn) for f in findings}
            for hit in rule.detector.detect(ctx):
                findings.append(_finding(rule.spec, ctx, hit))
        findings = unclear_openings(interaction, merge_learned(findings))
        findings.sort(key=lambda f: (f.turn if f.turn is not None else -1, -Severity(f.severity).rank, f.rule_id))
        return findings


def merge_learned(findings: list[Finding]) -> list[Finding]:
    """One finding per family and turn: a rule's finding keeps its id and takes the model's confidence."""
    learned = {(f.family, f.turn): f for f in findings if f.learned}
    if not learned:
        return findings
    ruled = {(f.family, f.turn) for f in findings if not f.learned}
    merged = []
    for finding in findings:
        key = (finding.family, finding.turn)
        if finding.learned:
            if key not in ruled:
                merged.append(finding)
        elif key in learned:
            merged.append(finding.model_copy(update={"confidence": learned[key].confidence}))
        else:
            merged.append(finding)
    return merged


def _finding(spec: RuleSpec, ctx: InteractionContext, hit: Hit) -> Finding:
    start = end = None
    if hit.turn is not None:
        turn = ctx.interaction.turns[hit.turn]  # type: ignore[index]
        start, end = turn.start, turn.end
    return Finding(
        interaction_id=ctx.interaction.id,
        rule_id=spec.id,
        family=spec.family,
        severity=spec.severity,
        jurisdiction=spec.jurisdiction,
        citation=spec.citation,
        turn=hit.turn,
        start=start,
        end=end,
        span=hit.span,
        evidence=hit.evidence,
        explanation=hit.explanation,
        confidence=hit.confidence,
        learned=spec.detector == LEARNED_DETECTOR,
    )
