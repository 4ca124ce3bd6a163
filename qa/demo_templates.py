# ruff: noqa: E501 - sentences are data; wrapping them would only hurt reading.
"""Sentences for the demo data set (``qa demo-data``), written for it, in Spanish and English.

Each slot has several variants so the generated conversations do not repeat verbatim.
``{agent}``, ``{company}``, ``{consumer}``, ``{amount}``, ``{creditor}`` and ``{day}`` are filled in.
"""

from __future__ import annotations

COMPANIES = {
    "es": ["Recuperaciones Andinas", "Gestión de Cartera del Sur", "Cobranzas Integrales"],
    "en": ["Summit Recovery Group", "Lakeside Collections"],
}
CREDITORS = {
    "es": ["Banco Cordillera", "Tienda El Progreso", "Financiera Horizonte"],
    "en": ["Harbor Bank", "Northstar Credit Union", "Apex Card Services"],
}

OPENING = {
    "es": [
        "Buenas, habla {agent} de {company}. Le informo que esta llamada se graba por calidad. ¿Me comunico con {consumer}?",
        "Muy buenos días, mi nombre es {agent}, gestor de cobranza de {company}; la conversación queda grabada. ¿Hablo con {consumer}?",
        "Hola, le saluda {agent}, de {company}, en representación de {creditor}. Le aviso que la llamada está siendo grabada. ¿Es usted {consumer}?",
    ],
    "en": [
        "Hi, this is {agent} with {company}; this call is recorded. May I speak with {consumer}?",
        "Good afternoon, my name is {agent} and I'm calling from {company}. This call may be monitored and recorded. Is this {consumer}?",
        "Hello, {agent} here from {company} on behalf of {creditor}. Calls are recorded for quality. Am I speaking with {consumer}?",
    ],
}
DISCLOSURE = {
    "es": [
        "Gracias. Le contacto por una obligación con {creditor} que figura en mora; esto es un intento de cobro.",
        "Perfecto. El motivo es el saldo pendiente con {creditor}. Cualquier información que nos dé se usará para gestionar el cobro.",
    ],
    "en": [
        "Thanks. This is an attempt to collect a debt and any information obtained will be used for that purpose.",
        "Great. I'm a debt collector and this is an attempt to collect a debt owed to {creditor}; anything you share will be used for that purpose.",
    ],
}
CONFIRM = {
    "es": ["Sí, soy yo.", "Con ella habla.", "Sí, dígame.", "Él habla, ¿qué necesita?"],
    "en": ["Yes, speaking.", "That's me.", "Yes, who's this?", "Speaking, what is it about?"],
}
BODY_AGENT = {
    "es": [
        "Veo un saldo de {amount}. ¿Le parece si revisamos una fecha de pago que le quede cómoda?",
        "Podemos dividir los {amount} en tres cuotas sin interés adicional. ¿Le sirve esa opción?",
        "Le puedo enviar por correo el detalle del saldo de {amount} para que lo revise con calma.",
        "Si paga antes del {day} le aplicamos el descuento que tiene disponible la entidad.",
        "Entiendo su situación. ¿Qué monto podría abonar este mes, aunque sea parcial?",
    ],
    "en": [
        "I show a balance of {amount}. Would you like to set up a payment date that works for you?",
        "We can split the {amount} into three monthly payments. Does that work for your budget?",
        "I can email you an itemized statement of the {amount} so you can review it.",
        "If you pay by {day}, {creditor} will apply the settlement discount on file.",
        "I understand things are tight. What amount could you manage this month, even a partial one?",
    ],
}
BODY_CONSUMER = {
    "es": [
        "Ahora mismo estoy corto de plata, pero puedo pagar algo a fin de mes.",
        "Mándeme el detalle por favor, quiero revisar los intereses.",
        "Está bien, acepto las tres cuotas.",
        "Quedé sin trabajo hace dos meses, por eso me atrasé.",
        "Puedo abonar una parte el viernes.",
    ],
    "en": [
        "I'm short right now, but I can pay something at the end of the month.",
        "Please send me the statement, I want to check the interest.",
        "Okay, the three payments work for me.",
        "I lost my job two months ago, that's why I fell behind.",
        "I can put something down on Friday.",
    ],
}
CLOSING = {
    "es": [
        "Queda registrado el acuerdo. Gracias por su tiempo, que tenga buen día.",
        "Perfecto, le envío la confirmación. Muchas gracias.",
    ],
    "en": [
        "I've noted the arrangement. Thank you for your time, have a good day.",
        "Perfect, I'll send you a confirmation. Thanks for your help.",
    ],
}
CONSUMER_BYE = {"es": ["Gracias, hasta luego.", "Listo, chao."], "en": ["Thanks, bye.", "Okay, goodbye."]}

