"""Word tables of the text analysis (:mod:`compliance_rules.text`): chat shorthand, fillers, clitics, masked words."""

from __future__ import annotations

# Chat and SMS shorthand, expanded before matching. Keys are normalised
# (lower case, no accents) single tokens.
CHAT_ES = {
    "q": "que",
    "k": "que",
    "xq": "porque",
    "pq": "porque",
    "porq": "porque",
    "xk": "porque",
    "x": "por",
    "tb": "tambien",
    "tmb": "tambien",
    "d": "de",
    "dl": "del",
    "pa": "para",
    "msj": "mensaje",
    "bn": "bien",
    "hdp": "hijo de puta",
    "hp": "hijueputa",
    "ptm": "puta madre",
    "ud": "usted",
    "uds": "ustedes",
    "vd": "usted",
    "sr": "senor",
    "sra": "senora",
    "tqm": "",
    "porfa": "por favor",
    "xfa": "por favor",
    "pls": "por favor",
    "nd": "nada",
    "ntp": "no te preocupes",
}
CHAT_EN = {
    "u": "you",
    "ur": "your",
    "r": "are",
    "y": "why",
    "pls": "please",
    "plz": "please",
    "b4": "before",
    "2day": "today",
    "2morrow": "tomorrow",
    "tmrw": "tomorrow",
    "tmr": "tomorrow",
    "cuz": "because",
    "bc": "because",
    "coz": "because",
    "gonna": "going to",
    "wanna": "want to",
    "gotta": "got to",
    "dont": "do not",
    "wont": "will not",
    "cant": "can not",
    "didnt": "did not",
    "doesnt": "does not",
    "isnt": "is not",
    "im": "i am",
    "youre": "you are",
    "thats": "that is",
    "ya": "you",
    "n": "and",
    "thx": "thanks",
    "msg": "message",
    "acct": "account",
    "bal": "balance",
    "amt": "amount",
    "asap": "as soon as possible",
    "wtf": "what the fuck",
    "stfu": "shut the fuck up",
    "pos": "piece of shit",
}
# Spoken hesitations that ASR keeps and that would break adjacency in patterns.
FILLERS = {
    "es": frozenset({"eh", "ehh", "em", "emm", "mm", "mmm", "hmm", "osea", "pues", "bueno", "ah", "aja", "mhm"}),
    "en": frozenset({"uh", "um", "umm", "uhh", "er", "erm", "hmm", "mm", "mmm", "ah", "mhm"}),
}
# English clitics as spaCy's tokenizer splits them ("won't" -> "wo" + "n't").
EN_CLITICS = {"n't": "not", "'ll": "will", "'re": "are", "'ve": "have", "'m": "am", "'d": "would"}
# The same clitics typed without the apostrophe ("doesnt", "youre"), which the
# tokenizer also splits off; they only count when glued to the word before.
EN_BARE_CLITICS = {"nt": "not", "re": "are", "ve": "have", "m": "am", "ll": "will"}
EN_CLITIC_HOSTS = {"wo": "will", "ca": "can", "ai": "is", "sha": "shall"}
# Words that chat writers mask with asterisks ("p*ta", "h*ev*n", "f*cking"):
# a masked token is read as the first of these it can stand for.
MASKABLE = {
    "es": """hijueputa hijoputa puta puto putas mierda pendejo pendeja pendejos huevon huevona guevon marica maricon malparido
    malparida cabron cabrona carajo verga chingada chingado chingar culero culera gonorrea conchesumadre culiao weon aweonao
    pelotudo pelotuda boludo boluda imbecil idiota estupido estupida""".split(),
    "en": """fucking fucker fucked fuck motherfucker shit shitty bullshit bitch bastard asshole dumbass jackass cunt dick prick
    damn goddamn idiot moron stupid retard""".split(),
}
