"""The docs and the CLI's help as contracts.

- every ``qa`` command, group and parameter has help in English and Spanish ("English / Español",
  or an English paragraph then a Spanish one);
- every ``qa`` command, subcommand and ``--option`` the docs (README.md, docs/*.md) show exists;
- every repository file or folder the docs name in code spans or links exists;
- the detector table of docs/rules.md is the detector registry;
- the README's rule and pack counts are what ``qa rules`` lists.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

ROOT = Path(__file__).resolve().parents[1]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
# Top-level entries of the repository a doc may name; a code span starting with another word is not a path.
_TOP = ("compliance_rules/", "qa/", "dashboards/", "transcription/", "tests/", "docs/", "benchmarks/", "tools/", ".ci/")
_TOP_FILES = {"Makefile", "pyproject.toml", "README.md", "BENCHMARKS.md"}


@cache
def _cli():  # noqa: ANN202 - a click command tree built by Typer
    from qa.cli import _register_all, app

    _register_all()
    return typer.main.get_command(app)


def _walk(command, path: tuple[str, ...] = ("qa",)):  # noqa: ANN001, ANN202
    yield path, command
    for name, sub in sorted(getattr(command, "commands", {}).items()):
        yield from _walk(sub, (*path, name))


def _bilingual(text: str) -> bool:
    """Two non-empty, different halves: "English / Español", or an English paragraph then a Spanish one."""
    text = " ".join(text.split("\b")).strip()
    for separator in (" / ", "\n\n"):
        if separator in text:
            first, _, second = text.partition(separator)
            if first.strip() and second.strip() and first.strip().lower() != second.strip().lower():
                return True
    return False


def _cli_items() -> list[tuple[str, str]]:
    items = []
    for path, command in _walk(_cli()):
        items.append((" ".join(path), command.help or ""))
        for param in command.params:
            if param.name != "help":
                items.append((f"{' '.join(path)} <{param.name}>", getattr(param, "help", None) or ""))
    return items


def test_the_cli_has_its_commands() -> None:
    names = {" ".join(path) for path, _ in _walk(_cli())}
    assert {"qa scan", "qa eval", "qa rules", "qa ingest", "qa users add"} <= names
    assert len(names) >= 25


def test_every_command_and_parameter_has_help_in_english_and_spanish() -> None:
    missing = [f"{where}: {text!r}" for where, text in _cli_items() if not _bilingual(text)]
    assert not missing, "help without both languages:\n" + "\n".join(missing)


def _code(text: str) -> list[str]:
    """The fenced blocks and inline code spans of a Markdown text."""
    fenced = re.findall(r"```[^\n]*\n(.*?)```", text, flags=re.DOTALL)
    rest = re.sub(r"```[^\n]*\n.*?```", "", text, flags=re.DOTALL)
    return fenced + re.findall(r"`([^`\n]+)`", rest)


_QA_CALL = re.compile(r"(?<![\w/.-])(?:\.venv/bin/)?qa((?: +[a-z][a-z0-9-]*)+)((?: +[^\s|;&]+)*)")


def _doc_calls() -> list[tuple[str, str]]:
    """``(doc, command line)`` for every ``qa ...`` the docs show."""
    calls = []
    for doc in DOCS:
        for code in _code(doc.read_text(encoding="utf-8")):
            for line in code.replace(" / ", "\n").splitlines():
                for found in _QA_CALL.finditer(line.split("...")[0]):
                    calls.append((doc.name, ("qa" + found.group(1) + found.group(2)).strip()))
    return calls


def test_every_command_and_option_the_docs_show_exists() -> None:
    calls = _doc_calls()
    assert len(calls) >= 20, "expected the docs to show qa commands"
    wrong = []
    for doc, line in calls:
        words = line.split()[1:]
        command = _cli()
        shown = ["qa"]
        while words and getattr(command, "commands", None) is not None and not words[0].startswith("-"):
            name = words.pop(0)
            if name not in command.commands:
                wrong.append(f"{doc}: `{line}`: no command {' '.join(shown)} {name}")
                break
            command = command.commands[name]
            shown.append(name)
        else:
            options = {opt for param in command.params for opt in (*param.opts, *param.secondary_opts)}
            for word in words:
                option = word.split("=")[0]
                if re.fullmatch(r"--?[a-z][a-z0-9-]*", option) and option not in options:
                    wrong.append(f"{doc}: `{line}`: {' '.join(shown)} has no option {option}")
    assert not wrong, "\n".join(wrong)


def _named_paths(doc: Path) -> set[str]:
    text = doc.read_text(encoding="utf-8")
    names = set()
    for span in re.findall(r"`([^`\n]+)`", re.sub(r"```.*?```", "", text, flags=re.DOTALL)):
        candidate = span.strip().split()[0] if span.strip() else ""
        candidate = re.sub(r"[,;)]*$", "", candidate)
        if candidate.startswith(_TOP) or candidate in _TOP_FILES:
            names.add(candidate)
    for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", text):
        if "://" not in target and not target.startswith("mailto:"):
            names.add(str((doc.parent / target).resolve().relative_to(ROOT)) if (doc.parent / target).exists() else target)
    return {n for n in names if not re.search(r"[<>*{}\[\]$]|\.\.\.", n)}


def _exists(name: str, doc: Path) -> bool:
    """A path, ``file.py:name`` / ``file.py:12``, or ``package/module.attribute`` whose attribute is defined there."""
    if (ROOT / name).exists() or (doc.parent / name).exists():
        return True
    found = re.fullmatch(r"(.+\.py):(\d+|\w+)", name) or re.fullmatch(r"(.+?)\.(\w+)", name)
    if not found:
        return False
    path = ROOT / (found[1] if found[1].endswith(".py") else found[1] + ".py")
    if not path.is_file():
        return False
    source = path.read_text(encoding="utf-8")
    return found[2].isdigit() or bool(re.search(rf"^\s*(?:async def|def|class) {found[2]}\b|^\s*{found[2]}\s*[:=]", source, re.M))


@pytest.mark.parametrize("doc", DOCS, ids=lambda d: d.name)
def test_every_file_the_docs_name_exists(doc: Path) -> None:
    missing = sorted(n for n in _named_paths(doc) if not _exists(n, doc))
    assert not missing, f"{doc.name} names files that do not exist: {missing}"


def test_the_detector_table_is_the_registry() -> None:
    from compliance_rules.detectors import registry

    text = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    section = text.split("## Detectors", 1)[1].split("\n## ", 1)[0]
    documented = re.findall(r"^\| `([a-z0-9_.]+)` \|", section, flags=re.MULTILINE)
    assert len(documented) == len(set(documented)), "a detector is listed twice"
    assert sorted(documented) == registry.registered()


@cache
def _listed_rules() -> list[tuple[str, str]]:
    from qa.cli import _register_all, app

    _register_all()
    result = CliRunner().invoke(app, ["rules"])
    assert result.exit_code == 0, result.output
    return re.findall(r"^(\S+)  \[([A-Z0-9-]+)\]", result.output, flags=re.MULTILINE)


def test_the_readme_rule_counts_are_those_qa_rules_lists() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    found = re.search(r"(\d+) rules in (\d+) packs.*?(\d+) hand-written rules.*?(\d+) learned rules", readme, flags=re.DOTALL)
    assert found, "README no longer states the rule counts in the form this test reads"
    total, packs, hand_written, learned = map(int, found.groups())
    rules = _listed_rules()
    ml = [rule for rule, _ in rules if "-ML-" in rule]
    assert (total, packs, hand_written, learned) == (len(rules), len({j for _, j in rules}), len(rules) - len(ml), len(ml))


def test_the_pack_folders_are_the_packs_the_docs_list() -> None:
    from compliance_rules.catalog import PACKS_DIR

    text = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    listed = re.search(r"one rule per file: ([A-Z, -]+)", text)
    assert listed, "docs/rules.md no longer lists the packs in the form this test reads"
    assert sorted(p.strip() for p in listed.group(1).split(",")) == sorted(p.name for p in PACKS_DIR.iterdir() if p.is_dir())
