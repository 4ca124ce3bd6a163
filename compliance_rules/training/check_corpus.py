"""Check a training-corpus file against the authoring brief's schema.

Usage: python compliance_rules/training/check_corpus.py FILE.jsonl [...]
Prints one line per problem (file, line, reason) and per-label counts.
"""

from __future__ import annotations

import json
import sys
from collections import Counter

FIELDS = {
    "id": str, "language": str, "jurisdiction": str, "channel": str, "style": str, "party": str,
    "requests": list, "previous_speaker": str, "previous": str, "text": str, "labels": list,
    "hard_negative": bool, "tactic": str,
}
CHOICES = {
    "language": {"es", "en"},
    "jurisdiction": {"US", "CO", "MX", "PE", "CL", "AR"},
    "channel": {"call", "chat", "sms", "email"},
    "style": {"clean", "asr", "chat"},
    "party": {"consumer", "unconfirmed", "third_party", "spouse", "guarantor", "voicemail"},
    "previous_speaker": {"consumer", "other", "agent", "none"},
}
LABELS = {"threat", "abusive_language", "false_claim", "third_party_disclosure", "cease_violation"}
REQUESTS = {"stop", "attorney", "dispute", "channel"}


def problems(record: object) -> list[str]:
    if not isinstance(record, dict):
        return ["not a JSON object"]
    found = []
    for name, kind in FIELDS.items():
        if not isinstance(record.get(name), kind):
            found.append(f"field {name!r} missing or not {kind.__name__}")
    for name, allowed in CHOICES.items():
        if isinstance(record.get(name), str) and record[name] not in allowed:
            found.append(f"{name}={record[name]!r} not one of {sorted(allowed)}")
    if isinstance(record.get("labels"), list) and not set(record["labels"]) <= LABELS:
        found.append(f"unknown label in {record['labels']}")
    if isinstance(record.get("requests"), list) and not set(record["requests"]) <= REQUESTS:
        found.append(f"unknown request in {record['requests']}")
    if record.get("hard_negative") is True and record.get("labels"):
        found.append("hard_negative with labels")
    if isinstance(record.get("text"), str) and not record["text"].strip():
        found.append("empty text")
    return found


def main(paths: list[str]) -> int:
    counts: Counter[str] = Counter()
    seen: set[str] = set()
    bad = 0
    for path in paths:
        with open(path, encoding="utf-8") as handle:
            for number, line in enumerate(handle, 1):
                if not line.strip():
                    continue
                try:
                    record = json.loads(line)
                except json.JSONDecodeError as exc:
                    print(f"{path}:{number}: invalid JSON ({exc})")
                    bad += 1
                    continue
                issues = problems(record)
                if isinstance(record, dict) and record.get("id") in seen:
                    issues.append(f"duplicate id {record.get('id')}")
                if isinstance(record, dict):
                    seen.add(record.get("id"))
                for issue in issues:
                    print(f"{path}:{number}: {issue}")
                bad += bool(issues)
                if not issues:
                    counts["lines"] += 1
                    counts["hard_negative"] += record["hard_negative"]
                    counts["compliant"] += not record["labels"]
                    for label in record["labels"]:
                        counts[label] += 1
    print(dict(counts), f"bad lines: {bad}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
