"""The legal timeline counts and marks every family, contacts after a cease request or a lawyer included; account
search ignores case; a case lists its contacts; the evidence report's timeline carries the cease findings.
"""

from __future__ import annotations

from dash_helpers import metrics, open_page
from sqlalchemy import func, select

from qa.storage import models as m
from qa.storage import open_database
from qa.views import Scope
from qa.views.legal import contact_timeline, family_counts
from qa.workflow import cases as case_services
from qa.workflow import users


def _cease_account(db_url) -> tuple[str, list[int], set[int]]:
    """The account with most contacts carrying an active cease finding: code, all its contact ids, the cease ones."""
    db = open_database(db_url)
    with db.session() as s:
        i, f = m.Interaction, m.Finding
        code = s.scalar(
            select(m.Account.code)
            .join(i, i.account_id == m.Account.id)
            .join(f, f.interaction_id == i.id)
            .where(f.family == "cease_violation", f.active.is_(True))
            .group_by(m.Account.code)
            .order_by(func.count(func.distinct(i.id)).desc(), m.Account.code)
            .limit(1)
        )
        assert code, "the demo floor has contacts after a cease request"
        ids = list(s.scalars(select(i.id).join(m.Account, m.Account.id == i.account_id).where(m.Account.code == code)))
        cease = set(
            s.scalars(
                select(f.interaction_id).where(f.interaction_id.in_(ids), f.family == "cease_violation", f.active.is_(True))
            )
        )
    db.dispose()
    return code, ids, cease


def test_cease_violations_are_marked_and_counted_on_the_timeline(db_url):
    code, ids, cease = _cease_account(db_url)
    db = open_database(db_url)
    with db.session() as s:
        timeline = contact_timeline(s, Scope.everything(), ids)
    db.dispose()
    marked = set(timeline.loc[timeline["breach"] == "cease_violation", "interaction_id"])
    assert marked == cease  # the cease family comes first when a contact has several
    with_cease = timeline[timeline["families"].map(lambda fs: "cease_violation" in fs)]
    assert set(with_cease["interaction_id"]) == cease
    assert family_counts(timeline)["cease_violation"] == len(cease)
    assert list(family_counts(timeline))[0] == "cease_violation"


def test_legal_page_counts_cease_violations_and_search_ignores_case(principals, db_url):
    code, ids, cease = _cease_account(db_url)
    for typed, lang, title in ((code.lower(), "es", "Contacto tras cese"), (code.swapcase(), "en", "Contact after cease")):
        at = open_page(principals["legal"], "legal", lang=lang)
        at.text_input(key="lg_account").input(f"  {typed} ")
        next(b for b in at.button if b.label in ("Buscar", "Search")).click().run()
        assert not at.exception, [e.value for e in at.exception]
        assert len(at.dataframe[0].value) == len(ids)
        shown = metrics(at)
        assert shown[title] == str(len(cease))
        assert shown["Contactos" if lang == "es" else "Contacts"] == str(len(ids))


def test_a_case_lists_its_contacts_and_its_timeline_carries_the_cease_findings(principals, db_url):
    code, ids, cease = _cease_account(db_url)
    db = open_database(db_url)
    with db.session() as s:
        legal = users.get_principal(s, "legal")
        case = case_services.open_case(s, legal, "Reclamación", account=code)
        entries = case_services.case_timeline(s, legal, case.id)
    db.dispose()
    assert sorted(case.interaction_ids) == sorted(ids)
    assert {e.interaction_id for e in entries if any(f["family"] == "cease_violation" for f in e.findings)} == cease
    at = open_page(principals["legal"], "legal")
    at.tabs[1].run()
    contacts = next(d.value for d in at.dataframe if "source_id" in d.value.columns and "families" in d.value.columns)
    assert len(contacts) == len(ids)
    assert contacts["families"].str.contains("Contacto tras cese").sum() == len(cease)
    assert contacts["local_time"].notna().all()  # the consumer's local time, its zone named beside it with the offset
    assert contacts["zone"].str.contains("UTC").all() and contacts["zone"].str.contains("hora").any()
