"""Every threat rule's example is reported with its class's code, and its counter is not.

Each example runs as part of a skill that declares broad grants (tool grants and every
capability kind, bare): a declaration never makes a threat acceptable. Command patterns
are also checked on their own, on sample commands.
"""

from __future__ import annotations

from pathlib import Path

import jsonschema
import pytest

from verifier.capability import Capability, Kind
from verifier.catalog.popular import distance, popular
from verifier.catalog.threats import (CLASSES, Example, ThreatRule, raw_threats,
                                      threat_catalog)
from verifier.model import Evidence, Finding, Location
from verifier.pipeline import verify
from verifier.resources import builtin_resources
from verifier.schemas import load_schema
from verifier.threats.base import ThreatFacts
from verifier.threats.privilege import elevated_rule
from verifier.threats.supply_chain import package_name, typosquat_of

FRONTMATTER = {
    "name": "threat-example",
    "description": "Syncs notes between folders.",
    "allowed-tools": "Bash, Read, Write, WebFetch",
    "capabilities": "[fs.read, fs.write, fs.delete, net.connect, env.read, proc.exec, "
                    "code.install, code.dynamic]",
}
SCRIPTS = {"shell": "sh", "python": "py", "javascript": "js"}
RULES = [(threat, rule.id) for threat in CLASSES for rule in threat_catalog(threat).rules]


def _rule(threat: str, rule_id: str) -> ThreatRule:
    return threat_catalog(threat).rule(rule_id)


def _skill(root: Path, example: Example) -> tuple[Path, range]:
    """A skill holding the example; the file and the lines the example occupies there."""
    extra = dict(line.split(":", 1) for line in example.frontmatter.splitlines() if line)
    fields = {**FRONTMATTER, **{k.strip(): v.strip() for k, v in extra.items()}}
    head = ["---", *(f"{k}: {v}" for k, v in fields.items()), "---"]
    skill = root / "threat-example"
    (skill / "scripts").mkdir(parents=True)
    code_lines = example.code.count("\n") + 1
    if example.language == "markdown":
        (skill / "SKILL.md").write_text("\n".join(head) + "\n" + example.code, "utf-8")
        first = len(head) + 1
        lines = range(first, first + code_lines)
        if example.frontmatter:
            lines = range(2, first + code_lines)  # the description line counts too
        return skill / "SKILL.md", lines
    (skill / "SKILL.md").write_text("\n".join(head) + "\nRun the script.\n", "utf-8")
    script = skill / "scripts" / f"example.{SCRIPTS[example.language]}"
    script.write_text(example.code, "utf-8")
    return script, range(1, code_lines + 1)


def _findings(tmp_path: Path, example: Example, code: str) -> tuple[list[Finding], Path, range]:
    path, lines = _skill(tmp_path, example)
    report = verify([tmp_path / "threat-example"]).skills[0]
    found = [f for f in report.findings if f.code == code]
    return found, path, lines


def test_every_threat_catalog_follows_its_schema() -> None:
    schema = load_schema("threats")
    for threat in CLASSES:
        jsonschema.validate(raw_threats(threat), schema)


def test_every_rule_has_an_example_and_a_counter() -> None:
    assert [(t, r) for t, r in RULES
            if _rule(t, r).example is None or _rule(t, r).counter is None] == []


@pytest.mark.parametrize(("threat", "rule_id"), RULES)
def test_rule_example_is_reported(tmp_path: Path, threat: str, rule_id: str) -> None:
    rule = _rule(threat, rule_id)
    assert rule.example is not None
    found, path, lines = _findings(tmp_path, rule.example, threat_catalog(threat).code)
    here = [f for f in found if f.location is not None and f.location.path == path
            and f.location.line in lines and f.message.startswith(rule.detail)]
    assert here, [f.message for f in found]
    assert all(f.severity == rule.severity for f in here)


@pytest.mark.parametrize(("threat", "rule_id"), RULES)
def test_rule_counter_is_not_reported(tmp_path: Path, threat: str, rule_id: str) -> None:
    rule = _rule(threat, rule_id)
    assert rule.counter is not None
    found, _, _ = _findings(tmp_path, rule.counter, threat_catalog(threat).code)
    assert [f.message for f in found] == []


