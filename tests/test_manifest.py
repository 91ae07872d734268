"""load_manifest: reading, safe YAML, the schema, and every dialect's claims."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from verifier.manifest import load_manifest
from verifier.manifest.tools import TOOLS, implied, split_tools
from verifier.model import Manifest

HEAD = "---\nname: demo\ndescription: A demo skill.\n"


def skill(tmp_path: Path, text: str | bytes, name: str = "demo") -> tuple[Path, Path]:
    """A skill folder ``name`` whose SKILL.md holds ``text``."""
    root = tmp_path / name
    root.mkdir(parents=True, exist_ok=True)
    path = root / "SKILL.md"
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return root, path


def load(tmp_path: Path, text: str | bytes, *, strict: bool = False,
         name: str = "demo") -> Manifest:
    root, path = skill(tmp_path, text, name)
    return load_manifest(root, path, strict=strict)


def codes(manifest: Manifest) -> list[tuple[str, int]]:
    """The findings as (code, line)."""
    return [(f.code, f.location.line if f.location else 0) for f in manifest.findings]


def claims(manifest: Manifest) -> list[str]:
    """The claims as 'origin:capability@line'."""
    return [f"{c.origin}:{c.capability}@{c.location.line}" for c in manifest.claims]


# --- reading and the frontmatter block ---------------------------------------------------

def test_missing_skill_md_is_sb101_at_the_folder(tmp_path: Path) -> None:
    manifest = load_manifest(tmp_path, None)
    assert [(f.code, f.location) for f in manifest.findings] == [
        ("SB101", manifest.findings[0].location)]
    assert manifest.findings[0].location is not None
    assert manifest.findings[0].location.path == tmp_path
    assert manifest.path == tmp_path / "SKILL.md" and manifest.claims == ()


def test_a_clean_manifest_has_no_findings_and_its_body(tmp_path: Path) -> None:
    manifest = load(tmp_path, HEAD + "license: MIT\n---\n# Demo\nRun it.\n")
    assert codes(manifest) == []
    assert (manifest.name, manifest.description) == ("demo", "A demo skill.")
    assert (manifest.body, manifest.body_line) == ("# Demo\nRun it.\n", 6)
    assert manifest.fields["license"] == "MIT" and not manifest.declares_anything


def test_no_frontmatter_is_sb102_and_the_whole_file_is_body(tmp_path: Path) -> None:
    manifest = load(tmp_path, "# Demo\n---\nname: x\n---\n")
    assert codes(manifest) == [("SB102", 1)]
    assert (manifest.body, manifest.body_line) == ("# Demo\n---\nname: x\n---\n", 1)


def test_unterminated_frontmatter_is_sb103_on_line_1(tmp_path: Path) -> None:
    manifest = load(tmp_path, HEAD + "capabilities: [proc.exec]\n# Demo\n")
    assert codes(manifest) == [("SB103", 1)] and manifest.claims == ()


def test_opening_may_have_trailing_spaces_and_dots_close(tmp_path: Path) -> None:
    manifest = load(tmp_path, "---  \nname: demo\ndescription: d\n...\nbody\n")
    assert codes(manifest) == [] and (manifest.body, manifest.body_line) == ("body\n", 5)


def test_closing_line_must_be_exact(tmp_path: Path) -> None:
    assert codes(load(tmp_path, HEAD + "--- \nbody\n")) == [("SB103", 1)]


def test_crlf_line_endings(tmp_path: Path) -> None:
    manifest = load(tmp_path, HEAD.replace("\n", "\r\n") + "capabilities: [bad]\r\n---\r\nx\r\n")
    assert codes(manifest) == [("SB106", 4)] and manifest.body == "x\n"


def test_bom_is_stripped(tmp_path: Path) -> None:
    text = HEAD + "capabilities: [mail.read]\n---\n"
    manifest = load(tmp_path, b"\xef\xbb\xbf" + text.encode())
    assert codes(manifest) == [] and claims(manifest) == ["capabilities:mail.read(*)@4"]


def test_invalid_utf8_is_sb104_on_the_line_of_the_byte(tmp_path: Path) -> None:
    manifest = load(tmp_path, HEAD.encode() + b"license: \xff\n---\n")
    assert codes(manifest) == [("SB104", 4)]
    assert "0xff" in manifest.findings[0].message


def test_too_large_is_sb104(tmp_path: Path) -> None:
    manifest = load(tmp_path, HEAD + "---\n" + "x" * (1024 * 1024))
    assert codes(manifest) == [("SB104", 1)] and "too large" in manifest.findings[0].message


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_fifo_is_not_opened(tmp_path: Path) -> None:
    root = tmp_path / "demo"
    root.mkdir()
    os.mkfifo(root / "SKILL.md")
    assert codes(load_manifest(root, root / "SKILL.md")) == [("SB104", 1)]


def test_a_link_out_of_the_folder_is_not_followed(tmp_path: Path) -> None:
    outside = tmp_path / "secret.md"
    outside.write_text(HEAD + "---\n")
    root = tmp_path / "demo"
    root.mkdir()
    (root / "SKILL.md").symlink_to(outside)
    manifest = load_manifest(root, root / "SKILL.md")
    assert codes(manifest) == [("SB104", 1)] and "outside" in manifest.findings[0].message


# --- safe YAML --------------------------------------------------------------------------

def test_yaml_syntax_error_is_located_in_skill_md(tmp_path: Path) -> None:
    manifest = load(tmp_path, HEAD + "license: MIT\nfoo: [a, b\nbar: 1\n---\n")
    assert codes(manifest) == [("SB104", 6)]


def test_yaml_error_line_counts_the_opening_line(tmp_path: Path) -> None:
    assert codes(load(tmp_path, "---\nname: demo\n  bad: indent\n---\n")) == [("SB104", 3)]


def test_duplicate_key_is_sb104_on_the_duplicate(tmp_path: Path) -> None:
    text = HEAD + "capabilities: [mail.read]\nlicense: MIT\ncapabilities: []\n---\n"
    manifest = load(tmp_path, text)
    assert codes(manifest) == [("SB104", 6)] and manifest.claims == ()
    assert "duplicate key 'capabilities'" in manifest.findings[0].message


def test_nested_duplicate_key(tmp_path: Path) -> None:
    text = HEAD + "metadata:\n  openclaw:\n    primaryEnv: A\n    primaryEnv: B\n---\n"
    assert codes(load(tmp_path, text)) == [("SB104", 7)]


def test_alias_bomb_is_refused_fast(tmp_path: Path) -> None:
    levels = [f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 9) + "]" for i in range(1, 10)]
    text = HEAD + "l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "\n".join(levels)
    started = time.monotonic()
    manifest = load(tmp_path, text + "\n---\n")
    assert time.monotonic() - started < 1
    assert codes(manifest) == [("SB104", 10)] and "aliases" in manifest.findings[0].message


def test_few_aliases_that_expand_exponentially_are_refused(tmp_path: Path) -> None:
    levels = [f"l{i}: &l{i} [*l{i - 1}, *l{i - 1}]" for i in range(1, 25)]
    started = time.monotonic()
    manifest = load(tmp_path, HEAD + "l0: &l0 [x]\n" + "\n".join(levels) + "\n---\n")
    assert time.monotonic() - started < 1
    assert [f.code for f in manifest.findings] == ["SB104"]
    assert "more than 10000 values" in manifest.findings[0].message


def test_recursive_alias_is_refused(tmp_path: Path) -> None:
    manifest = load(tmp_path, HEAD + "loop: &a [*a]\n---\n")
    assert codes(manifest) == [("SB104", 4)] and "contains it" in manifest.findings[0].message


@pytest.mark.parametrize("nesting", [
    "deep: " + "[" * 51 + "]" * 51,
    "deep:\n" + "".join("  " * i + f"k{i}:\n" for i in range(1, 52)) + "  " * 52 + "v",
    "deep: " + "[" * 60_000,
])
def test_deep_nesting_is_refused(tmp_path: Path, nesting: str) -> None:
    manifest = load(tmp_path, HEAD + nesting + "\n---\n")
    assert [f.code for f in manifest.findings] == ["SB104"]
    assert "deeper than 50" in manifest.findings[0].message


def test_nesting_of_fifty_is_fine(tmp_path: Path) -> None:
    assert codes(load(tmp_path, HEAD + "deep: " + "[" * 49 + "]" * 49 + "\n---\n")) == []


def test_frontmatter_over_64_kib_is_refused(tmp_path: Path) -> None:
    manifest = load(tmp_path, HEAD + "license: " + "x" * 70_000 + "\n---\n")
    assert codes(manifest) == [("SB104", 1)] and "64 KiB" in manifest.findings[0].message


@pytest.mark.parametrize("value, line", [
    ("!!python/object/apply:os.system [ls]", 4), ("!!binary aGk=", 4),
    ("!!set {a, b}", 4), ("!!int 9" + "9" * 5000, 4), ("!!bool maybe", 4),
    ("!!int", 4), ("{[a]: b}", 4),
])
def test_unsafe_or_unreadable_values_are_sb104(tmp_path: Path, value: str, line: int) -> None:
    assert codes(load(tmp_path, HEAD + f"license: {value}\n---\n")) == [("SB104", line)]


def test_nul_byte_in_frontmatter_is_sb104(tmp_path: Path) -> None:
    assert codes(load(tmp_path, HEAD + "license: a\x00b\n---\n")) == [("SB104", 4)]


def test_dates_stay_strings_and_merges_apply(tmp_path: Path) -> None:
    text = HEAD + "version: 2024-01-31\nbase: &b {x: 1, y: 2}\nmerged:\n  <<: *b\n  y: 3\n---\n"
    manifest = load(tmp_path, text)
    assert codes(manifest) == []
    assert manifest.fields["version"] == "2024-01-31"
    assert manifest.fields["merged"] == {"x": 1, "y": 3}


def test_non_mapping_frontmatter_is_sb105(tmp_path: Path) -> None:
    manifest = load(tmp_path, "---\n- name\n- demo\n---\nbody\n")
    assert codes(manifest) == [("SB105", 1)] and manifest.body == "body\n"
    assert "not an array" in manifest.findings[0].message


def test_empty_frontmatter_misses_name_and_description(tmp_path: Path) -> None:
    manifest = load(tmp_path, "---\n---\n")
    assert codes(manifest) == [("SB105", 1), ("SB105", 1)]
    assert [f.message for f in manifest.findings] == [
        "description: a required field is missing", "name: a required field is missing"]


# --- the schema -------------------------------------------------------------------------

def test_schema_violations_are_located_at_their_keys(tmp_path: Path) -> None:
    text = ("---\nname: Bad--Name\ndescription: " + "d" * 1025 + "\n"
            "capabilities: mail.read\ncompatibility: 3\n---\n")
    manifest = load(tmp_path, text, name="Bad--Name")
    assert [(f.code, f.location.line if f.location else 0, f.message.split(":")[0])
            for f in manifest.findings] == [
        ("SB105", 4, "capabilities"), ("SB105", 5, "compatibility"),
        ("SB105", 3, "description"), ("SB105", 2, "name")]
    assert "must be array, not a string" in manifest.findings[0].message
    assert "longer than 1024 characters (1025)" in manifest.findings[2].message


def test_schema_paths_of_list_items(tmp_path: Path) -> None:
    manifest = load(tmp_path, HEAD + "capabilities:\n  - mail.read\n  - 7\n---\n")
    assert codes(manifest) == [("SB105", 6)]
    assert manifest.findings[0].message.startswith("capabilities[1]: must be string")
    assert claims(manifest) == ["capabilities:mail.read(*)@5"]


def test_strict_mode_rejects_unknown_keys_only(tmp_path: Path) -> None:
    text = HEAD + "model: sonnet\nauthor: me\n---\n"
    assert codes(load(tmp_path, text)) == []
    manifest = load(tmp_path, text, strict=True)
    assert codes(manifest) == [("SB105", 5)] and manifest.findings[0].message.startswith(
        "author: unknown field")


def test_name_differs_from_folder_is_sb107(tmp_path: Path) -> None:
    manifest = load(tmp_path, HEAD + "---\n", name="other")
    assert codes(manifest) == [("SB107", 2)]
    assert manifest.findings[0].message == "name 'demo' differs from the folder name 'other'"


def test_vendor_fields_of_the_wrong_type(tmp_path: Path) -> None:
    text = HEAD + "user-invocable: 'yes'\nhooks: []\nversion: 1.2\n---\n"
    assert codes(load(tmp_path, text)) == [("SB105", 5), ("SB105", 4)]


# --- native claims ----------------------------------------------------------------------

def test_bad_capability_is_sb106_and_the_others_still_count(tmp_path: Path) -> None:
    text = HEAD + "capabilities:\n  - net.connect(api.x.com)\n  - net.connekt(x)\n  - fs.read()\n" \
        "  - env.read(AWS_*)\n---\n"
    manifest = load(tmp_path, text)
    assert codes(manifest) == [("SB106", 7), ("SB106", 6)]  # sorted by message
    assert claims(manifest) == ["capabilities:env.read(AWS_*)@8",
                                "capabilities:net.connect(api.x.com)@5"]
    assert all(claim.explicit for claim in manifest.claims)


@pytest.mark.parametrize("claim", [
    "fs.read(../../etc/passwd)", "net.connect(" + "a" * 600 + ")", "fs.read( )"])
def test_a_claim_that_would_widen_to_everything_is_sb106(tmp_path: Path, claim: str) -> None:
    manifest = load(tmp_path, HEAD + f"capabilities: ['{claim}', 'fs.read(**)']\n---\n")
    assert codes(manifest) == [("SB106", 4)] and claims(manifest) == ["capabilities:fs.read(*)@4"]


def test_a_tool_rule_that_would_widen_is_sb106(tmp_path: Path) -> None:
    manifest = load(tmp_path, HEAD + "allowed-tools: Read(../../x) Bash(:*)\n---\n")
    assert codes(manifest) == [("SB106", 4)]
    assert claims(manifest) == ["allowed-tools:agent.tool(Bash(:*))@4",
                                "allowed-tools:proc.exec(*)@4"]


def test_claims_are_deduplicated_per_origin(tmp_path: Path) -> None:
    manifest = load(tmp_path, HEAD + "capabilities: [mail.read, mail.read(*), mail.send]\n---\n")
    assert claims(manifest) == ["capabilities:mail.read(*)@4", "capabilities:mail.send(*)@4"]


# --- Agent Skills / Claude Code tools ---------------------------------------------------

def test_allowed_tools_as_a_string(tmp_path: Path) -> None:
    text = HEAD + ("allowed-tools: Read, Bash(npm run test:*) WebFetch(domain:api.x.com),"
                   "mcp__srv__tool\n---\n")
    manifest = load(tmp_path, text)
    assert codes(manifest) == []
    assert claims(manifest) == [
        "allowed-tools:agent.tool(Bash(npm run test:*))@4", "allowed-tools:agent.tool(Read)@4",
        "allowed-tools:agent.tool(WebFetch(domain:api.x.com))@4",
        "allowed-tools:agent.tool(mcp__srv__tool)@4", "allowed-tools:fs.read(*)@4",
        "allowed-tools:net.connect(api.x.com)@4", "allowed-tools:proc.exec(npm run test)@4"]
    assert not any(claim.explicit for claim in manifest.claims)


def test_allowed_tools_as_a_list_gives_item_lines(tmp_path: Path) -> None:
    text = HEAD + ("allowed-tools:\n  - Bash(git:*)\n  - WebSearch\n  - Task\n"
                   "  - Edit(docs/**)\n---\n")
    assert claims(load(tmp_path, text)) == [
        "allowed-tools:agent.invoke(*)@7", "allowed-tools:agent.tool(Bash(git:*))@5",
        "allowed-tools:agent.tool(Edit(docs/**))@8", "allowed-tools:agent.tool(Task)@7",
        "allowed-tools:agent.tool(WebSearch)@6", "allowed-tools:fs.write(${WORKSPACE}/docs/**)@8",
        "allowed-tools:proc.exec(git)@5"]


def test_bad_tool_rule_is_sb106(tmp_path: Path) -> None:
    manifest = load(tmp_path, HEAD + "allowed-tools: [Read, 'Bash(git:*', '(x)']\n---\n")
    assert codes(manifest) == [("SB106", 4), ("SB106", 4)]
    assert claims(manifest) == ["allowed-tools:agent.tool(Read)@4", "allowed-tools:fs.read(*)@4"]


def test_disallowed_tools_remove_and_never_grant(tmp_path: Path) -> None:
    text = HEAD + ("allowed-tools: Bash(git:*) Bash(rm:*) Read WebFetch\n"
                   "disallowed-tools: [Bash(rm:*), WebFetch, Write]\n---\n")
    assert claims(load(tmp_path, text)) == [
        "allowed-tools:agent.tool(Bash(git:*))@4", "allowed-tools:agent.tool(Read)@4",
        "allowed-tools:fs.read(*)@4", "allowed-tools:proc.exec(git)@4"]


def test_a_bare_disallowed_tool_removes_its_scoped_rules(tmp_path: Path) -> None:
    text = HEAD + "allowed-tools: Bash(git:*), Read\ndisallowed-tools: Bash\n---\n"
    assert claims(load(tmp_path, text)) == [
        "allowed-tools:agent.tool(Read)@4", "allowed-tools:fs.read(*)@4"]


def test_split_tools_never_splits_inside_parentheses() -> None:
    assert split_tools("Read,Grep  Bash(npm run test:*), Bash(git add *) ,") == [
        "Read", "Grep", "Bash(npm run test:*)", "Bash(git add *)"]


@pytest.mark.parametrize("name", sorted(TOOLS))
def test_every_tool_table_entry_gives_its_example_claims(name: str) -> None:
    grant = TOOLS[name]
    assert grant.example.split("(")[0] == name
    assert [str(c) for c in implied(grant.example)] == [
        f"agent.tool({grant.example})", *grant.claims]


# --- OpenClaw ---------------------------------------------------------------------------

@pytest.mark.parametrize("key", ["openclaw", "clawdbot", "moltbot", "clawdis"])
def test_openclaw_one_line_json_under_each_key(tmp_path: Path, key: str) -> None:
    metadata = ('{"%s": {"requires": {"bins": ["gog"], "anyBins": ["rg", "grep"], '
                '"env": ["GOG_TOKEN"], "config": ["~/.config/gog.json"]}, '
                '"primaryEnv": "GOG_KEY", "install": [{"kind": "brew", '
                '"formula": "steipete/tap/gogcli"}, {"kind": "node", "package": "clawdhub"}, '
                '{"kind": "go", "module": "github.com/x/y"}, {"kind": "uv", "package": "pkg"}, '
                '{"kind": "download", "url": "https://x.io/t.tgz"}]}}') % key
    manifest = load(tmp_path, HEAD + f"metadata: '{metadata}'\n---\n")
    assert codes(manifest) == []
    assert claims(manifest) == [f"{key}:{c}@4" for c in [
        "code.install(brew:steipete/tap/gogcli)", "code.install(download:https://x.io/t.tgz)",
        "code.install(go:github.com/x/y)", "code.install(npm:clawdhub)", "code.install(uv:pkg)",
        "env.read(GOG_KEY)", "env.read(GOG_TOKEN)", "fs.read(~/.config/gog.json)",
        "proc.exec(gog)", "proc.exec(grep)", "proc.exec(rg)"]]
    assert not any(claim.explicit for claim in manifest.claims)


def test_openclaw_json5_style_and_every_key_present(tmp_path: Path) -> None:
    text = HEAD + ("metadata: '{openclaw: {requires: {bins: [gh,],},}, "
                   "moltbot: {primaryEnv: GH}}'\n---\n")
    manifest = load(tmp_path, text)
    assert codes(manifest) == []
    assert claims(manifest) == ["moltbot:env.read(GH)@4", "openclaw:proc.exec(gh)@4"]


def test_openclaw_as_a_yaml_mapping_uses_item_lines(tmp_path: Path) -> None:
    text = HEAD + ("metadata:\n  clawdbot:\n    requires:\n      bins: [rg]\n"
                   "      env:\n        - NOTES_DIR\n    install:\n      - kind: brew\n"
                   "        formula: ripgrep\n      - {kind: pipx, package: tool}\n---\n")
    manifest = load(tmp_path, text)
    assert codes(manifest) == []
    assert claims(manifest) == [
        "clawdbot:code.install(brew:ripgrep)@11", "clawdbot:code.install(pipx:tool)@13",
        "clawdbot:env.read(NOTES_DIR)@9", "clawdbot:proc.exec(rg)@7"]


def test_openclaw_problems(tmp_path: Path) -> None:
    text = HEAD + ("metadata:\n  openclaw:\n    requires:\n      bins: ['', git]\n"
                   "      env: GH_TOKEN\n    install:\n      - {formula: x}\n"
                   "      - {kind: brew, package: y}\n---\n")
    manifest = load(tmp_path, text)
    assert codes(manifest) == [("SB105", 10), ("SB105", 8), ("SB106", 11), ("SB106", 7)]
    assert [f.message for f in manifest.findings][2:] == [
        "cannot read the claim 'code.install()': empty scope",
        "cannot read the claim 'proc.exec()': empty scope"]
    assert claims(manifest) == ["openclaw:proc.exec(git)@7"]


@pytest.mark.parametrize("metadata, detail", [
    ("'not json'", "must hold a JSON object"),
    ("'{\"openclaw\": {}, \"openclaw\": {}}'", "duplicate key"),
    ("'" + "[" * 60 + "]" * 60 + "'", "must hold a JSON object"),
    ("'{\"a\": " + "[" * 60 + "]" * 60 + "}'", "deeper than 50"),
])
def test_bad_metadata_strings_are_sb105(tmp_path: Path, metadata: str, detail: str) -> None:
    manifest = load(tmp_path, HEAD + f"metadata: {metadata}\n---\n")
    assert codes(manifest) == [("SB105", 4)] and detail in manifest.findings[0].message


def test_json_metadata_is_schema_checked_at_the_metadata_line(tmp_path: Path) -> None:
    text = HEAD + ("license: MIT\n"
                   "metadata: '{\"openclaw\": {\"requires\": {\"bins\": \"gog\"}}}'\n---\n")
    manifest = load(tmp_path, text)
    assert codes(manifest) == [("SB105", 5)]
    assert manifest.findings[0].message.startswith("metadata.openclaw.requires.bins: must be")
    assert manifest.fields["metadata"] == {"openclaw": {"requires": {"bins": "gog"}}}


# --- Codex ------------------------------------------------------------------------------

def codex(tmp_path: Path, text: str) -> Manifest:
    root, path = skill(tmp_path, HEAD + "---\n")
    (root / "agents").mkdir()
    (root / "agents" / "openai.yaml").write_text(text)
    return load_manifest(root, path)


def test_codex_permissions(tmp_path: Path) -> None:
    manifest = codex(tmp_path, "interface:\n  display_name: Demo\npermissions:\n"
                     "  network: true\n  fs_read: ['${WORKSPACE}/**']\n  fs_write:\n    - out/**\n")
    assert codes(manifest) == []
    assert claims(manifest) == ["codex:fs.read(${WORKSPACE}/**)@5",
                                "codex:fs.write(${WORKSPACE}/out/**)@7",
                                "codex:net.connect(*)@4"]
    assert all(claim.explicit for claim in manifest.claims)
    assert manifest.claims[0].location.path.name == "openai.yaml"


def test_codex_network_hosts(tmp_path: Path) -> None:
    manifest = codex(tmp_path, "permissions:\n  network: [api.x.com, Cdn.Y.com]\n")
    assert claims(manifest) == ["codex:net.connect(api.x.com)@2", "codex:net.connect(cdn.y.com)@2"]


def test_codex_errors_are_located_in_openai_yaml(tmp_path: Path) -> None:
    manifest = codex(tmp_path, "permissions:\n  network: yes please\n  fs_read: [a\n")
    assert codes(manifest) == [("SB104", 4)]
    assert manifest.findings[0].location is not None
    assert manifest.findings[0].location.path.name == "openai.yaml"


def test_codex_schema_violations(tmp_path: Path) -> None:
    manifest = codex(tmp_path, "permissions:\n  network: 'yes'\n  fs_write: out/**\n")
    assert codes(manifest) == [("SB105", 3), ("SB105", 2)] and manifest.claims == ()
    assert codes(codex(tmp_path / "b", "- a list\n")) == [("SB105", 1)]


def test_codex_is_read_even_without_frontmatter(tmp_path: Path) -> None:
    root, path = skill(tmp_path, "# no frontmatter\n")
    (root / "agents").mkdir()
    (root / "agents" / "openai.yaml").write_text("permissions: {network: true}\n")
    manifest = load_manifest(root, path)
    assert codes(manifest) == [("SB102", 1)] and claims(manifest) == ["codex:net.connect(*)@1"]


# --- never raises -----------------------------------------------------------------------

FAST = settings(max_examples=150, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture])


@FAST
@given(st.text())
def test_any_text_gives_findings_not_exceptions(tmp_path: Path, text: str) -> None:
    manifest = load(tmp_path, text)
    assert all(f.code.startswith("SB1") for f in manifest.findings)


@FAST
@given(st.text(alphabet=st.sampled_from(list("-:[]{}&*!|>'\"#,? \n\tabc<=%@`\\"))) | st.text())
def test_any_frontmatter_gives_findings_not_exceptions(tmp_path: Path, text: str) -> None:
    manifest = load(tmp_path, f"---\n{text}\n---\n", strict=True)
    assert all(f.code.startswith("SB1") for f in manifest.findings)


@FAST
@given(st.binary())
def test_any_bytes_give_findings_not_exceptions(tmp_path: Path, data: bytes) -> None:
    manifest = load(tmp_path, b"---\n" + data)
    assert all(f.code.startswith("SB1") for f in manifest.findings)
