"""What the collector says: strong matches and look-alikes that must not match.

Sentences are written for these tests in the styles the scanner meets in
production: ASR output (lower case, no punctuation, fillers, spelled-out
numbers), chat shorthand, and indirect wording.
"""

import pytest

from tests.compliance.helpers import call, families

ES, EN = "CO", "US-TX"

STRONG = [
    # threat: ASR style, no punctuation, fillers
    (ES, "eh mire señora si usted no paga esta semana le vamos a embargar la casa", "threat"),
    (ES, "o sea usted sabe que por no pagar lo pueden meter preso", "threat"),
    (ES, "vamos a mandar a alguien a su casa para que los vecinos se enteren", "threat"),
    ("MX", "nomas le digo que ya sabemos donde trabaja su esposa", "threat"),
    ("PE", "si no paga llamamos a su jefe para que le descuenten de su sueldo", "threat"),
    (EN, "um if this aint paid by friday the sheriff is gonna come pick you up", "threat"),
    (EN, "we'll be letting your employer know about this debt", "threat"),
    (EN, "keep ignoring us and we post ur name on facebook so everybody will know", "threat"),
    # false claim
    (ES, "le informo que el juzgado ya expidió una orden contra usted", "false_claim"),
    ("CL", "le aviso que usted ya tiene una demanda en el tribunal", "false_claim"),
    ("PE", "su cuenta ya pasó a cobranza judicial y le llega la notificación judicial", "false_claim"),
    (EN, "this is detective morales with the county fraud unit", "false_claim"),
    (EN, "not paying a loan you took out is fraud and thats a crime", "false_claim"),
    (EN, "there's a seventy five dollar processing fee for paying over the phone", "false_claim"),
    # abusive
    (ES, "usted es un descarado no le da vergüenza", "abusive_language"),
    ("MX", "no sea pendejo y pague", "abusive_language"),
    (EN, "pay ur bill u lazy bum", "abusive_language"),
    (EN, "people like you never pay anything", "abusive_language"),
    (EN, "what kind of parent doesnt pay their bills", "abusive_language"),
]

LAWFUL = [
    (ES, "no lo vamos a demandar ni a embargar señor tranquilo"),
    (ES, "si el incumplimiento continúa la entidad podría iniciar un proceso conforme a la ley"),
    (ES, "no pagar una deuda no es un delito pero sí genera intereses"),
    (ES, "le recordamos que puede ser reportado a centrales de riesgo como lo permite su contrato"),
    ("MX", "somos una empresa privada de cobranza no somos autoridad"),
    ("PE", "le enviaremos una carta de la empresa no es un documento judicial"),
    (EN, "you will not be arrested and no one is coming to your house"),
    (EN, "failing to pay is not a crime"),
    (EN, "the creditor may decide to file a lawsuit at some point as allowed by law"),
    (EN, "your balance includes late fees under section four of your agreement"),
    (EN, "i understand you're frustrated lets look at a smaller payment"),
]


@pytest.mark.parametrize(("jurisdiction", "text", "family"), STRONG)
def test_strong_match(scanner, jurisdiction, text, family):
    assert (family, 2) in families(scanner, [call([("agent", text)], jurisdiction=jurisdiction, confirm=True)])


@pytest.mark.parametrize(("jurisdiction", "text"), LAWFUL)
def test_no_match(scanner, jurisdiction, text):
    found = families(scanner, [call([("agent", text)], jurisdiction=jurisdiction, confirm=True)])
    assert not {f for f, turn in found if f in ("threat", "false_claim", "abusive_language")}, found


def test_only_the_collector_is_judged(scanner):
    turns = [
        ("consumer", "ustedes son unos hijueputas y me dijeron que me iban a meter preso"),
        ("agent", "lamento lo que le dijeron; nadie lo va a meter preso, busquemos un acuerdo"),
    ]
    assert families(scanner, [call(turns, confirm=True)]) == set()


def test_unknown_speakers_are_judged_when_no_turn_is_attributed(scanner):
    interaction = call([("unknown", "si no paga lo vamos a meter a la cárcel"), ("unknown", "¿cómo así?")])
    assert ("threat", 0) in families(scanner, [interaction])


def test_evidence_is_the_span_of_the_original_text(scanner):
    text = "Mire, Señora: ¡si NO paga, la metemos a la CÁRCEL mañana mismo!"
    interaction = call([("agent", text)], confirm=True)
    for finding in scanner.scan([interaction]):
        if finding.turn is not None:
            assert text[finding.span[0] : finding.span[1]] == finding.evidence
            assert finding.start == 2.0 and finding.end == 2.9


@pytest.mark.parametrize(
    "text",
    ["por favor no le vamos a embargar nada, tranquila", "nadie le va a quitar la casa por esto"],
)
def test_negation_is_not_mistaken_for_a_cause_or_condition(scanner, text):
    found = families(scanner, [call([("agent", text)], confirm=True)])
    assert not {f for f, _ in found if f == "threat"}, found
