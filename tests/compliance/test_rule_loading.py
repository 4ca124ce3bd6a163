"""A broken rule pack fails loudly, naming the file, the rule and the fix."""

import shutil

import pytest

from compliance_rules import PACKS_DIR, RuleError, Scanner
from compliance_rules.lexicon import LEXICON_DIR, LexiconError

# The CO hours rule with the windows its pack manifest gives it written out, so the cases below can break them.
WINDOWS = '  windows: {mon: "07:00-19:00", tue: "07:00-19:00", wed: "07:00-19:00", thu: "07:00-19:00", fri: "07:00-19:00", '
HOURS = (
    (PACKS_DIR / "CO" / "hours.yaml")
    .read_text(encoding="utf-8")
    .replace("detector: off_hours.v1\n", "detector: off_hours.v1\nparams:\n" + WINDOWS + 'sat: "08:00-15:00", sun: null}\n')
)


def _pack(tmp_path, text: str):
    folder = tmp_path / "packs" / "CO"
    folder.mkdir(parents=True)
    shutil.copy(PACKS_DIR / "CO" / "pack.yaml", folder / "pack.yaml")
    (folder / "rule.yaml").write_text(text, encoding="utf-8")
    return tmp_path / "packs"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (HOURS.replace("family: off_hours", "family: harassment"), "family"),
        (HOURS.replace("sun: null}", "}"), "windows lacks day(s) ['sun']"),
        (HOURS.replace("detector: off_hours.v1", "detector: magic.v9"), "unknown detector 'magic.v9'"),
        (HOURS.replace("id: CO-L2300-art3-contact-hours", "id: MX-hours"), "does not start with its pack's country"),
        (HOURS.split("  lawful:")[0], "lawful"),
        ("id: [unclosed", "not valid YAML"),
    ],
)
def test_bad_rule_files_name_the_file_and_the_problem(tmp_path, text, message):
    packs = _pack(tmp_path, text)
    with pytest.raises(RuleError) as excinfo:
        Scanner.load(packs_dir=packs)
    assert "rule.yaml" in str(excinfo.value) and message in str(excinfo.value)


def test_duplicate_rule_ids_are_rejected(tmp_path):
    packs = _pack(tmp_path, HOURS)
    shutil.copy(packs / "CO" / "rule.yaml", packs / "CO" / "copy.yaml")
    with pytest.raises(RuleError, match="already defined"):
        Scanner.load(packs_dir=packs)


def test_bad_pattern_names_the_lexicon(tmp_path):
    lexicons = tmp_path / "lexicons"
    shutil.copytree(LEXICON_DIR, lexicons)
    (lexicons / "broken.yaml").write_text(
        "- name: broken\n  description: x\n  es:\n    patterns: ['(carcel|prision']\n", encoding="utf-8"
    )
    with pytest.raises(LexiconError, match="lexicon 'broken' \\(es\\): unbalanced"):
        Scanner.load(lexicon_dir=lexicons)


def test_rule_pack_version_changes_with_the_files(tmp_path):
    packs = _pack(tmp_path, HOURS)
    before = Scanner.load(packs_dir=packs).version
    (packs / "CO" / "rule.yaml").write_text(HOURS.replace("07:00-19:00", "07:30-19:00"), encoding="utf-8")
    assert Scanner.load(packs_dir=packs).version != before
