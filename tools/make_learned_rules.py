"""Write the learned rules (``classifier.v1``) of every pack, with examples the shipped model passes.

Run after ``qa train`` whenever the model changes:  python tools/make_learned_rules.py

For each pack and turn-level family the pack covers, the rule takes the citation and status
of the pack's own hand-written rule for that family. Its examples come from
``tools/learned_examples.yaml``: the first three violating candidates that the learned rule
flags while no hand-written rule of the family fires on that turn, and the first two lawful
candidates on which no rule of the family fires. A rule with too few passing candidates is
reported and left out.
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from compliance_rules import Scanner  # noqa: E402
from compliance_rules.catalog import PACKS_DIR, load_rule_specs  # noqa: E402
from compliance_rules.examples import example_interactions  # noqa: E402
from compliance_rules.schema import ExampleInteraction  # noqa: E402

SUFFIX = {
    "threat": "threat",
    "abusive_language": "abusive",
    "false_claim": "false-claim",
    "third_party_disclosure": "third-party",
    "cease_violation": "cease",
}
TITLE = {
    "threat": ("Amenaza reconocida por el modelo aprendido", "Threat recognised by the learned model"),
    "abusive_language": (
        "Lenguaje ofensivo reconocido por el modelo aprendido",
        "Abusive language recognised by the learned model",
    ),
    "false_claim": ("Afirmación falsa reconocida por el modelo aprendido", "False claim recognised by the learned model"),
    "third_party_disclosure": (
        "Revelación a terceros reconocida por el modelo aprendido",
        "Third-party disclosure recognised by the learned model",
    ),
    "cease_violation": (
        "Cobro tras pedido de cese reconocido por el modelo aprendido",
        "Collecting after a cease request, recognised by the learned model",
    ),
}
MESSAGE = {
    "threat": (
        "El modelo aprendido reconoce una amenaza o intimidación (daño, cárcel, embargo sin orden, exposición, "
        "represalias contra la familia o el trabajo).",
        "The learned model recognises a threat or intimidation (harm, jail, seizure without an order, exposure, "
        "reprisals through family or work).",
    ),
    "abusive_language": (
        "El modelo aprendido reconoce insultos, groserías o humillación del gestor hacia el consumidor.",
        "The learned model recognises insults, profanity or humiliation of the consumer by the collector.",
    ),
    "false_claim": (
        "El modelo aprendido reconoce una afirmación falsa o engañosa sobre autoridad, proceso judicial, monto, "
        "cargos o efectos de la deuda.",
        "The learned model recognises a false or misleading statement about authority, legal process, amount, "
        "fees or consequences of the debt.",
    ),
    "third_party_disclosure": (
        "El modelo aprendido reconoce que el gestor revela la deuda o presiona a alguien que no es el consumidor confirmado.",
        "The learned model recognises the collector revealing the debt to, or pressing, someone who is not the "
        "confirmed consumer.",
    ),
    "cease_violation": (
        "El modelo aprendido reconoce que el gestor sigue cobrando después de que el consumidor pidió cesar, dijo "
        "tener abogado o disputó la deuda.",
        "The learned model recognises the collector pressing for payment after the consumer asked to stop, named "
        "a lawyer or disputed the debt.",
    ),
}
OPENER = {
    "es": "agent: Buenas tardes, ¿me comunica con el señor Ibáñez?",
    "en": "agent: Good afternoon, may I speak with Robin Hale?",
}
CONFIRM = {
    "es": ["agent: Buenos días, ¿hablo con la señora Quintero?", "consumer: Sí, con ella."],
    "en": ["agent: Good morning, is this Casey Lund?", "consumer: Yes, this is Casey."],
}


def candidates(family: str, language: str, kind: str) -> list[str | ExampleInteraction]:
    data = yaml.safe_load((ROOT / "tools" / "learned_examples.yaml").read_text(encoding="utf-8"))[family][language]
    if family == "third_party_disclosure":
        others = data["violating"]
        return [
            {"turns": [OPENER[language], others[n % len(others)], f"agent: {line}"]}
            for n, line in enumerate(data[f"agent_{kind}"])
        ]
    if family == "cease_violation":
        requests = data["request"]
        return [
            {"turns": [*CONFIRM[language], requests[n % len(requests)], f"agent: {line}"]}
            for n, line in enumerate(data[f"agent_{kind}"])
        ]
    return list(data[kind])


def rule_document(jurisdiction: str, family: str, source, violating: list, lawful: list) -> dict:  # noqa: ANN001
    title, message = TITLE[family], MESSAGE[family]
    lexicons = sorted({name for spec in source for name in spec.params.get("lexicons", [])} if source else set())
    return {
        "id": f"{jurisdiction}-ML-{SUFFIX[family]}",
        "family": family,
        "severity": "major",
        "status": source[0].status,
        "citation": source[0].citation,
        "title": {"es": title[0], "en": title[1]},
        "message": {"es": message[0], "en": message[1]},
        "detector": "classifier.v1",
        "params": {
            "model": "turn_classifier",
            "lexicons": lexicons if family in ("threat", "abusive_language", "false_claim") else [],
        },
        "examples": {"violating": violating, "lawful": lawful},
    }


def main() -> int:
    specs = [s for s in load_rule_specs() if s.detector != "classifier.v1"]
    plan = {}
    for pack in sorted(p.name for p in PACKS_DIR.iterdir() if p.is_dir()):
        if "-" in pack:
            continue  # subdivision add-ons inherit the country's learned rules
        for family in SUFFIX:
            source = [s for s in specs if s.jurisdiction == pack and s.family.value == family]
            if source:
                plan[(pack, family)] = source
    language = {pack: "en" if pack == "US" else "es" for pack, _ in plan}
    # First pass: every candidate as an example, so the scanner can load the rules.
    for (pack, family), source in plan.items():
        lang = language[pack]
        doc = rule_document(pack, family, source, candidates(family, lang, "violating"), candidates(family, lang, "lawful"))
        _write(pack, family, doc)
    scanner = Scanner.load()
    rules = {r.id: r for r in scanner.rules}
    failures = 0
    for (pack, family), source in plan.items():
        rule = rules[f"{pack}-ML-{SUFFIX[family]}"]
        kept = {"violating": [], "lawful": []}
        for kind, need in (("violating", 3), ("lawful", 2)):
            for n, example in enumerate(getattr(rule.examples, kind)):
                interactions = example_interactions(rule, example, f"{rule.id}-{kind}-{n}")
                target = interactions[-1]
                last = len(target.turns) - 1
                found = [f for f in scanner.scan(interactions) if f.interaction_id == target.id and f.family.value == family]
                mine = [f for f in found if f.rule_id == rule.id and f.turn == last]
                others = [f for f in found if f.rule_id != rule.id]
                ok = (mine and not others) if kind == "violating" else not found
                if ok and len(kept[kind]) < need:
                    kept[kind].append(example if isinstance(example, str) else example.model_dump(exclude_defaults=True))
        if len(kept["violating"]) < 3 or len(kept["lawful"]) < 2:
            print(
                f"{rule.id}: only {len(kept['violating'])} violating / {len(kept['lawful'])} lawful candidates pass; left out",
                file=sys.stderr,
            )
            (PACKS_DIR / pack / f"learned-{SUFFIX[family]}.yaml").unlink()
            failures += 1
            continue
        doc = rule_document(pack, family, source, kept["violating"], kept["lawful"])
        _write(pack, family, doc)
    return 1 if failures else 0


def _write(pack: str, family: str, doc: dict) -> None:
    path = PACKS_DIR / pack / f"learned-{SUFFIX[family]}.yaml"
    header = "# Written by tools/make_learned_rules.py from the trained model and tools/learned_examples.yaml.\n"
    path.write_text(header + yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=120), encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
