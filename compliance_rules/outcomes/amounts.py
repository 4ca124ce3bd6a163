"""Money amounts as people say and type them in collection contacts, Spanish and English.

Numbers in words go through ``text2num`` (``alpha2digit``: "dos millones trescientos mil" →
2300000, "one fifty" → "1 50"); what it leaves is read here: each country's thousands and
decimal separators ("1.250.000", "$1,250.50", "75.500,50"), multiplier words ("200 mil",
"dos palos", "quinientas lucas", "2k", "a grand"), and the spoken price form "two fifty" (250)
or "nine ninety nine fifty" (999.50). Years, clock times, days of the month, percentages and
phone numbers are not amounts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from text_to_num import alpha2digit

from compliance_rules.text import strip_accents

#: The currency a bare "$" or "pesos" means in each country.
LOCAL_CURRENCY = {"US": "USD", "CO": "COP", "MX": "MXN", "PE": "PEN", "CL": "CLP", "AR": "ARS"}
# Countries that write "1.250.000,50"; the others write "1,250,000.50".
_DOT_THOUSANDS = frozenset({"CO", "CL", "AR", "PE"})
_SMALL = {
    "un": 1, "una": 1, "uno": 1, "a": 1, "one": 1, "dos": 2, "two": 2, "tres": 3, "three": 3, "cuatro": 4, "four": 4,
    "cinco": 5, "five": 5, "seis": 6, "six": 6, "siete": 7, "seven": 7, "ocho": 8, "eight": 8, "nueve": 9, "nine": 9,
    "diez": 10, "ten": 10, "medio": 0.5, "half": 0.5,
}  # fmt: skip
_MULTIPLIERS = {
    "mil": 1_000,
    "k": 1_000,
    "thousand": 1_000,
    "grand": 1_000,
    "lucas": 1_000,
    "barras": 1_000,
    "barra": 1_000,
    "luca": 1_000,
    "palos": 1_000_000,
    "palo": 1_000_000,
    "millon": 1_000_000,
    "millones": 1_000_000,
    "million": 1_000_000,
    "millions": 1_000_000,
    "m": 1_000_000,
}
_CURRENCY_WORDS = {
    "dolares": "USD",
    "dolar": "USD",
    "dollars": "USD",
    "dollar": "USD",
    "bucks": "USD",
    "usd": "USD",
    "soles": "PEN",
    "sol": "PEN",
    "pen": "PEN",
    "cop": "COP",
    "mxn": "MXN",
    "clp": "CLP",
    "ars": "ARS",
}
_NUMBER = r"\d{1,3}(?:[.,']\d{3})+(?:[.,]\d{1,2})?|\d+(?:[.,]\d{1,2})?"
_TOKEN = re.compile(
    rf"(?P<cur>us\$|s/\.?|\$|usd|cop|mxn|clp|ars|pen)?\s?(?P<num>{_NUMBER})(?P<suffix>\s?(?:k|m)\b)?"
    rf"(?:\s(?P<more>\d{{2}})(?:\s(?P<cents>\d{{2}}))?)?",
)
_MONTHS = (
    "enero febrero marzo abril mayo junio julio agosto septiembre setiembre octubre noviembre diciembre "
    "january february march april may june july august september october november december jan feb mar apr jun jul aug "
    "sep sept oct nov dec"
).split()
_NOT_AFTER = {
    "las", "la", "at", "el", "the", "dia", "day", "de", "del", "of", "on", "quincena", "first",
    "lunes", "martes", "miercoles", "jueves", "viernes", "sabado", "domingo",
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
}  # fmt: skip
_NOT_BEFORE = {
    "%", "por", "porciento", "percent", "am", "pm", "hrs", "horas", "hours", "dias", "days", "semanas", "weeks",
    "pagos", "cuotas", "payments", "installments", "meses", "months", "veces", "times", "anos", "years",
}  # fmt: skip
# Where a bare number is in thousands: nobody pays 300 Colombian, Chilean or Argentine pesos ("las trescientas").
_THOUSANDS_CURRENCIES = frozenset({"COP", "CLP", "ARS"})
_YEAR_BEFORE = {"en", "in", "del", "de", "desde", "since", "ano", "year", "from", "of"}


@dataclass(frozen=True)
class Amount:
    value: float
    currency: str | None  # ISO 4217 when the words or the country say it
    start: int  # span in the normalised text
    end: int


def normalise(text: str, language: str) -> str:
    """Lower case, accents folded, numbers in words as digits."""
    folded = strip_accents(text.lower())
    # "200 mil" stays a multiplier: text2num would read the lone "mil" as a second number (200 1000).
    protected = re.sub(r"(?<=\d) (mil|thousand)\b", r" q\1q", folded)
    protected = re.sub(r"\b(unos|unas)\b", "aprox", protected)  # "unos cien mil": about, not one
    try:
        converted = alpha2digit(protected, "es" if language == "es" else "en")
    except (ValueError, IndexError):  # text2num raises on some malformed sequences; keep the words then
        converted = protected
    return _spoken_forms(_million_and_more(folded, re.sub(r"\bq(mil|thousand)q\b", r"\1", converted)))


# Spoken forms text2num leaves in pieces, rewritten as one number.
_SPOKEN = (
    (re.compile(r"\b(?:un |el )?(?:palo|millon) y medio\b"), lambda m: "1500000"),
    (re.compile(r"\b(\d+)000000 y medio\b"), lambda m: str(int(m.group(1)) * 1_000_000 + 500_000)),
    (re.compile(r"\bmedio (?:palo|millon)\b"), lambda m: "500000"),
    # "un palo ochocientos", "el millon ochocientos": one million and so many thousands
    (
        re.compile(r"\b(?:un |el )?(?:palo|millon) (\d{1,3})\b(?! ?(?:mil|\d))"),
        lambda m: str(1_000_000 + int(m.group(1)) * 1_000),
    ),
    # "mil 200": 1200
    (re.compile(r"(?<![\d.,])\b1000 (\d{1,3})\b(?! ?(?:mil|\d))"), lambda m: str(1000 + int(m.group(1)))),
    # "cuatrocientos 50 mil": 450 mil
    (re.compile(r"\b([1-9]00) ([1-9]\d?) mil\b"), lambda m: f"{int(m.group(1)) + int(m.group(2))} mil"),
)


def _spoken_forms(text: str) -> str:
    for pattern, replace in _SPOKEN:
        text = pattern.sub(replace, text)
    return text


def _million_and_more(words: str, digits: str) -> str:
    # "un millon doscientos" is 1.2 million in speech; text2num reads 1000200.
    if "millon" not in words:
        return digits

    def fix(match: re.Match) -> str:
        value = int(match.group(0))
        millions, rest = divmod(value, 1_000_000)
        return str(millions * 1_000_000 + rest * 1_000) if millions and 0 < rest < 1_000 else match.group(0)

    return re.sub(r"\d{7,}", fix, digits)


def _parse_number(raw: str, jurisdiction: str) -> float | None:
    raw = raw.replace("'", ",")
    dots, commas = raw.count("."), raw.count(",")
    if dots and commas:
        decimal = "." if raw.rfind(".") > raw.rfind(",") else ","
    elif dots or commas:
        sep = "." if dots else ","
        tail = raw.rsplit(sep, 1)[1]
        if (dots + commas) > 1 or len(tail) == 3:
            decimal = "," if sep == "." else "."  # grouping only
            if len(tail) != 3:
                return None
        else:
            decimal = sep
    else:
        return float(raw)
    thousands = "," if decimal == "." else "."
    try:
        return float(raw.replace(thousands, "").replace(decimal, "."))
    except ValueError:
        return None


def amounts_in(text: str, language: str, jurisdiction: str) -> list[Amount]:
    """Every money amount in ``text`` (the raw turn), in order."""
    norm = normalise(text, language)
    country = jurisdiction.split("-")[0]
    found: list[Amount] = []
    for match in _TOKEN.finditer(norm):
        start = match.start("cur") if match.group("cur") else match.start("num")
        end = match.end()
        if (start and norm[start - 1].isalnum()) or (end < len(norm) and norm[end].isalnum() and not match.group("suffix")):
            continue
        before = norm[:start].split()[-1:] or [""]
        after = norm[end:].split()[:2]
        cur = match.group("cur")
        value = _parse_number(match.group("num"), country)
        if value is None:
            continue
        if (
            match.group("more")
            and language == "en"
            and not cur
            and value < 100
            and "." not in match.group("num")
            and "," not in match.group("num")
        ):
            # "two fifty" -> "2 50": 250; "nine ninety nine fifty" -> "9 99 50": 999.50
            value = value * 100 + int(match.group("more"))
            if match.group("cents"):
                value += int(match.group("cents")) / 100
        elif match.group("more"):
            end = match.start("more") - 1
        if not cur and _looks_like_other_number(norm, start, end, before[0], after, value):
            continue
        suffix = (match.group("suffix") or "").strip()
        multiplier_word = suffix or (after[0] if after else "")
        multiplier_word = multiplier_word.strip(".,;:!?")
        if multiplier_word in _MULTIPLIERS:
            value *= _MULTIPLIERS[multiplier_word]
            if not suffix:
                end = norm.find(multiplier_word, end) + len(multiplier_word)
            if multiplier_word in ("mil", "thousand") and len(after) > 1 and after[1].strip(".,") in ("millones", "million"):
                value *= 1_000_000 / 1_000
        currency = _currency(cur, norm[end : end + 20], country, multiplier_word)
        if currency in _THOUSANDS_CURRENCIES and value < 1000 and multiplier_word not in _MULTIPLIERS:
            value *= 1000
        found.append(Amount(round(value, 2), currency, start, end))
    found.extend(_word_multipliers(norm, country, found))
    found.sort(key=lambda a: a.start)
    return found


def _word_multipliers(norm: str, country: str, taken: list[Amount]) -> list[Amount]:
    """Small numbers left as words before a multiplier: "dos palos", "medio millon", "a grand"."""
    out = []
    for match in re.finditer(r"\b(" + "|".join(_SMALL) + r")\s+(" + "|".join(_MULTIPLIERS) + r")\b", norm):
        if any(a.start <= match.start() < a.end for a in taken):
            continue
        word, multiplier = match.group(1), match.group(2)
        if multiplier in ("m", "k") or (word == "a" and multiplier != "grand"):
            continue
        value = _SMALL[word] * _MULTIPLIERS[multiplier]
        out.append(Amount(value, _currency(None, norm[match.end() : match.end() + 20], country, multiplier), *match.span()))
    return out


def _looks_like_other_number(norm: str, start: int, end: int, before: str, after: list[str], value: float) -> bool:
    nxt = after[0].strip(".,;:!?") if after else ""
    if (before in _NOT_AFTER and value <= 31) or nxt in _NOT_BEFORE or nxt in _MONTHS or before in _MONTHS:
        return True
    if norm[end : end + 1] in ("%", ":", "/") or norm[max(0, start - 1) : start] in ("/", ":", "#"):
        return True
    if nxt in ("de",) and len(after) > 1 and after[1].strip(".,") in _MONTHS:
        return True
    if re.fullmatch(r"(19|20)\d\d", norm[start:end]) and (before in _YEAR_BEFORE or nxt in ("", ".", ",")):
        return True  # a year
    digits = re.sub(r"\D", "", norm[start:end])
    return len(digits) >= 8 and not re.search(r"[.,]", norm[start:end])  # a phone, account or card number


def _currency(symbol: str | None, following: str, country: str, multiplier: str) -> str | None:
    words = re.findall(r"[a-z]+", following)[:2]
    for word in words:
        if word in _CURRENCY_WORDS:
            return _CURRENCY_WORDS[word]
        if word == "pesos":
            return LOCAL_CURRENCY.get(country) if country != "US" else "MXN"
    if symbol:
        if symbol.startswith("s/") or symbol == "pen":
            return "PEN"
        if symbol in ("us$", "usd"):
            return "USD"
        if symbol != "$":
            return symbol.upper()
    if multiplier in ("lucas", "luca", "palos", "palo"):
        return LOCAL_CURRENCY.get(country)
    return LOCAL_CURRENCY.get(country)
