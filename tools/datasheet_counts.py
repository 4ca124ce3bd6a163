"""Rewrite the counts section of ``compliance_rules/training/DATASHEET.md`` from the corpus itself.

    python tools/datasheet_counts.py

Everything between the ``<!-- counts -->`` and ``<!-- /counts -->`` markers is replaced.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from compliance_rules.learned.corpus import DEFAULT_MANIFEST, FAMILY_NAMES, load_corpus  # noqa: E402

DATASHEET = DEFAULT_MANIFEST.parent / "DATASHEET.md"


def _table(title: str, rows: list[str], columns: list[str], cell) -> list[str]:  # noqa: ANN001
    out = [f"| {title} | " + " | ".join(columns) + " | total |", "|---" * (len(columns) + 2) + "|"]
    for row in rows:
        values = [cell(row, c) for c in columns]
        out.append(f"| {row} | " + " | ".join(str(v) for v in values) + f" | {sum(values)} |")
    return out


def counts_markdown() -> str:
    corpus = load_corpus()
    authored = [e for e in corpus.examples if e.source == "authored"]
    labelled = [e for e in corpus.examples if e.source == "labelled"]
    lines = [
        f"Data version `{corpus.data_version}`: {len(corpus.examples)} collector turns, {len(authored)} authored and "
        f"{len(labelled)} cut from the labelled interaction sets. "
        f"Records refused or relabelled on reading: {len(corpus.problems)}.",
        "",
        "Authored turns per label, language and style (a turn may carry two labels; `compliant` counts turns without one):",
        "",
    ]

    def label_of(e):  # noqa: ANN001, ANN202
        return [f for f in FAMILY_NAMES if e.labels.get(f)] or ["compliant"]

    keys = [f"{lang} · {style}" for lang in ("es", "en") for style in ("clean", "asr", "chat")]
    grid = Counter((label, f"{e.language} · {e.style}") for e in authored for label in label_of(e))
    lines += _table("label", [*FAMILY_NAMES, "compliant"], keys, lambda r, c: grid[(r, c)])
    hard = sum(e.hard_negative for e in authored)
    lines += ["", f"Hard negatives: {hard} of {len(authored)} authored turns ({hard / max(1, len(authored)):.0%}).", ""]
    juris = ["US", "CO", "MX", "PE", "CL", "AR"]
    grid = Counter((label, e.jurisdiction) for e in authored for label in label_of(e))
    lines += ["Authored turns per label and jurisdiction:", ""]
    lines += _table("label", [*FAMILY_NAMES, "compliant"], juris, lambda r, c: grid[(r, c)])
    authors = sorted({e.group.split("/")[1] for e in authored})
    grid = Counter((e.group.split("/")[1], label) for e in authored for label in label_of(e))
    lines += ["", "Authored turns per author and label:", ""]
    lines += _table("author", authors, [*FAMILY_NAMES, "compliant"], lambda r, c: grid[(r, c)])
    parties = Counter(e.party for e in authored)
    requests = Counter(r for e in authored for r in e.requests)
    lines += ["", "Dialogue state of authored turns: " + ", ".join(f"{p} {n}" for p, n in parties.most_common())
              + "; standing requests: " + ", ".join(f"{r} {n}" for r, n in requests.most_common()) + "."]  # fmt: skip
    grid = Counter(label for e in labelled for label in label_of(e))
    lines += [
        "",
        "Turns cut from the labelled interaction sets: "
        + ", ".join(f"{k} {grid[k]}" for k in [*FAMILY_NAMES, "compliant"])
        + ".",
    ]
    return "\n".join(lines)


def main() -> int:
    text = DATASHEET.read_text(encoding="utf-8")
    head, sep, rest = text.partition("<!-- counts -->")
    _, sep2, tail = rest.partition("<!-- /counts -->")
    if not sep or not sep2:
        print(f"{DATASHEET}: counts markers missing", file=sys.stderr)
        return 1
    DATASHEET.write_text(f"{head}<!-- counts -->\n{counts_markdown()}\n<!-- /counts -->{tail}", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
