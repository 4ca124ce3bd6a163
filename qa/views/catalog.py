"""Rules: the scanner's catalogue joined with hit counts from storage."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from qa.storage import models as m
from qa.views.scope import Scope


def rule_hits(session: Session, scope: Scope) -> pd.DataFrame:
    """Per rule: active findings, interactions hit and findings dropped by later rule-pack versions (daily roll-ups)."""
    r = m.RollupRuleHits
    stmt = (
        select(r.rule_id, func.sum(r.hits), func.sum(r.interactions), func.sum(r.dropped))
        .where(*scope.where(r.agent_id, r.team_id))
        .group_by(r.rule_id)
    )
    return pd.DataFrame(session.execute(stmt).all(), columns=["rule_id", "hits", "interactions", "dropped"])


def pack_language(jurisdiction: str) -> str:
    """The first language of a pack's manifest (the country's for a subdivision without one); Spanish when unknown."""
    from compliance_rules.manifest import manifest_for

    manifest = manifest_for(jurisdiction) or manifest_for(jurisdiction.split("-")[0])
    return manifest.languages[0] if manifest is not None and manifest.languages else "es"


def example_text(example: Any, jurisdiction: str) -> tuple[str, str]:
    """A rule example as one line of text (its turns joined, speakers kept) and the language it is written in."""
    if isinstance(example, str):
        return example, pack_language(jurisdiction)
    text = " / ".join(example.turns)
    return text, example.language or pack_language(example.jurisdiction or jurisdiction)


def catalog_frame(rules: list[Any], lang: str = "es") -> pd.DataFrame:
    """Return the scanner's rules (``compliance_rules`` ``RuleSpec``) as rows in the viewer's language."""
    rows = []
    for rule in rules:
        title = getattr(rule.title, lang, None) or rule.title.es
        message = getattr(rule.message, lang, None) or rule.message.es
        rows.append(
            {
                "rule_id": rule.id,
                "jurisdiction": rule.jurisdiction,
                "family": str(getattr(rule.family, "value", rule.family)),
                "severity": rule.severity,
                "title": title,
                "message": message,
                "citation": rule.citation,
                "status": getattr(rule, "status", None),
                "violating": [example_text(e, rule.jurisdiction) for e in rule.examples.violating],
                "lawful": [example_text(e, rule.jurisdiction) for e in rule.examples.lawful],
            }
        )
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class Explained:
    """A finding's explanation for a page in ``lang``: the rule's text in that language, and what only the call's
    language has (``detail``, e.g. the quoted words and the detector's own details), with that language (``detail_lang``).
    """

    text: str
    detail: str | None = None
    detail_lang: str | None = None


def explained(
    explanation: str, rule: Any | None, lang: str, prefixes: dict[str, str] | None = None, evidence: str | None = None
) -> Explained:
    """Show a stored explanation in the page's language as far as the rule pack allows.

    A stored explanation is the rule's message in the call's language followed by details in that language
    (``compliance_rules.detectors``), sometimes after a fixed prefix (``prefixes``: language → text, such as the
    "unclear opening" note). When the message is in the other language and the pack has the page's, the page's
    message (and prefix) replace them and the rest is returned as ``detail`` with its language, for the page to label;
    the quoted ``evidence`` («...», the call's own words, shown beside the explanation anyway) is left out of it.
    An explanation already in the page's language, or of an unknown rule, is returned unchanged.
    """
    text = explanation or ""
    if rule is None or lang not in ("es", "en"):
        return Explained(text)
    other = "en" if lang == "es" else "es"
    mine, theirs = getattr(rule.message, lang, None), getattr(rule.message, other, None)
    if not mine or not theirs or mine == theirs or text.startswith(mine) or theirs not in text:
        return Explained(text)
    at = text.index(theirs)
    head, rest = text[:at], text[at + len(theirs) :].strip()
    if evidence:
        rest = rest.replace(f"«{evidence}»", "", 1).strip()
    prefixes = prefixes or {}
    if head and prefixes.get(other) and head.startswith(prefixes[other]):
        head = prefixes.get(lang, "") + head[len(prefixes[other]) :]
    if head.strip() and not (prefixes.get(lang) and head.startswith(prefixes[lang])):
        rest = f"{head.strip()} {rest}".strip()  # a prefix of unknown origin stays with the untranslated part
        head = ""
    return Explained(head + mine, rest or None, other if rest else None)


def catalog_with_hits(catalog: pd.DataFrame, hits: pd.DataFrame, precision: pd.DataFrame | None = None) -> pd.DataFrame:
    """Join the catalogue with hit counts (0 when a rule never fired) and, when given, reviewed precision per rule."""
    out = catalog.merge(hits, on="rule_id", how="left")
    for column in ("hits", "interactions", "dropped"):
        out[column] = out[column].fillna(0).astype(int)
    if precision is not None and not precision.empty:
        out = out.merge(precision, on="rule_id", how="left")
    return out.sort_values(["hits", "rule_id"], ascending=[False, True]).reset_index(drop=True)
