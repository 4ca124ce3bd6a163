"""Analysts' decisions on findings, as labelled collector turns for ``qa train --with-reviews``.

A confirmed or downgraded finding of a turn-level family labels its turn positive for that
family; a dismissed one labels it negative. Only that family's label is known: the turn
says nothing about the others. The dialogue state of each turn is recomputed by the scanner
from the stored interaction and the account's other stored contacts, as a scan would see it.
Unclear and unreviewed findings are left out.
"""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select

from compliance_rules.learned.corpus import FAMILY_NAMES, Example, examples_from_contexts
from qa.domain import Interaction
from qa.scanner import ContextScanner
from qa.storage import models as m
from qa.storage.engine import Database
from qa.storage.workflow_models import FindingReview

POSITIVE = ("confirmed", "downgraded")
NEGATIVE = ("dismissed",)


def review_decisions(db: Database) -> dict[int, dict[tuple[str, int], bool]]:
    """Per stored interaction: ``(family, turn) -> positive?`` from the latest review of each finding."""
    f, r = m.Finding, FindingReview
    stmt = (
        select(f.interaction_id, f.family, f.turn, r.state)
        .join(r, r.finding_id == f.id)
        .where(f.family.in_(FAMILY_NAMES), f.turn.is_not(None), r.state.in_(POSITIVE + NEGATIVE))
    )
    decisions: dict[int, dict[tuple[str, int], bool]] = defaultdict(dict)
    with db.session() as session:
        for interaction_id, family, turn, state in session.execute(stmt):
            key = (family, turn)
            # A confirmation on the same turn and family outweighs a dismissal of another rule's finding.
            decisions[interaction_id][key] = decisions[interaction_id].get(key, False) or state in POSITIVE
    return decisions


def review_examples(db: Database, scanner: ContextScanner) -> list[Example]:
    """Labelled turns from the reviews stored in ``db``."""
    decisions = review_decisions(db)
    if not decisions:
        return []
    with db.session() as session:
        reviewed = session.execute(
            select(m.Interaction.id, m.Interaction.account_id).where(m.Interaction.id.in_(decisions))
        ).all()
        accounts = {account for _, account in reviewed if account is not None}
        rows = session.execute(
            select(m.Interaction.id, m.Interaction.document).where(
                m.Interaction.id.in_(decisions) | m.Interaction.account_id.in_(accounts)
            )
        ).all()
    by_pk = {pk: Interaction.model_validate(document) for pk, document in rows}
    pk_of = {interaction.id: pk for pk, interaction in by_pk.items()}
    contexts = [ctx for ctx in scanner.contexts(list(by_pk.values())) if pk_of[ctx.interaction.id] in decisions]
    examples = []
    for example in examples_from_contexts(contexts, {}, "review", {}):
        interaction_id, _, turn = example.id.rpartition("#")
        known = decisions[pk_of[interaction_id]]
        labels = {family: known[(family, int(turn))] for family in FAMILY_NAMES if (family, int(turn)) in known}
        if labels:
            examples.append(_relabel(example, labels))
    return examples


def _relabel(example: Example, labels: dict[str, bool]) -> Example:
    from dataclasses import replace

    return replace(example, labels=labels, id=f"review:{example.id}")
