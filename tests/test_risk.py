"""Risk tiers (DESIGN.md, "Finding codes") and the built-in resource classes."""

from __future__ import annotations

from importlib import resources

import pytest
import yaml

from verifier.capability import FS_KINDS, Capability, Kind
from verifier.resources import Resource, builtin_resources
from verifier.risk import Tier, is_secret, risk_tier

P = Capability.parse
NORMAL, SENSITIVE, PRIVILEGED = Tier.NORMAL, Tier.SENSITIVE, Tier.PRIVILEGED


@pytest.mark.parametrize(("capability", "tier"), [
    # normal: reading and writing inside the skill folder or the workspace
    ("fs.read(${WORKSPACE}/data.csv)", NORMAL),
    ("fs.read(data.csv)", NORMAL),
    ("fs.read(${WORKSPACE})", NORMAL),
    ("fs.read(${WORKSPACE}/**)", NORMAL),
    ("fs.write(out/report.md)", NORMAL),
    ("fs.write(${WORKSPACE}/**)", NORMAL),
    ("fs.read(${SKILL_DIR}/templates/a.txt)", NORMAL),
    ("fs.write(${SKILL_DIR}/cache/x.json)", NORMAL),
    # normal: variables that are not secrets
    ("env.read(HOME)", NORMAL),
    ("env.read(PATH)", NORMAL),
    ("env.read(LANG)", NORMAL),
    ("env.read(TOKENIZER_PATH)", NORMAL),
    # sensitive: deleting inside the workspace or skill folder
    ("fs.delete(${WORKSPACE}/build)", SENSITIVE),
    ("fs.delete(tmp/x)", SENSITIVE),
    ("fs.delete(${WORKSPACE}/**)", SENSITIVE),
    ("fs.delete(${SKILL_DIR}/cache/**)", SENSITIVE),
    # sensitive: unscoped reads/writes and reads/writes outside the workspace
    ("fs.read", SENSITIVE),
    ("fs.write(*)", SENSITIVE),
    ("fs.read(~/notes.txt)", SENSITIVE),
    ("fs.read(/etc/hosts)", SENSITIVE),
    ("fs.read(~/.claude/settings.json)", SENSITIVE),
    ("fs.write(/tmp/out.txt)", NORMAL),                  # the system temp folder
    ("fs.write(~/Documents/x.txt)", SENSITIVE),
    # sensitive: secret-named or unscoped variables
    ("env.read(GITHUB_TOKEN)", SENSITIVE),
    ("env.read(OPENAI_API_KEY)", SENSITIVE),
    ("env.read(AWS_SECRET_ACCESS_KEY)", SENSITIVE),
    ("env.read(DB_PASSWORD)", SENSITIVE),
    ("env.read(*)", SENSITIVE),
    ("env.read", SENSITIVE),
    # sensitive: a named host or command, or an unscoped one
    ("net.connect(api.github.com)", SENSITIVE),
    ("net.connect(api.github.com:443)", SENSITIVE),
    ("net.connect(*)", SENSITIVE),
    ("net.listen(8080)", SENSITIVE),
    ("proc.exec(git status)", NORMAL),                   # harmless.yaml
    ("proc.exec(*)", SENSITIVE),
    ("proc.exec(rm -rf)", SENSITIVE),
    # sensitive: installing a named package, tools, sub-agents, reading mail
    ("code.install(pip:requests)", SENSITIVE),
    ("code.install(pip)", SENSITIVE),
    ("code.install(npm:left-pad)", SENSITIVE),
    ("agent.tool(Bash)", SENSITIVE),
    ("agent.invoke(pdf)", SENSITIVE),
    ("mail.read(INBOX)", SENSITIVE),
    # privileged: deleting outside the workspace or with *
    ("fs.delete(~/x)", PRIVILEGED),
    ("fs.delete(/tmp/x)", SENSITIVE),
    ("fs.delete(*)", PRIVILEGED),
    ("fs.delete", PRIVILEGED),
    ("fs.delete(../x)", PRIVILEGED),
    ("fs.delete(**/x)", PRIVILEGED),
    # privileged: secrets by path, also when written or deleted
    ("fs.read(~/.ssh/id_rsa)", PRIVILEGED),
    ("fs.read(~/.ssh)", PRIVILEGED),
    ("fs.read(~/.aws/credentials)", PRIVILEGED),
    ("fs.read($HOME/.aws/config)", PRIVILEGED),
    ("fs.read(~/.config/gcloud/credentials.db)", PRIVILEGED),
    ("fs.read(~/.kube/config)", PRIVILEGED),
    ("fs.read(~/Library/Keychains/login.keychain-db)", PRIVILEGED),
    ("fs.read(~/.mozilla/firefox/x/logins.json)", PRIVILEGED),
    ("fs.read(${WORKSPACE}/.env)", PRIVILEGED),
    ("fs.read(.env)", PRIVILEGED),
    ("fs.read(.env.local)", PRIVILEGED),
    ("fs.read(${SKILL_DIR}/certs/server.pem)", PRIVILEGED),
    ("fs.read(/etc/shadow)", PRIVILEGED),
    ("fs.write(~/.ssh/authorized_keys)", PRIVILEGED),
    ("fs.delete(~/.aws/credentials)", PRIVILEGED),
    # privileged: persistence, the agent's own config and skills, the system
    ("fs.write(~/.bashrc)", PRIVILEGED),
    ("fs.write(~/.zshrc)", PRIVILEGED),
    ("fs.write(.git/hooks/pre-commit)", PRIVILEGED),
    ("fs.write(${WORKSPACE}/vendor/lib/.git/hooks/post-checkout)", PRIVILEGED),
    ("fs.write(/etc/cron.d/job)", PRIVILEGED),
    ("fs.write(~/Library/LaunchAgents/x.plist)", PRIVILEGED),
    ("fs.write(~/.config/systemd/user/x.service)", PRIVILEGED),
    ("fs.write(~/.claude/settings.json)", PRIVILEGED),
    ("fs.write(${WORKSPACE}/.claude/settings.json)", PRIVILEGED),
    ("fs.write(CLAUDE.md)", PRIVILEGED),
    ("fs.write(${SKILL_DIR}/SKILL.md)", PRIVILEGED),
    ("fs.delete(${WORKSPACE}/.claude/commands/x.md)", PRIVILEGED),
    ("fs.delete(${WORKSPACE}/.git/hooks/pre-push)", PRIVILEGED),
    ("fs.write(/etc/hosts)", PRIVILEGED),
    ("fs.write(/usr/local/bin/tool)", PRIVILEGED),
    ("fs.delete(/etc/x)", PRIVILEGED),
    ("proc.exec(crontab -e)", PRIVILEGED),
    ("proc.exec(crontab)", PRIVILEGED),
    ("proc.exec(/usr/bin/crontab -l)", PRIVILEGED),
    ("proc.exec(systemctl enable x.service)", PRIVILEGED),
    ("proc.exec(launchctl load x.plist)", PRIVILEGED),
    # privileged: dynamic code, installs from a URL, sending and deleting mail
    ("code.dynamic", PRIVILEGED),
    ("code.dynamic(*)", PRIVILEGED),
    ("code.dynamic(eval)", PRIVILEGED),
    ("code.dynamic(shell-pipe)", PRIVILEGED),
    ("code.install(download:https://x.io/y.sh)", PRIVILEGED),
    ("code.install(https://x.io/y.sh)", PRIVILEGED),
    ("code.install(url:x.io/y.tgz)", PRIVILEGED),
    ("code.install(pip:git+https://github.com/a/b)", PRIVILEGED),
    ("mail.delete", PRIVILEGED),
    ("mail.delete(INBOX)", PRIVILEGED),
    ("mail.send", PRIVILEGED),
    ("mail.send(me@example.com)", PRIVILEGED),
])
def test_risk_tier(capability: str, tier: Tier) -> None:
    assert risk_tier(P(capability)) is tier


