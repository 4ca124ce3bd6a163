"""``classifier.v1``: the learned layer, one family of one trained turn model.

Every collector turn is scored once per interaction (all families together);
a rule of this detector reports the turns where its family's probability
reaches the model's threshold. A finding carries the confidence, the n-grams
that weighed most and the nearest labelled training example. A negated or
lawful-context phrase of the family in the same turn (the phrase lexicons'
own pruning) vetoes it, and the veto is recorded with the other pruned matches.
"""

from __future__ import annotations

from compliance_rules.context import RULED_KEY, InteractionContext
from compliance_rules.detectors.registry import Hit, Params, message_for, register
from compliance_rules.learned.features import TURN_FAMILIES
from compliance_rules.learned.model import DEFAULT_MODEL, ModelError, TurnModel, load_model
from compliance_rules.learned.views import turn_views
from compliance_rules.lexicon import LexiconSet, Pruned
from compliance_rules.schema import RuleError, RuleSpec

_WORDS = {
    "es": ("Modelo aprendido, confianza {c}", "pesan más", "se parece a"),
    "en": ("Learned model, confidence {c}", "weighed most", "similar to"),
}


class ClassifierParams(Params):
    model: str = DEFAULT_MODEL
    # Phrase lexicons of the family: a match of one of them that negation or lawful
    # context pruned, with no surviving match, vetoes the learned finding on that turn.
    lexicons: list[str] = []


def learned_scores(ctx: InteractionContext, model: TurnModel) -> list[tuple[int, object, dict[str, float]]]:
    """``(turn, view, probability per family)`` for every judged collector turn, computed once per model."""
    key = ("learned", model.version)
    cached = ctx.memo.get(key)
    if cached is None:
        views = turn_views(ctx)
        scores = model.score_many([view for _, view in views])
        cached = [(index, view, score) for (index, view), score in zip(views, scores, strict=True)]
        ctx.memo[key] = cached
    return cached


def format_confidence(value: float, language: str) -> str:
    text = f"{value:.2f}"
    return text.replace(".", ",") if language == "es" else text


class ClassifierDetector:
    def __init__(self, rule: RuleSpec, params: ClassifierParams, lexicons: LexiconSet) -> None:
        if rule.family not in TURN_FAMILIES:
            raise RuleError(f"(rule {rule.id}) classifier.v1 covers {[f.value for f in TURN_FAMILIES]}, not {rule.family}")
        self.rule, self.params, self.lexicons = rule, params, lexicons
        try:
            self.model = load_model(params.model)
        except ModelError as exc:
            raise RuleError(f"(rule {rule.id}) {exc}") from None
        if rule.family.value not in self.model.families:
            raise RuleError(f"(rule {rule.id}) model {params.model!r} has no classifier for {rule.family.value}")

    def _vetoed(self, ctx: InteractionContext, index: int) -> list[Pruned]:
        pruned: list[Pruned] = []
        text = ctx.texts[index]
        for name in self.params.lexicons:
            if self.lexicons.find(name, text, pruned) is not None:
                return []
        return pruned

    def detect(self, ctx: InteractionContext) -> list[Hit]:
        family = self.rule.family.value
        hits = []
        for index, view, scores in learned_scores(ctx, self.model):
            if not self.model.flagged(scores, family):
                continue
            vetoes = self._vetoed(ctx, index)
            if vetoes:
                ctx.pruned.extend(Pruned(p.lexicon, p.pattern, f"{p.reason}; vetoes {self.rule.id}") for p in vetoes)
                continue
            if (family, index) in ctx.memo.get(RULED_KEY, ()):
                # A rule holds this turn: its finding keeps its own explanation and takes this confidence.
                hits.append(Hit(index, None, "", "", confidence=round(scores[family], 4)))
                continue
            hits.append(self._hit(ctx, index, view, scores[family]))
        return hits

    def _hit(self, ctx: InteractionContext, index: int, view, confidence: float) -> Hit:  # noqa: ANN001
        why = self.model.explain(view, self.rule.family.value)
        language = "es" if ctx.language == "es" else "en"
        head, weighed, similar = _WORDS[language]
        text = view.text.raw
        evidence = text[why.span[0] : why.span[1]]
        parts = [head.format(c=format_confidence(confidence, language))]
        if why.ngrams:
            parts.append(f"{weighed}: " + ", ".join(f"«{n}»" for n in why.ngrams))
        if why.example_text:
            parts.append(f"{similar}: «{_clip(why.example_text)}» [{why.example_id}]")
        explanation = f"{message_for(self.rule, ctx.language)} «{evidence}» ({'; '.join(parts)})"
        return Hit(index, why.span, evidence, explanation, confidence=round(confidence, 4))


def _clip(text: str, limit: int = 140) -> str:
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


@register("classifier.v1", ClassifierParams)
def _build(rule: RuleSpec, params: ClassifierParams, lexicons: LexiconSet) -> ClassifierDetector:
    return ClassifierDetector(rule, params, lexicons)
