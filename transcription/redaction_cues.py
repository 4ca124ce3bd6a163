"""Cue words, written identity codes and e-mail addresses for :mod:`transcription.redaction`.

Every pattern runs on the folded text (lower case, no accents, same offsets; see
``redaction_numbers.fold``) in one pass; e-mails are found from each "@" / "arroba" / "at" outwards
within a bounded window, so nothing here is worse than linear in the text's length.
"""

from __future__ import annotations

import re

from transcription.redaction_numbers import Token

_END = r"(?!\w)"

# family -> (pattern, how many characters may separate the cue's end from the number)
CUES: dict[str, tuple[re.Pattern[str], int]] = {
    "card": (re.compile(r"\b(tarjetas?|cards?|visa|mastercard|master|amex|american express|discover|diners|jcb|unionpay|"
                        r"plastico|debito|credito|debit|credit)" + _END), 80),
    "last4": (re.compile(r"\b(termina(?:da|do)? en|terminacion(?: en)?|ending (?:in|with)|ends (?:in|with)|"
                         r"last (?:four|4)(?: digits| numbers)?|"
                         r"(?:los )?ultimos (?:cuatro|4)(?: digitos| numeros)?)" + _END), 30),
    # Also as speech recognition mishears them: "c v v", "se ve ve", "cvb", "código de seguridá", "see vee vee".
    "cvv": (re.compile(r"\b(cvv2?|cvc2?|cvn|cid|c ?v ?[vbc]|c ?b ?v|(?:ce|se) ?(?:ve|be|uve) ?(?:ve|be|uve)|see vee (?:vee|see)|"
                       r"codigo (?:de )?seguri\w*|cod(?:igo)?\.? seg|codigo verificador|"
                       r"codigo de verificacion|security code|verification (?:code|value)|"
                       r"(?:(?:los )?(?:tres|3|cuatro|4) )?(?:numeros?|numeritos?|digitos?|codigo)"
                       r"(?: que (?:esta|estan|sale|salen|aparece|aparecen|viene|vienen))? "
                       r"(?:de atras|detras|atras|del reverso|al reverso|en el reverso|de la parte de atras|de la parte trasera)|"
                       r"(?:three|3|four|4)[ -]digit (?:code|number)|"
                       r"(?:digits|numbers|number|code) (?:on|in|at) the back)" + _END), 30),
    "code": (re.compile(r"\b(codigo|code|cod)" + _END), 12),
    "us_ssn": (re.compile(r"\b(social security(?: number)?|social|ssn|ss ?#|ss number|seguro social|tax ?id|"
                          r"taxpayer id|itin)" + _END), 40),
    # "cédula de notificación" (a court notice) is no identity document
    "co_cedula": (re.compile(r"\b(cedula(?: de ciudadania)?(?! de notificacion| judicial)|c ?\.? ?c\.?|numero de identificacion)"
                             + _END), 35),
    "dni": (re.compile(r"\b(dni|d ?\. ?n ?\. ?i\.?|d n i|documento nacional de identidad)" + _END), 35),
    "cl_rut": (re.compile(r"\b(rut|run|rol unico(?: tributario)?)" + _END), 35),
    "national_id": (re.compile(r"\b(carne(?:t)? de extranjeria|cuil|cuit|numero de documento|documento(?: de identidad)?|"
                               r"identificacion|id number)" + _END), 35),
    "spelled": (re.compile(r"\b(curp|rfc|clave de elector|ine)" + _END), 20),
    "account": (re.compile(r"\b(cuenta|account|acct|obligacion|contrato|prestamo|operacion|referencia|ref|folio|"
                           r"expediente|cliente|poliza|convenio|invoice|factura|case|reference|caso)" + _END), 40),
}  # fmt: skip

#: All cues in one pattern, one named group per family (families listed first win at one position).
#: The leading lookahead lets the engine skip positions that cannot start a word (4x faster than without).
ALL_CUES = re.compile(
    r"\b(?=[a-z34])(?:" + "|".join(f"(?P<{family}>{pattern.pattern})" for family, (pattern, _w) in CUES.items()) + ")"
)

SPELLED_KIND = {"curp": "mx_curp", "rfc": "mx_rfc"}  # other spelled cues (INE key) -> national_id

# A currency sign or code right before a number, or a currency / percent word right after it.
CURRENCY_BEFORE_RE = re.compile(r"(?:^|[^\w$])(?:\$|us\$|usd|mxn|cop|clp|ars|pen|€|eur|s/)\s*\Z")
CURRENCY_AFTER_RE = re.compile(
    r"\s*(?:%|(?:pesos|peso|soles|sol|dolares|dollars|dollar|bucks|lucas|usd|mxn|cop|clp|euros|centavos|cents|percent|"
    r"porciento|por ciento|k)\b)"
)

# Written codes (case-insensitive); dates inside CURP/RFC/INE are checked by the caller.
CURP = re.compile(r"\b(?=[a-z]{4}\d)[a-z]{4}(\d{6})[hmx][a-z]{5}[a-z0-9]\d\b", re.IGNORECASE)
RFC = re.compile(r"\b(?=[a-z&\u00f1]{3,4}-?\d)[a-z&\u00f1]{3,4}-?(\d{6})-?[a-z0-9]{3}\b", re.IGNORECASE)
INE = re.compile(r"\b(?=[a-z]{6}\d)[a-z]{6}(\d{8})[hm]\d{3}\b", re.IGNORECASE)
RUT = re.compile(r"\b(?=\d{1,2}\.?\d{3}\.?\d{3}-)(\d{1,2})\.?(\d{3})\.?(\d{3})-([\dkK])\b")
CUIL = re.compile(r"\b(?=\d\d-)(?:20|23|24|27|30|33|34)-\d{8}-\d\b")