# --- command patterns, on their own (the shell analysis matches them word by word) ---------

COMMANDS = {
    ("privilege", "setuid"): (["chmod 4755 ./bin/x", "chmod u+s ./bin/x", "chmod g+s dir",
                              "sudo chmod 2755 /opt/x", "chmod -R +s x"],
                             ["chmod 0755 ./bin/x", "chmod 755 x", "chmod u+x x",
                              "chmod 1777 /tmp/x"]),
    ("privilege", "world-writable"): (["chmod 777 x", "chmod -R 666 data", "chmod o+w x",
                                      "chmod a+rw x", "chmod 0777 x"],
                                     ["chmod 755 x", "chmod 644 x", "chmod u+w x",
                                      "chmod g+w x"]),
    ("privilege", "chown-root"): (["chown root x", "chown -R root:root /opt/x",
                                  "chown root:wheel x", "chown 0:0 x"],
                                 ["chown -R alice x", "chown rootless x", "ls root"]),
    ("privilege", "disable-safety"): (["spctl --master-disable",
                                      "xattr -dr com.apple.quarantine /Applications/X.app",
                                      "Set-MpPreference -DisableRealtimeMonitoring $true",
                                      "csrutil disable", "setenforce 0"],
                                     ["spctl --status", "xattr -l X.app", "setenforce 1"]),
    ("persistence", "cron"): (["crontab -", "crontab jobs.txt", "crontab -e",
                              "crontab -u root jobs.txt"],
                             ["crontab -l", "crontab -u root -l"]),
    ("persistence", "git-hooks"): (["git config core.hooksPath .githooks",
                                   "git config --global core.hooksPath ~/hooks"],
                                  ["git config user.name bot", "git config --get core.hooksPath"]),
    ("persistence", "login-items"): (['osascript -e tell application "System Events" to make '
                                     'login item at end with properties {path:"/A.app"}'],
                                    ['osascript -e display notification "done"']),
    ("persistence", "scheduled-task"): (["schtasks /create /sc onlogon /tn X /tr C:\\x.exe",
                                        r"reg add HKCU\Software\Microsoft\Windows\CurrentVersion\Run /v X /d C:\x.exe",
                                        "Register-ScheduledTask -TaskName X"],
                                       ["schtasks /query /tn X", r"reg query HKCU\Software"]),
    ("supply-chain", "install-from-index"): (
        ["pip install --extra-index-url https://pypi.example.net/simple x",
         "pip install -i https://pypi.example.net/simple x",
         "python -m pip install --index-url=https://m.example.net/simple x",
         "npm install --registry https://npm.example.net x",
         "npm config set registry https://npm.example.net"],
        ["pip install -r requirements.txt", "pip install -i x", "npm install x"]),
    ("supply-chain", "run-unknown-package"): (["npx --yes x", "uvx ruff", "pipx run x",
                                              "pnpm dlx x", "bunx x"],
                                             ["npm install npx", "uv run x.py"]),
    ("destruction", "disk-tools"): (["dd if=/dev/zero of=/dev/sda bs=1M", "fdisk /dev/sda",
                                    "parted /dev/sda mklabel gpt",
                                    "diskutil eraseDisk JHFS+ X disk2", "format C: /q"],
                                   ["dd if=in.img of=out.img", "fdisk -l", "parted -l",
                                    "diskutil list", "dd if=/dev/zero of=/dev/null"]),
}


@pytest.mark.parametrize(("threat", "rule_id"), sorted(COMMANDS))
def test_command_patterns_match_their_samples(threat: str, rule_id: str) -> None:
    pattern = _rule(threat, rule_id).commands
    assert pattern is not None
    hits, misses = COMMANDS[threat, rule_id]
    assert [c for c in hits if not pattern.search(c)] == []
    assert [c for c in misses if pattern.search(c)] == []


# --- typosquats -----------------------------------------------------------------------------

@pytest.mark.parametrize(("registry", "requested", "imitated"), [
    ("pypi", "reqeusts", "requests"),
    ("pypi", "reqeusts==2.31", "requests"),
    ("pypi", "python-dateutl", "python-dateutil"),
    ("pypi", "Python_Dateutl[extra]>=2", "python-dateutil"),
    ("npm", "lodahs", "lodash"),
    ("npm", "lodahs@4.17.21", "lodash"),
    ("npm", "@types/lodahs@4", "@types/lodash"),
])
def test_typosquat_names_the_popular_package(registry: str, requested: str,
                                             imitated: str) -> None:
    assert typosquat_of(registry, requested) == imitated


