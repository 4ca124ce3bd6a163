"""The authored corpus's line format, checked with the standard library only.

Authors run ``compliance_rules/training/check_corpus.py`` (plain ``python3``, no project
install) on their files; ``qa train`` reads the same rules through
:mod:`compliance_rules.learned.corpus`.
"""

from __future__ import annotations

FAMILY_NAMES = ("threat", "abusive_language", "false_claim", "third_party_disclosure", "cease_violation")
PARTIES = ("consumer", "unconfirmed", "third_party", "spouse", "guarantor", "voicemail")
REQUESTS = ("stop", "attorney", "dispute", "channel")
_CHOICES = {
    "language": {"es", "en"},
    "jurisdiction": {"US", "CO", "MX", "PE", "CL", "AR"},
    "channel": {"call", "chat", "sms", "email"},
    "style": {"clean", "asr", "chat"},
    "party": set(PARTIES),
    "previous_speaker": {"consumer", "other", "agent", "none"},
}
_FIELDS = {
    "id": str,
    "language": str,
    "jurisdiction": str,
    "channel": str,
    "style": str,
    "party": str,
    "requests": list,
    "previous_speaker": str,
    "previous": str,
    "text": str,
    "labels": list,
    "hard_negative": bool,
    "tactic": str,
}


def record_problems(record: object) -> list[str]:
    """What is wrong with one authored record (empty when it fits the format)."""
    if not isinstance(record, dict):
        return ["not a JSON object"]
    found = []
    for name, kind in _FIELDS.items():
        if not isinstance(record.get(name), kind):
            found.append(f"field {name!r} missing or not {kind.__name__}")
    for name, allowed in _CHOICES.items():
        if isinstance(record.get(name), str) and record[name] not in allowed:
            found.append(f"{name}={record[name]!r} not one of {sorted(allowed)}")
    if isinstance(record.get("labels"), list) and not set(map(str, record["labels"])) <= set(FAMILY_NAMES):
        found.append(f"unknown label in {record['labels']}")
    if isinstance(record.get("requests"), list) and not set(map(str, record["requests"])) <= set(REQUESTS):
        found.append(f"unknown request in {record['requests']}")
    if record.get("hard_negative") is True and record.get("labels"):
        found.append("hard_negative with labels")
    if isinstance(record.get("text"), str) and not record["text"].strip():
        found.append("empty text")
    return found
