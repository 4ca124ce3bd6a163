"""Dialogue state, schedule, frequency and cease rules across an account."""

from tests.compliance.helpers import call, families

# --- who is on the line ------------------------------------------------------------------


def test_debt_told_to_a_relative_is_a_disclosure_but_a_callback_request_is_not(scanner):
    told = call(
        [
            ("agent", "está la señora luz"),
            ("other", "no ella no está habla la hermana"),
            ("agent", "dígale que tiene la cuota atrasada con el banco"),
        ]
    )
    callback = call(
        [
            ("agent", "está la señora luz"),
            ("other", "no ella no está habla la hermana"),
            ("agent", "le puede pedir que nos devuelva la llamada gracias"),
        ]
    )
    assert ("third_party_disclosure", 2) in families(scanner, [told])
    assert families(scanner, [callback]) == set()


def test_spouse_counts_as_consumer_in_the_us_but_not_in_colombia(scanner):
    turns = [
        ("agent", "may i speak with tom"),
        ("other", "he's out, this is his wife"),
        ("agent", "it's about his past due balance"),
    ]
    assert ("third_party_disclosure", 2) not in families(scanner, [call(turns, jurisdiction="US-OH")])
    es_turns = [("agent", "está don tomás"), ("other", "no, habla la esposa"), ("agent", "es por la deuda de la tarjeta")]
    assert ("third_party_disclosure", 2) in families(scanner, [call(es_turns, jurisdiction="CO")])


def test_debt_mentioned_before_identity_is_confirmed(scanner):
    turns = [("consumer", "aló"), ("agent", "buenas le llamo por la deuda vencida de su tarjeta, hablo con el titular")]
    assert ("third_party_disclosure", 1) in families(scanner, [call(turns)])


def test_debt_on_a_voicemail_greeting(scanner):
    turns = [
        ("other", "hi you've reached the garcia family leave a message"),
        ("agent", "message for carlos about his past due loan balance please call us"),
    ]
    limited = [
        ("other", "hi you've reached the garcia family leave a message"),
        ("agent", "message for carlos please call ana at 555 0100"),
    ]
    assert ("third_party_disclosure", 1) in families(scanner, [call(turns, jurisdiction="US-NM")])
    assert families(scanner, [call(limited, jurisdiction="US-NM")]) == set()


def test_guarantor_may_be_contacted(scanner):
    turns = [
        ("agent", "hablo con don jaime"),
        ("other", "sí, yo soy el codeudor del crédito"),
        ("agent", "le llamamos porque la obligación tiene dos cuotas vencidas"),
    ]
    assert families(scanner, [call(turns)]) == set()


# --- required identification -------------------------------------------------------------


def test_us_call_without_company_or_debt_collector_statement(scanner):
    turns = [("agent", "is this dana"), ("consumer", "yes"), ("agent", "you owe eight hundred dollars when can you pay")]
    assert ("missing_disclosure", None) in families(scanner, [call(turns, jurisdiction="US-OH")])
    disclosed = [
        ("agent", "is this dana"),
        ("consumer", "yes"),
        ("agent", "this is kim with apex recovery a debt collector you owe eight hundred dollars"),
    ]
    assert ("missing_disclosure", None) not in families(scanner, [call(disclosed, jurisdiction="US-OH")])


# --- hours ----------------------------------------------------------------------------------


def test_colombian_holiday_and_saturday_afternoon(scanner):
    holiday = call(
        [("agent", "le hablamos de cobros andinos por su cuota")], started_at="2026-06-29T10:00:00-05:00", confirm=True
    )
    saturday_ok = call([("agent", "le hablamos de cobros andinos")], started_at="2026-03-07T14:50:00-05:00", confirm=True)
    saturday_late = call([("agent", "le hablamos de cobros andinos")], started_at="2026-03-07T15:10:00-05:00", confirm=True)
    assert ("off_hours", None) in families(scanner, [holiday])
    assert ("off_hours", None) not in families(scanner, [saturday_ok])
    assert ("off_hours", None) in families(scanner, [saturday_late])


def test_local_time_comes_from_the_phone_number_when_the_record_has_no_zone(scanner):
    # 21:30 in New York is 18:30 in Los Angeles: lawful only for the Californian number.
    la = call(
        [("agent", "hi this is apex")],
        jurisdiction="US",
        started_at="2026-03-03T21:30:00-05:00",
        consumer_phone="+13105550123",
        confirm=True,
    )
    ny = call(
        [("agent", "hi this is apex")],
        jurisdiction="US",
        started_at="2026-03-03T21:30:00-05:00",
        consumer_phone="+12125550123",
        confirm=True,
    )
    assert ("off_hours", None) not in families(scanner, [la])
    assert ("off_hours", None) in families(scanner, [ny])


