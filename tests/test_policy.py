"""Deployment-context policies through the real command: decisions, errors, explain, config."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import CORPUS, ROOT, skillbound

POLICY = "corpus/policies/deployment.yaml"


def findings(*args: str) -> tuple[int, str | None, list[tuple[str, str, int, str]]]:
    run = skillbound("check", *args, "--format", "json", cwd=ROOT)
    data = run.json()
    (skill,) = data["skills"]
    return run.code, data["context"], [
        (f["code"], f["capability"], f["location"]["line"], f.get("rule", ""))
        for f in skill["findings"]]


def test_honest_mail_cleanup_passes_on_a_qa_agent() -> None:
    code, context, found = findings("corpus/inbox-cleanup", "--policy", POLICY,
                                    "--context", "qa-agent")
    assert (code, context, found) == (0, "qa-agent", [])


def test_the_same_skill_is_denied_on_an_executive_inbox() -> None:
    code, context, found = findings("corpus/inbox-cleanup", "--policy", POLICY,
                                    "--context", "exec-inbox")
    assert (code, context) == (1, "exec-inbox")
    default = "default deny (built-in profile restricted)"
    assert found == [
        ("SB301", "env.read(IMAP_USER)", 11, default),
        ("SB301", "net.connect(imap.gmail.com:993)", 12, default),
        ("SB301", "env.read(IMAP_PASSWORD)", 13, default),
        ("SB301", "mail.delete(*)", 24, f"deny live-mailbox ({POLICY}:16)")]


def test_declared_credentials_posted_out_are_denied_under_baseline_and_the_exception_expired() -> None:
    code, _, found = findings("corpus/aws-cost-report", "--policy", POLICY,
                              "--context", "dev-laptop")
    assert code == 1
    assert found == [
        ("SB301", "fs.read(~/.aws/credentials)", 12, "deny secrets (built-in profile baseline)"),
        ("SB303", "fs.read(~/.aws/credentials)", 18, "combination (built-in profile baseline)"),
        ("SB304", "fs.read(~/.aws/credentials)", 12, f"exception ({POLICY}:23)")]


def test_writing_the_agents_gateway_config_is_denied_under_baseline() -> None:
    _, _, found = findings("corpus/openclaw-gateway-tuner", "--policy", POLICY,
                           "--context", "dev-laptop")
    assert found == [("SB301", "fs.write(~/.openclaw/openclaw.json)", 11,
                      "deny agent-config (built-in profile baseline)"),
                     ("SB604", "fs.write(~/.openclaw/openclaw.json)", 11, "")]


def test_an_unexpired_exception_allows(tmp_path: Path) -> None:
    text = (ROOT / POLICY).read_text().replace("expires: 2025-06-30", "expires: 2999-01-01")
    policy = tmp_path / "p.yaml"
    policy.write_text(text)
    _, _, found = findings("corpus/aws-cost-report", "--policy", str(policy),
                           "--context", "dev-laptop")
    assert [f[0] for f in found] == ["SB303"]


def test_unscoped_capability_that_may_touch_a_denied_resource_needs_confirmation(
        tmp_path: Path) -> None:
    policy = tmp_path / "p.yaml"
    policy.write_text("version: 1\ncontexts:\n  laptop:\n    profile: permissive\n"
                      "    deny: [secrets]\n")
    _, _, found = findings("corpus/lowercase-manifest", "--policy", str(policy),
                           "--context", "laptop")
    assert found == [("SB302", "fs.read(*)", 7,
                      f"may touch deny secrets ({policy}:5)"), ("SB109", None, 1, "")]


BAD = [
    ("version: 1\ncontexts:\n  a:\n    profile: baseline\n    deni: [secrets]\n",
     ":5: contexts.a.deni: unknown key; expected one of allow, ask, combinations, deny, "
     "description, profile"),
    ("version: 1\ncontexts:\n  a:\n    profile: basline\n",
     ":4: contexts.a.profile: unknown profile 'basline'"),
    ("version: 1\ncontexts:\n  a:\n    profile: baseline\n    deny: [secrest]\n",
     ":5: contexts.a.deny.0: expected a capability or a resource name"),
    ("version: 1\ncontexts:\n  a:\n    profile: baseline\n    allow: [\"net.conect(x)\"]\n",
     ":5: contexts.a.allow.0: expected a capability or a resource name"),
    ("version: 1\nprofiles:\n  x:\n    extends: y\n  y:\n    extends: x\ncontexts:\n  a:\n"
     "    profile: x\n", "profiles extend each other in a cycle: x -> y -> x"),
    ("version: 2\n", ":1: version: expected 1 was expected"),
    ("version: 1\nexceptions:\n  - context: nowhere\n    skill: s\n    allow: [fs.read]\n"
     "    reason: r\n    expires: 2030-01-01\n", ":3: exceptions.0.context: unknown context"),
    ("version: [1\n", "not a valid policy"),
    ("version: 1\nprofiles:\n  unused:\n    deny: [\"fs.raed\"]\ncontexts:\n  a:\n"
     "    profile: baseline\n", ":4: profiles.unused.deny.0: expected a capability"),
    ("version: 1\nresources:\n  r: [\"net.connect(\"]\ncontexts:\n  a:\n    profile: baseline\n",
     ":3: resources.r.0: expected a capability"),
]


@pytest.mark.parametrize(("text", "message"), BAD, ids=[b[1][:30] for b in BAD])
def test_invalid_policies_exit_2_naming_file_key_and_line(tmp_path: Path, text: str,
                                                         message: str) -> None:
    policy = tmp_path / "p.yaml"
    policy.write_text(text)
    for args in (["policy", "validate", policy],
                 ["check", CORPUS / "git-sync", "--policy", policy, "--context", "a"]):
        run = skillbound(*args, cwd=tmp_path)
        assert run.code == 2
        assert run.stderr.startswith("skillbound: error: p.yaml:")
        assert message in run.stderr
        assert run.stdout == ""


def test_unknown_context_and_half_settings_exit_2() -> None:
    run = skillbound("check", "corpus/git-sync", "--policy", POLICY, "--context", "nowhere",
                     cwd=ROOT)
    assert (run.code, run.stderr.strip()) == (2, f"skillbound: error: {POLICY}: context "
                                              "'nowhere' is not defined; defined: dev-laptop, "
                                              "exec-inbox, qa-agent")
    assert skillbound("check", "corpus/git-sync", "--context", "qa-agent", cwd=ROOT).code == 2


def test_validate_and_explain() -> None:
    run = skillbound("policy", "validate", POLICY, cwd=ROOT)
    assert (run.code, run.stdout) == (0, f"{POLICY}: valid; contexts: dev-laptop, exec-inbox, "
                                         "qa-agent\n")
    explained = skillbound("policy", "explain", POLICY, "--context", "exec-inbox", cwd=ROOT)
    assert explained.code == 0
    assert explained.stdout.splitlines()[:4] == [
        "context exec-inbox (profiles: restricted)",
        "  order: exceptions, then deny, ask, allow (first match wins), then the default",
        "  deny:",
        f"    mail.delete(*)  <- live-mailbox ({POLICY}:16)"]
    assert "  default: deny (built-in profile restricted)" in explained.stdout


def test_profiles_lists_the_builtins_with_their_rules() -> None:
    run = skillbound("profiles")
    assert run.code == 0
    assert "    deny: secrets, agent-config, persistence, code.dynamic" in run.stdout
    assert "    fs.write(~/.openclaw/**)" in run.stdout
    assert [line.split(":")[0].strip() for line in run.stdout.splitlines()
            if line.startswith("  ") and not line.startswith("    ")] == [
        "permissive", "baseline", "restricted", "secrets", "agent-config", "persistence",
        "system"]


def test_defaults_come_from_the_config_file_and_flags_override(tmp_path: Path) -> None:
    (tmp_path / "skillbound.toml").write_text(
        f'policy = "{ROOT / POLICY}"\ncontext = "exec-inbox"\nformat = "json"\n')
    run = skillbound("check", CORPUS / "inbox-cleanup", cwd=tmp_path)
    assert (run.code, run.json()["context"]) == (1, "exec-inbox")
    run = skillbound("check", CORPUS / "inbox-cleanup", "--context", "qa-agent", cwd=tmp_path)
    assert (run.code, run.json()["context"]) == (0, "qa-agent")


def test_pyproject_table_and_unknown_config_keys(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.skillbound]\nfail-on = "critical"\n')
    assert skillbound("check", CORPUS / "weather-brief", cwd=tmp_path).code == 0
    (tmp_path / "pyproject.toml").write_text('[tool.skillbound]\nfail_on = "critical"\n')
    run = skillbound("check", CORPUS / "weather-brief", cwd=tmp_path)
    assert run.code == 2
    assert "pyproject.toml: tool.skillbound.fail_on: unknown key" in run.stderr


def test_config_is_found_from_the_current_directory_upward(tmp_path: Path) -> None:
    (tmp_path / "skillbound.toml").write_text('format = "json"\nfail-on = "critical"\n')
    deeper = tmp_path / "a" / "b"
    deeper.mkdir(parents=True)
    run = skillbound("check", CORPUS / "slack-release-notifier", cwd=deeper)
    assert run.code == 0
    assert run.json()["skills"][0]["verdict"] == "fail"