_TLDS = frozenset("com net org edu gov co mx pe cl ar es us io info biz uk ca br ve ec bo uy py".split())
_SPOKEN_DOT = frozenset({"punto", "dot", "."})
_SPOKEN_JOIN = frozenset({"punto", "dot", "guion", "underscore", "bajo", "_", "-", "."})
_EMAIL_STOP = frozenset(
    "es is mi my correo mail email e electronico address el la al a its it s que to send me escribame escribeme "
    "mandalo mandelo envie envia ahi por favor or o at arroba de del su your write this the".split()
)
_MAX_LOCAL_WORDS = 8


def yymmdd_ok(digits: str) -> bool:
    month, day = int(digits[2:4]), int(digits[4:6])
    return 1 <= month <= 12 and 1 <= day <= 31


_LOCAL_CHARS = re.compile(r"[\w.%+-]*")
_DOMAIN_HEAD = re.compile(r"[\w-]{1,63}(?:\.[\w-]{1,63}){1,8}")


def written_emails(text: str, folded: str) -> list[tuple[int, int]]:
    """``name@host.tld`` spans: from each "@", the address around it (bounded windows, so linear)."""
    spans: list[tuple[int, int]] = []
    at = folded.find("@")
    while at != -1:
        local = _LOCAL_CHARS.match(folded[max(0, at - 64) : at][::-1]).end()  # the name, read backwards from "@"
        right = _DOMAIN_HEAD.match(folded, at + 1)
        if local and right:
            lo, hi = at - local, right.end()
            while lo < at and folded[lo] == ".":
                lo += 1
            while hi > at + 1 and folded[hi - 1] in ".-":
                hi -= 1
            tld = folded[at + 1 : hi].rsplit(".", 1)
            if lo < at and len(tld) == 2 and tld[1].isalpha() and len(tld[1]) >= 2:
                spans.append((lo, hi))
        at = folded.find("@", at + 1)
    return spans


_AT = re.compile(r"\b(?:arroba|at)\b")
_DOMAIN_SAID = re.compile(r"\s+[\w-]+\s*(?:\bpunto\b|\bdot\b|\.)\s*[\w-]")
_WORD_NEXT = re.compile(r"\s+\w")
_EMAIL_CUE = re.compile(r"\b(?:e ?-?mail|mail|correo|address|direccion)\b")
_LEFT_WINDOW, _RIGHT_WINDOW = 80, 100


def spoken_emails(text: str, folded: str) -> list[tuple[int, int]]:
    """Spoken addresses: "andrea punto rojas arroba gmail punto com", "mary t jones at yahoo dot com".

    Around each "arroba" / "at", a window of text is tokenized (so the work is bounded per hit).
    """
    from transcription.redaction_numbers import tokenize

    spans: list[tuple[int, int]] = []
    for hit in _AT.finditer(folded):
        if not (_DOMAIN_SAID if hit.group() == "at" else _WORD_NEXT).match(folded, hit.end()):
            continue  # cheap check first: "at home", "a las" are not followed by "word dot word"
        if hit.group() == "at" and not _EMAIL_CUE.search(folded, max(0, hit.start() - 60), hit.start()):
            continue  # "I paid at walmart dot com": an English "at" is an address only after "email", "mail"...
        base = max(0, hit.start() - _LEFT_WINDOW)
        tokens = tokenize(text[base : hit.end() + _RIGHT_WINDOW], folded[base : hit.end() + _RIGHT_WINDOW])
        i = next((k for k, t in enumerate(tokens) if t.start == hit.start() - base), None)
        span = None if i is None else _address_around(tokens, i)
        if span is not None:
            spans.append((base + span[0], base + span[1]))
    return spans


def _address_around(tokens: list[Token], i: int) -> tuple[int, int] | None:
    n = len(tokens)
    tok = tokens[i]
    # right side: word (dot word)* ending at a top-level domain ("arroba" needs one word at least)
    j, end_tld, end_any = i + 1, None, None
    steps = 0
    while j < n and tokens[j].norm.isalnum() and steps < 6:
        if tokens[j].norm in _EMAIL_STOP and not (j > i + 1 and tokens[j].norm in _TLDS):
            break  # "es" ends the address unless it is the top-level domain after a dot
        end_any = end_any or j
        if j > i + 1 and tokens[j].norm in _TLDS:
            end_tld = j
        if j + 1 < n and tokens[j + 1].norm in _SPOKEN_DOT:
            j += 2
            steps += 1
            continue
        break
    last = end_tld if end_tld is not None else (end_any if tok.norm == "arroba" else None)
    if last is None:
        return None
    # left side: name words, spelled letters, numbers and "punto"/"guion bajo", back to a stop word
    k, first, words = i - 1, None, 0
    while k >= 0 and words < _MAX_LOCAL_WORDS:
        norm = tokens[k].norm
        if norm in _SPOKEN_JOIN and first is not None:
            k -= 1
            continue
        if not norm.isalnum() or norm in _EMAIL_STOP:
            break
        first = k
        words += 1
        k -= 1
    if first is None:
        return None
    return tokens[first].start, tokens[last].end
