"""Check training-corpus files against the authoring brief's format (``AUTHORING.md``).

Usage: python3 compliance_rules/training/check_corpus.py FILE.jsonl [...]
Prints one line per problem (file, line, reason) and the counts per label. Needs only the
standard library, so authors can run it without installing the project.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from compliance_rules.learned.corpus_format import record_problems  # noqa: E402


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
                issues = record_problems(record)
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