# Violations: agent lines (and, where the breach needs it, a line of the other party before it).
THREAT = {
    "es": [
        "Si no paga hoy mismo, la policía va a ir a buscarlo y termina preso.",
        "Le vamos a embargar la casa y el carro esta misma semana si no deposita.",
        "Voy a llamar a su jefe para que lo despidan por moroso.",
        "Si no aparece el pago, lo vamos a publicar en la lista de deudores del barrio.",
    ],
    "en": [
        "If you don't pay today, the police will come and arrest you.",
        "We're going to seize your car and garnish your paycheck this week unless you pay.",
        "I'll call your boss and make sure you lose that job.",
        "Pay now or we'll put your name up for all your neighbors to see.",
    ],
}
ABUSE = {
    "es": ["Usted es un sinvergüenza y un vago, deje de hacerse el tonto.", "No sea mentiroso, gente como usted da asco."],
    "en": ["You're a deadbeat and a liar, stop playing dumb.", "Listen, you idiot, people like you are pathetic."],
}
FALSE_CLAIM = {
    "es": [
        "Le hablo de parte del juzgado; ya existe una orden de captura en su contra.",
        "Soy abogado de la fiscalía y mañana se radica la denuncia penal.",
        "Si no paga hoy, su deuda se triplica y queda reportado de por vida.",
    ],
    "en": [
        "I'm calling from the district attorney's office; there is a warrant pending in your name.",
        "I'm an attorney and this goes on your criminal record tomorrow.",
        "If you don't pay today the balance triples and it stays on your credit report forever.",
    ],
}
THIRD_PARTY_OTHER = {
    "es": ["No, él no está, yo soy la hermana.", "Aquí no vive, yo soy el vecino.", "Está trabajando, habla la esposa."],
    "en": [
        "No, he's not home, this is his sister.",
        "She doesn't live here, I'm the roommate.",
        "He's at work, this is his wife.",
    ],
}
THIRD_PARTY_AGENT = {
    "es": [
        "Dígale que debe {amount} a {creditor} y que la deuda está vencida.",
        "Avísele que tiene una deuda en mora de {amount} y que nos llame.",
    ],
    "en": [
        "Tell him he owes {amount} to {creditor} and the debt is past due.",
        "Let her know she has an overdue debt of {amount} and needs to call us.",
    ],
}
CEASE_REQUEST = {
    "es": [
        "Ya le dije que no me llamen más; mi abogado se encarga de esto.",
        "Le pido formalmente que dejen de contactarme, disputo esta deuda.",
    ],
    "en": [
        "I told you to stop calling me; my attorney is handling this.",
        "I'm asking you in writing to stop contacting me, I dispute this debt.",
    ],
}
CEASE_ACK = {
    "es": ["Entendido, dejamos registrada su solicitud.", "De acuerdo, tomamos nota de su abogado."],
    "en": ["Understood, I've noted your request.", "Okay, I've recorded your attorney's details."],
}
SHORT_MESSAGE = {
    "es": [
        "Hola {consumer}, le escribe {agent} de {company}. Tiene un saldo pendiente de {amount} con {creditor}; respóndanos para ver opciones de pago.",
        "{consumer}, le recordamos su compromiso de pago de {amount} para el {day}. Atentamente, {agent}, {company}.",
    ],
    "en": [
        "Hi {consumer}, this is {agent} from {company}, a debt collector. You have a balance of {amount} with {creditor}; reply to discuss options.",
        "{consumer}, a reminder of your payment of {amount} due {day}. {agent}, {company}. This is an attempt to collect a debt.",
    ],
}
SHORT_REPLY = {
    "es": ["Ok, el viernes pago.", "¿Me pueden dar más plazo?", "Recibido."],
    "en": ["Ok, I'll pay Friday.", "Can I get more time?", "Got it."],
}