def test_inbound_and_requested_contacts_are_exempt(scanner):
    inbound = call(
        [("consumer", "quiero pagar"), ("agent", "con gusto")], direction="inbound", started_at="2026-03-08T21:00:00-05:00"
    )
    first = call(
        [("agent", "hablo con la señora ruiz"), ("consumer", "sí, llámeme el sábado a las siete y media de la mañana")],
        ident="a",
        started_at="2026-03-04T10:00:00-05:00",
    )
    requested = call([("agent", "buenos días como quedamos")], ident="b", started_at="2026-03-07T07:30:00-05:00")
    assert ("off_hours", None) not in families(scanner, [inbound])
    assert ("off_hours", None) not in families(scanner, [first, requested], "b")


# --- frequency ----------------------------------------------------------------------------


def test_us_call_within_seven_days_of_a_conversation(scanner):
    talk = call(
        [("agent", "is this dana"), ("consumer", "speaking")],
        ident="a",
        jurisdiction="US-OH",
        started_at="2026-03-02T10:00:00-05:00",
    )
    again = call(
        [("agent", "hi dana checking on that payment")], ident="b", jurisdiction="US-OH", started_at="2026-03-06T10:00:00-05:00"
    )
    week_later = call([("agent", "hi dana")], ident="c", jurisdiction="US-OH", started_at="2026-03-09T10:00:00-05:00")
    assert ("frequency", None) in families(scanner, [talk, again], "b")
    assert ("frequency", None) not in families(scanner, [talk, week_later], "c")


def test_colombia_second_channel_in_the_week_after_a_direct_contact(scanner):
    talk = call(
        [("agent", "hablo con la señora ruiz"), ("consumer", "sí con ella")], ident="a", started_at="2026-03-02T10:00:00-05:00"
    )
    sms = call([("agent", "recuerde su cuota")], ident="b", channel="sms", started_at="2026-03-04T10:00:00-05:00")
    next_week = call([("agent", "recuerde su cuota")], ident="c", channel="sms", started_at="2026-03-10T10:00:00-05:00")
    assert ("frequency", None) in families(scanner, [talk, sms], "b")
    assert ("frequency", None) not in families(scanner, [talk, next_week], "c")


def test_chile_second_call_in_a_week(scanner):
    first = call([("agent", "aló don pedro")], ident="a", jurisdiction="CL", started_at="2026-03-02T10:00:00-03:00")
    second = call([("agent", "aló don pedro")], ident="b", jurisdiction="CL", started_at="2026-03-06T10:00:00-03:00")
    assert ("frequency", None) in families(scanner, [first, second], "b")


# --- cease --------------------------------------------------------------------------------


def test_pressing_after_a_stop_request_in_the_same_call(scanner):
    turns = [
        ("agent", "hablo con la señora ruiz"),
        ("consumer", "sí pero ya no me llamen más por favor"),
        ("agent", "entiendo pero cuándo me puede hacer un abono"),
    ]
    ack = [
        ("agent", "hablo con la señora ruiz"),
        ("consumer", "sí pero ya no me llamen más por favor"),
        ("agent", "entendido, dejaremos de llamarla, que tenga buen día"),
    ]
    assert ("cease_violation", 2) in families(scanner, [call(turns)])
    assert families(scanner, [call(ack)]) == set()


def test_later_contact_after_a_lawyer_or_through_a_refused_channel(scanner):
    lawyer = call(
        [("agent", "is this pat"), ("consumer", "yes and my attorney handles this now, call her")],
        ident="a",
        jurisdiction="US-OH",
        started_at="2026-03-02T10:00:00-05:00",
    )
    later = call(
        [("agent", "hi pat its apex recovery a debt collector about your balance")],
        ident="b",
        jurisdiction="US-OH",
        started_at="2026-03-12T10:00:00-05:00",
    )
    assert ("cease_violation", 0) in families(scanner, [lawyer, later], "b")
    refused = call(
        [("agent", "hola kelly"), ("consumer", "no me escriban más por whatsapp, mejor al correo")],
        ident="c",
        channel="chat",
        started_at="2026-03-02T10:00:00-05:00",
    )
    chat_again = call(
        [("agent", "hola kelly le recordamos su saldo")], ident="d", channel="chat", started_at="2026-03-12T10:00:00-05:00"
    )
    email = call(
        [("agent", "estimada kelly le enviamos su estado de cuenta")],
        ident="e",
        channel="email",
        started_at="2026-03-12T10:00:00-05:00",
    )
    assert ("cease_violation", 0) in families(scanner, [refused, chat_again], "d")
    assert ("cease_violation", 0) not in families(scanner, [refused, email], "e")


def test_inbound_greeting_with_name_and_company_is_identification(scanner):
    turns = [
        ("agent", "Buenas, habla Lorena de Recaudos Integrales. ¿Con quién tengo el gusto?"),
        ("consumer", "Él habla, ¿qué necesita?"),
        ("agent", "Es por el saldo pendiente de su tarjeta, ¿cuánto podría abonar?"),
    ]
    assert ("missing_disclosure", None) not in families(scanner, [call(turns, direction="inbound")])