@pytest.mark.parametrize(("registry", "requested"), [
    ("pypi", "requests"), ("pypi", "python-dateutil"), ("pypi", "Python_DateUtil==2.9"),
    ("npm", "lodash"), ("npm", "@types/node@20"), ("npm", "lodash@latest"),
    ("pypi", "git+https://example.net/reqeusts.git"), ("npm", "github:user/lodahs"),
    ("pypi", "boto"), ("pypi", "jwt"), ("npm", "vue"),  # short names are not judged
    ("npm", "@types/nodee"),  # nor are short names in a scope
    ("pypi", "agent-notes-helper"),  # far from every popular name
])
def test_listed_short_and_distant_names_are_not_typosquats(registry: str,
                                                           requested: str) -> None:
    assert typosquat_of(registry, requested) is None


def test_short_names_are_never_judged() -> None:
    assert "vue" in popular("npm").names
    assert typosquat_of("npm", "vur") is None  # one edit from vue, but only three letters


def test_package_names_are_stripped_of_versions_extras_and_tags() -> None:
    assert package_name("pypi", "Requests[socks]==2.31") == "requests"
    assert package_name("pypi", "zope.interface~=6.0") == "zope-interface"
    assert package_name("npm", "@scope/pkg@^1.2") == "@scope/pkg"
    assert package_name("npm", "pkg@next") == "pkg"
    assert package_name("pypi", "./dist/pkg.whl") == ""


def test_distance_counts_a_swap_as_one_edit() -> None:
    assert distance("lodahs", "lodash") == 1
    assert distance("reqeusts", "requests") == 1
    assert distance("kitten", "sitting") == 3


def test_popular_lists_are_normalised_and_headed() -> None:
    from importlib import resources
    text = resources.files("verifier.catalog").joinpath("popular-pypi.txt").read_text("utf-8")
    assert text.startswith("# ")
    assert "ranked by downloads" in text.splitlines()[0] + text.splitlines()[1]
    names = popular("pypi").names
    assert {"requests", "python-dateutil", "numpy"} <= names
    assert all(n == n.lower() and "_" not in n and "." not in n for n in names)
    assert {"lodash", "@types/node"} <= popular("npm").names


# --- elevated commands ----------------------------------------------------------------------

def _elevated(command: str, installs: tuple[str, ...]) -> str:
    where = Location(Path("/s/scripts/x.sh"), 3)
    run = Evidence(Capability(Kind.PROC_EXEC, command), where, "sudo")
    found = {Capability(Kind.CODE_INSTALL, i): (Evidence(Capability(Kind.CODE_INSTALL, i),
                                                         where, "apt-get install"),)
             for i in installs}
    facts = ThreatFacts(None, {run.capability: (run,), **found}, (), (), {})  # type: ignore[arg-type]
    return elevated_rule(threat_catalog("privilege"), facts, run).id


def test_sudo_installing_named_packages_is_medium() -> None:
    assert _elevated("sudo apt-get install", ("apt:jq", "apt:curl")) == "elevated-install"
    assert _elevated("sudo dnf install", ("dnf:jq",)) == "elevated-install"
    assert _elevated("sudo pacman", ("pacman:python-shodan",)) == "elevated-install"
    assert _elevated("sudo apt update", ()) == "elevated-install"
    assert _rule("privilege", "elevated-install").severity.name == "MEDIUM"


@pytest.mark.parametrize(("command", "installs"), [
    ("sudo apt-get install", ("apt:./agent.deb",)),  # a local file, not a named package
    ("sudo apt-get install", ("apt:*",)),             # a package from a variable
    ("sudo rm", ()),
    ("sudo pacman", ()),                              # -R removes: no package installed
    ("sudo pip install x", ("pip:x",)),               # not the system's package manager
])
def test_other_elevated_commands_are_high(command: str, installs: tuple[str, ...]) -> None:
    assert _elevated(command, installs) == "elevated"