def test_tier_order_and_names() -> None:
    assert NORMAL < SENSITIVE < PRIVILEGED
    assert [str(t) for t in Tier] == ["normal", "sensitive", "privileged"]
    assert [int(t) for t in Tier] == [0, 1, 2]


@pytest.mark.parametrize(("capability", "secret"), [
    ("fs.read(~/.ssh/id_rsa)", True),
    ("fs.read(~/.ssh)", True),
    ("fs.write(~/.ssh/id_rsa)", True),
    ("fs.delete(~/.aws/credentials)", True),
    ("fs.read(~/.aws/**)", True),
    ("fs.read(${WORKSPACE}/.env)", True),
    ("fs.read(${SKILL_DIR}/config/.env.production)", True),
    ("fs.read(~/.kube/config)", True),
    ("fs.read(~/.netrc)", True),
    ("fs.read(/etc/shadow)", True),
    ("fs.read(${WORKSPACE}/keys/id_ed25519)", True),
    ("env.read(GITHUB_TOKEN)", True),
    ("env.read(AWS_SECRET_ACCESS_KEY)", True),
    ("env.read(DB_PASSWORD)", True),
    ("env.read(STRIPE_API_KEY_LIVE)", True),
    ("env.read(AWS_*_TOKEN)", True),
    ("env.read(GH_PAT)", True),
    ("fs.read(${WORKSPACE}/README.md)", False),
    ("fs.read(~/.ssh.bak)", False),
    ("fs.read(~/.kube/cache/x)", False),
    ("fs.read(${WORKSPACE}/.envrc)", False),
    ("fs.read(/etc/passwd)", False),
    ("fs.read(*)", False),
    ("fs.read(~/**)", False),
    ("env.read(HOME)", False),
    ("env.read(TOKEN)", False),
    ("env.read(MONKEY)", False),
    ("env.read(*)", False),
    ("env.read(AWS_*)", False),
    ("net.connect(api.github.com)", False),
    ("proc.exec(cat ~/.ssh/id_rsa)", False),
])
def test_is_secret(capability: str, secret: bool) -> None:
    assert is_secret(P(capability)) is secret


