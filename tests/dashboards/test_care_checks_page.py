"""Care checks on the review-queue page (issue 17): hardship mentions, "was it handled well?", never a violation.

The demo database's calls are scanned and their outcomes extracted at ingest; the contacts whose
outcome mentions hardship are the care checks. The service itself is tested in tests/storage/test_care_checks.py.
"""

from __future__ import annotations

from dash_helpers import metrics, open_app, open_page
from sqlalchemy import func, select

from dashboards.navigation import BY_KEY
from qa.storage import models as m
from qa.storage import open_database
from qa.storage.outcome_models import CareReview, OutcomeRow
from qa.views.queue import QueueQuery, count_queue
from qa.workflow import users


def _counts(db_url) -> tuple[int, dict[int, float], int]:
    db = open_database(db_url)
    with db.session() as s:
        hardship = s.scalar(select(func.count()).where(OutcomeRow.hardship.is_(True)))
        scores = dict(s.execute(select(m.Score.interaction_id, m.Score.score)).all())
        findings = count_queue(s, users.get_principal(s, "analista"), QueueQuery())
    db.dispose()
    return hardship, scores, findings


def test_an_analyst_marks_a_care_check_and_no_score_changes(db_url, principals):
    hardship, scores, findings = _counts(db_url)
    assert hardship > 0  # the demo's calls mention hardship (extracted at ingest)
    at = open_page(principals["analista"], "queue")
    kind = at.segmented_control(key="q_kind")
    assert kind.value == "findings"
    assert kind.format_func("care") == f"Revisiones de cuidado ({hardship})"
    kind.set_value("care").run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("badge[" in md.value and "Revisión de cuidado" in md.value for md in at.markdown)
    assert any("No es una infracción" in i.value for i in at.info)
    assert "Pendientes de revisión" not in metrics(at)  # the findings' panel is not drawn
    pick = next(s for s in at.selectbox if s.key and s.key.startswith("care_pick_"))
    first = pick.options[0]
    assert "Por revisar" in first
    # No reason: nothing saved.
    interaction_id = int(pick.key.rsplit("_", 1)[1])
    at.button(key=f"FormSubmitter:care_form_{interaction_id}-Mal atendido").click().run()
    assert [e.value for e in at.error] == ["Indique un motivo."]
    at.text_input(key=f"care_reason_{interaction_id}").input("Insistió en el pago tras oír del despido")
    at.button(key=f"FormSubmitter:care_form_{interaction_id}-Mal atendido").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert [s.value for s in at.success][0] == "Guardado: Mal atendido. La puntuación no cambia."
    assert at.segmented_control(key="q_kind").format_func("care") == f"Revisiones de cuidado ({hardship - 1})"
    db = open_database(db_url)
    with db.session() as s:
        review = s.get(CareReview, interaction_id)
        assert (review.state, review.reason) == ("not_handled_well", "Insistió en el pago tras oír del despido")
    db.dispose()
    after_hardship, after_scores, after_findings = _counts(db_url)
    assert (after_scores, after_findings) == (scores, findings)
    # The decided list shows the verdict.
    at.radio(key="care_show").set_value("decided").run()
    decided = next(s for s in at.selectbox if s.key and s.key.startswith("care_pick_"))
    assert len(decided.options) == 1 and "Mal atendido" in decided.options[0]


def test_the_care_checks_read_in_english(principals):
    # Chosen through the session state: AppTest formats the other widgets' options in the test process's language.
    at = open_app(principals["analista"], "en")
    at.session_state["q_kind"] = "care"
    at.switch_page(f"pages/{BY_KEY['queue'].path.split('/')[-1]}")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("badge[" in md.value and "Care check" in md.value for md in at.markdown)
    assert any("not a violation" in i.value for i in at.info)
    labels = [b.label for b in at.button]
    assert "Handled well" in labels and "Not handled well" in labels