# --- resources the rules build on ----------------------------------------------------------

def test_persistence_rules_cover_the_persistence_resource() -> None:
    """Every member of the built-in persistence resource is some persistence rule's: by
    capability, or (commands) by a rule's pattern."""
    rules = threat_catalog("persistence").rules
    missed = [str(c) for c in builtin_resources()["persistence"].capabilities
              if not any(r.capabilities and any(m.covers(c) for m in r.capabilities)
                         or (c.kind == Kind.PROC_EXEC and r.commands
                             and r.commands.search(c.scope)) for r in rules)]
    assert missed == []


def test_agent_config_rules_leave_the_skill_folder_and_workspace_alone() -> None:
    from verifier.threats.base import in_rule
    rule = _rule("persistence", "agent-config")
    assert in_rule(rule, Capability.parse("fs.write(~/.claude/settings.json)"))
    assert in_rule(rule, Capability.parse("fs.write(~/.openclaw/skills/other/SKILL.md)"))
    assert not in_rule(rule, Capability.parse("fs.write(${SKILL_DIR}/SKILL.md)"))
    assert not in_rule(rule, Capability.parse("fs.write(${WORKSPACE}/CLAUDE.md)"))
    delete = _rule("destruction", "delete-agent-memory")
    assert in_rule(delete, Capability.parse("fs.delete(~/.claude/projects)"))
    assert in_rule(delete, Capability.parse("fs.delete(${WORKSPACE}/MEMORY.md)"))
    assert not in_rule(delete, Capability.parse("fs.delete(${SKILL_DIR}/cache/MEMORY.md)"))


def test_wildcard_deletes_are_matched_exactly() -> None:
    from verifier.threats.base import in_rule
    rule = _rule("destruction", "delete-home-or-root")
    assert in_rule(rule, Capability.parse("fs.delete(~/*)"))
    assert not in_rule(rule, Capability.parse("fs.delete(~/notes.txt)"))
    assert not in_rule(rule, Capability.parse("fs.delete(/tmp)"))
    workspace = _rule("destruction", "delete-workspace")
    assert not in_rule(workspace, Capability.parse("fs.delete(${WORKSPACE}/build)"))


def _threats(tmp_path: Path, shell: str, code: str, folder: str = "threat-example") -> list[str]:
    skill = tmp_path / folder
    (skill / "scripts").mkdir(parents=True)
    head = "\n".join(f"{k}: {v}" for k, v in FRONTMATTER.items())
    (skill / "SKILL.md").write_text(f"---\n{head}\n---\nRun the script.\n", "utf-8")
    (skill / "scripts" / "run.sh").write_text(shell, "utf-8")
    report = verify([skill]).skills[0]
    return [f.message for f in report.findings if f.code == code]


def test_a_skill_writes_and_deletes_its_own_installed_folder(tmp_path: Path) -> None:
    own = ("cp notes.json ~/.claude/skills/notes-sync/data/notes.json\n"
           "rm -rf ~/.claude/skills/notes-sync/cache\n")
    assert _threats(tmp_path / "a", own, "SB604", "notes-sync") == []
    assert _threats(tmp_path / "b", own, "SB607", "notes-sync") == []
    assert _threats(tmp_path / "c", own, "SB604", "other-skill") == [
        "the skill writes the agent's configuration, memory or other skills"]
    assert _threats(tmp_path / "d", own, "SB607", "other-skill") == [
        "the skill deletes the agent's memory, session logs or configuration"]


def test_creating_a_folder_persists_nothing(tmp_path: Path) -> None:
    assert _threats(tmp_path, "mkdir -p ~/.claude/skills ~/.config/autostart\n",
                    "SB604") == []


def test_rules_read_markdown_evidence_by_its_api() -> None:
    rule = _rule("persistence", "agent-config")
    assert not rule.reads("markdown bash: mkdir")
    assert rule.reads("markdown bash: cp")
    assert _rule("destruction", "delete-computed").reads("markdown sh: rm")


def test_a_selective_find_delete_is_not_wiping_the_workspace(tmp_path: Path) -> None:
    assert _threats(tmp_path, "find . -name '*.pyc' -delete\nrm -rf ./build/*\n",
                    "SB607") == []