# --- resources.yaml --------------------------------------------------------------------------

def raw_resources() -> dict[str, dict[str, object]]:
    text = resources.files("verifier.catalog").joinpath("resources.yaml").read_text("utf-8")
    data = yaml.safe_load(text)
    assert isinstance(data, dict)
    return data


RAW = raw_resources()
MEMBERS = [(name, text) for name, entry in RAW.items()
           for text in entry["capabilities"]]  # type: ignore[attr-defined]


def test_resource_names() -> None:
    assert sorted(builtin_resources()) == ["agent-config", "persistence", "secrets", "system"]
    assert sorted(RAW) == sorted(builtin_resources())


@pytest.mark.parametrize(("name", "text"), MEMBERS)
def test_every_resource_capability_parses_canonically(name: str, text: str) -> None:
    capability = P(text)
    assert str(capability) == text
    assert capability in builtin_resources()[name].capabilities


@pytest.mark.parametrize("name", sorted(RAW))
def test_resource_loads_every_member_and_covers_it(name: str) -> None:
    resource = builtin_resources()[name]
    assert isinstance(resource, Resource)
    assert resource.name == name
    assert resource.description == RAW[name]["description"]
    assert resource.description.strip() != ""
    assert len(resource.capabilities) == len(RAW[name]["capabilities"])  # type: ignore[arg-type]
    for member in resource.capabilities:
        assert resource.covers(member) is True


def test_resources_do_not_cover_unrelated_capabilities() -> None:
    loaded = builtin_resources()
    assert loaded["secrets"].covers(P("fs.read(${WORKSPACE}/README.md)")) is False
    assert loaded["persistence"].covers(P("proc.exec(git push)")) is False
    assert loaded["system"].covers(P("fs.read(/etc/hosts)")) is False
    assert loaded["agent-config"].covers(P("fs.read(~/.claude/settings.json)")) is False
    for resource in loaded.values():
        for kind in Kind:
            assert resource.covers(Capability(kind)) is False


@pytest.mark.parametrize(("name", "text"), [
    (name, text) for name, text in MEMBERS
    if P(text).kind in FS_KINDS or P(text).kind == Kind.PROC_EXEC
])
def test_every_path_or_command_member_is_privileged(name: str, text: str) -> None:
    assert risk_tier(P(text)) is PRIVILEGED


@pytest.mark.parametrize("text", [text for name, text in MEMBERS if text.startswith("env.read")])
def test_secret_variable_members_are_sensitive_and_secret(text: str) -> None:
    assert is_secret(P(text)) is True
    assert risk_tier(P(text)) is SENSITIVE


# --- regressions -------------------------------------------------------------------------------

@pytest.mark.parametrize(("capability", "tier"), [
    ("fs.delete($TMPDIR/x)", PRIVILEGED),                       # graded sensitive
    ("fs.write(${XDG_CONFIG_HOME}/autostart/x.desktop)", SENSITIVE),  # graded normal
    ("fs.read(~root/.aws/credentials)", SENSITIVE),              # graded normal
])
def test_paths_under_other_anchors_are_not_in_the_workspace(capability: str, tier: Tier) -> None:
    assert risk_tier(P(capability)) >= tier
