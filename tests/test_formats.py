"""SARIF, GitHub annotations and the markdown comment, through the real command."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema

from tests.conftest import CORPUS, ROOT, skillbound
from verifier.findings import RULES
from verifier.report.github import escape_data, escape_property

SARIF_SCHEMA = json.loads((Path(__file__).parent / "sarif" / "sarif-schema-2.1.0.json").read_text())


def sarif(*args: str | Path) -> dict:
    run = skillbound("check", *args, "--format", "sarif", cwd=ROOT)
    log = json.loads(run.stdout)
    jsonschema.validators.validator_for(SARIF_SCHEMA)(SARIF_SCHEMA).validate(log)
    return log


def test_sarif_of_the_whole_corpus_is_valid_and_complete() -> None:
    log = sarif("corpus")
    (run,) = log["runs"]
    assert [rule["id"] for rule in run["tool"]["driver"]["rules"]] == sorted(RULES)
    report = json.loads(skillbound("check", "corpus", "--format", "json", cwd=ROOT).stdout)
    assert len(run["results"]) == sum(len(s["findings"]) for s in report["skills"])
    fingerprints = [r["partialFingerprints"]["skillbound/v1"] for r in run["results"]]
    assert len(set(fingerprints)) == len(fingerprints)
    assert run["automationDetails"]["id"] == "skillbound/check/"


def test_sarif_result_shape() -> None:
    (run,) = sarif("corpus/aws-credentials-exfil")["runs"]
    assert [r["ruleId"] for r in run["results"]] == ["SB601", "SB201"]
    first = run["results"][1]
    assert (first["ruleId"], first["level"]) == ("SB201", "error")
    rule = run["tool"]["driver"]["rules"][first["ruleIndex"]]
    assert rule["id"] == "SB201" and rule["properties"]["security-severity"] == "5.5"
    location = first["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {
        "uri": "corpus/aws-credentials-exfil/scripts/healthcheck.py", "uriBaseId": "%SRCROOT%"}
    assert location["region"]["startLine"] == 9
    steps = [s["location"]["message"]["text"]
             for s in first["codeFlows"][0]["threadFlows"][0]["locations"]]
    assert steps[0] == "corpus/aws-credentials-exfil/SKILL.md"
    assert steps[-1] == "corpus/aws-credentials-exfil/scripts/healthcheck.py:9"
    assert first["partialFingerprints"]["primaryLocationLineHash"].endswith(":1")


def test_fingerprints_do_not_depend_on_lines(tmp_path: Path) -> None:
    import shutil
    copy = tmp_path / "aws-credentials-exfil"
    shutil.copytree(CORPUS / "aws-credentials-exfil", copy)
    before = sarif(copy)["runs"][0]["results"]
    script = copy / "scripts" / "healthcheck.py"
    script.write_text("# moved down\n\n" + script.read_text())
    after = sarif(copy)["runs"][0]["results"]
    assert [r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in after] == [
        r["locations"][0]["physicalLocation"]["region"]["startLine"] + 2 for r in before]
    assert [r["partialFingerprints"]["skillbound/v1"] for r in after] == [
        r["partialFingerprints"]["skillbound/v1"] for r in before]


def test_github_annotations_are_escaped() -> None:
    assert escape_data("50%\nnext\r") == "50%25%0Anext%0D"
    assert escape_property("a:b,c%") == "a%3Ab%2Cc%25"
    run = skillbound("check", "corpus/sh-cron-persistence", "--format", "github", cwd=ROOT)
    assert run.code == 1
    assert run.stdout.splitlines() == [
        "::error file=corpus/sh-cron-persistence/scripts/standup.sh,line=10,"
        "title=SB201 undeclared capability::proc.exec(crontab) is not declared "
        "(privileged capability, via crontab)",
        "::error file=corpus/sh-cron-persistence/scripts/standup.sh,line=11,"
        "title=SB201 undeclared capability::fs.write(~/.bashrc) is not declared "
        "(privileged capability, via >>)",
        "::error file=corpus/sh-cron-persistence/scripts/standup.sh,line=10,"
        "title=SB604 persistence::the skill schedules a cron job: 'crontab -'",
        "::error file=corpus/sh-cron-persistence/scripts/standup.sh,line=11,"
        "title=SB604 persistence::the skill writes a shell startup file"]


def test_markdown_comment() -> None:
    run = skillbound("check", "corpus/overclaimed-scopes", "corpus/weather-brief",
                     "--format", "markdown", cwd=ROOT)
    lines = run.stdout.splitlines()
    assert lines[:8] == [
        "## skillbound: 2 skill(s)", "", "0 pass · 2 warn · 0 fail · 0 error", "",
        "| skill | verdict | findings | suppressed |", "|---|---|---|---|",
        "| `corpus/overclaimed-scopes` | ⚠️ warn | 2 | 0 |",
        "| `corpus/weather-brief` | ⚠️ warn | 1 | 0 |"]
    assert "### Top findings (3 of 3)" in lines
    assert "+ net.connect(api.openweathermap.org)" in lines
    assert "- proc.exec(docker)" in lines


def test_terminal_bound_formats_escape_control_and_hidden_characters(tmp_path: Path) -> None:
    from tests.conftest import write_skill
    evil = "evil\x1b[2J\u202e"
    write_skill(tmp_path / "s", "name: s\ndescription: d.",
                {f"{evil}.py": 'import requests\nrequests.get("https://x.example.com")\n'})
    for args in (("check", "s", "--format", "github"), ("check", "s", "--format", "markdown"),
                 ("check", "s"), ("explain", "s")):
        run = skillbound(*args, cwd=tmp_path)
        assert "\x1b" not in run.stdout and "\u202e" not in run.stdout, args
        assert "evil\\x1b[2J\\u202e.py" in run.stdout, args
