"""The registry of finding codes: title, default severity, message template and help.

Every finding is made here, so text output, JSON, SARIF rules and the docs read one table.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from verifier.capability import Capability
from verifier.model import Finding, Location, Severity


@dataclass(frozen=True)
class Rule:
    """One finding code and everything said about it."""

    code: str
    title: str
    severity: Severity
    message: str
    help: str


_RULES = (
    Rule("SB101", "missing SKILL.md", Severity.HIGH,
         "no SKILL.md (in any letter case) in {folder}",
         "A skill is a folder with a SKILL.md; without it the agent has no manifest to follow "
         "and skillbound has no claims to compare with."),
    Rule("SB102", "missing frontmatter", Severity.MEDIUM,
         "SKILL.md does not start with a '---' YAML frontmatter block",
         "Start SKILL.md with '---', the YAML fields (name, description, capabilities), and "
         "a closing '---'."),
    Rule("SB103", "unterminated frontmatter", Severity.HIGH,
         "the frontmatter opened on line 1 is never closed with '---'",
         "Close the frontmatter with a line holding only '---'. Until then no claim can be "
         "read, so everything the skill does is undeclared."),
    Rule("SB104", "unreadable manifest", Severity.HIGH,
         "cannot read the manifest: {detail}",
         "Fix the YAML syntax or the file. skillbound reads YAML safely, with limits on size, "
         "aliases and nesting, and rejects duplicate keys, non-UTF-8 text and files that are "
         "not regular files inside the skill."),
    Rule("SB105", "manifest schema violation", Severity.MEDIUM,
         "{field}: {detail}",
         "The frontmatter must follow schemas/skill-manifest.schema.json (Agent Skills fields, "
         "vendor metadata, native capabilities)."),
    Rule("SB106", "bad capability syntax", Severity.HIGH,
         "cannot read the claim {text!r}: {detail}",
         "A claim is kind(scope) with a kind from the vocabulary, for example "
         "net.connect(api.example.com) or fs.read(${{SKILL_DIR}}/**)."),
    Rule("SB107", "name does not match folder", Severity.LOW,
         "name {name!r} differs from the folder name {folder!r}",
         "The Agent Skills specification asks that 'name' equal the skill's folder name."),
    Rule("SB108", "unsafe name", Severity.HIGH,
         "name {name!r} {detail}",
         "Agents and installers build paths and menus from a skill's name: a name with a path "
         "separator or '..' can write outside the skills folder, and invisible or control "
         "characters make one skill pass for another. Use 1-64 of a-z, 0-9 and '-'."),
    Rule("SB109", "manifest file name", Severity.LOW,
         "the manifest is named {name!r}, not 'SKILL.md'",
         "Agents on case-insensitive file systems (macOS, Windows) load this skill, but agents "
         "on case-sensitive ones (Linux, most containers and CI runners) look for 'SKILL.md' "
         "exactly and may not load it. Rename the file to SKILL.md."),
    Rule("SB201", "undeclared capability", Severity.MEDIUM,
         "{capability} is not declared ({tier} capability, via {via})",
         "The code can do something the manifest does not claim. Declare it in "
         "'capabilities:' if it is intended, or remove the code. Severity follows the "
         "capability's risk tier and whether the skill declares anything at all."),
    Rule("SB202", "unused claim", Severity.LOW,
         "{capability} is declared but no code exercises it",
         "Least privilege: a claim that nothing uses widens what reviewers and policies must "
         "accept. Remove it or narrow its scope."),
    Rule("SB203", "unverifiable code", Severity.HIGH,
         "{detail}; the skill cannot be verified",
         "Dynamic code, obfuscation, and unparseable or binary files hide what a skill does. "
         "skillbound fails closed: replace them with plain source."),
    Rule("SB301", "denied in this context", Severity.HIGH,
         "{capability} is denied in context {context}: {rule}",
         "Legitimate but misplaced: the skill may be honest, but the deployment context does "
         "not allow this capability. Run it elsewhere, narrow the skill, or add a reviewed "
         "exception with an expiry date."),
    Rule("SB302", "needs confirmation in this context", Severity.MEDIUM,
         "{capability} needs a human's confirmation in context {context}: {rule}",
         "The context asks before this capability is used. A capability whose scope is unknown "
         "may reach what a deny rule names, so it needs confirmation too."),
    Rule("SB303", "denied combination", Severity.HIGH,
         "{members} together are denied in context {context} ({where}): {reason}",
         "Some capabilities are acceptable alone and dangerous together, such as a secret and "
         "an outbound connection. Split the skill or narrow one side."),
    Rule("SB304", "exception expired", Severity.MEDIUM,
         "the exception for {capability} in context {context} ({where}) expired on {expires}; "
         "it no longer applies",
         "Exceptions carry an expiry date so that they are reviewed again. Renew it after "
         "review, or remove the capability."),
    Rule("SB401", "changed since the lock", Severity.LOW,
         "{detail}",
         "The skill differs from what skillbound.lock recorded when it was reviewed. Review "
         "the change, then run skillbound lock again."),
    Rule("SB402", "new capability since the lock", Severity.HIGH,
         "{capability} is new since the lock",
         "The skill can now do something it could not when it was locked: the rug-pull case, "
         "an update that adds a capability. Review it before the skill runs again."),
    Rule("SB501", "unused suppression", Severity.LOW,
         "this suppression of {codes} matches no finding",
         "An inline suppression covers findings of the codes it names on its own line (and on "
         "the next line when it stands alone). This one covers none: the finding moved or is "
         "gone. Remove the comment, or move it to the line the finding points at."),
    Rule("SB502", "invalid suppression", Severity.MEDIUM,
         "this suppression is not applied: {detail}",
         "Write suppressions as '# skillbound: ignore[SB201] reason' (or the markdown form "
         "'<!-- skillbound: ignore[SB205] reason -->'). A reason is required, and only "
         "manifest findings and the honesty of claims (SB1xx, SB201, SB202) may be suppressed "
         "in the skill's own files: the author may be the attacker, so unverifiable code, "
         "threats and analysis limits (SB203, SB204, SB205, SB6xx, SB9xx), like policy and "
         "lock findings, are accepted only by the deployer, in a baseline or a policy "
         "exception."),
    Rule("SB503", "stale baseline entry", Severity.LOW,
         "the baseline entry {fingerprint} ({accepted}) matches no finding of this skill",
         "The finding this entry accepted is gone or changed. Write the baseline again with "
         "--write-baseline, or remove the entry."),
    Rule("SB601", "exfiltration", Severity.HIGH,
         "{detail}: {source} reaches {sink}",
         "A value read from a secret (a credential file, a secret variable, the whole "
         "environment) reaches a connection that leaves the machine, by data flow; or any "
         "data reaches an exfiltration sink (webhook catchers, paste sites, tunnels, raw IP "
         "addresses). A secret sent to its own service is API use and is not reported; a "
         "secret written where it persists (logs, memory files, session state) is medium. A "
         "declaration never accepts a threat: only a policy exception does."),
    Rule("SB602", "remote code", Severity.HIGH,
         "{detail}{origin}",
         "Code fetched from the network, or hidden by encoding, runs on the user's machine: "
         "`curl … | sh`, download then run, decode-and-run, the skill rewriting itself from "
         "the network. A vendor's documented installer over https is medium; code from a raw "
         "IP, a paste site or a decoded blob is critical."),
    Rule("SB603", "privilege", Severity.HIGH,
         "{detail}{where}",
         "The skill raises or widens privilege: sudo beyond installing a named package, "
         "setuid bits, world-writable modes, chown to root, writes to /etc, sudoers or system "
         "folders, turning off a safety check."),
    Rule("SB604", "persistence", Severity.HIGH,
         "{detail}{where}",
         "The skill makes something survive the session: cron, systemd or launchd units, "
         "shell startup files, git hooks, login items, writes to the agent's configuration, "
         "memory or other skills."),
    Rule("SB605", "deception", Severity.HIGH,
         "{detail}{where}",
         "The instructions turn the agent against its user: hide what it does, override "
         "earlier instructions or policy, collect secrets and send them on, or carry "
         "instructions a human cannot see (HTML comments, invisible or tag characters, bidi "
         "overrides). A description written to capture every request is medium."),
    Rule("SB606", "supply chain", Severity.HIGH,
         "{detail}{where}",
         "The skill installs what its author may not mean: a name one or two edits from a "
         "popular package (a typosquat), a package from a non-default index, a URL or a git "
         "remote, or a package run straight from the registry."),
    Rule("SB607", "destruction", Severity.HIGH,
         "{detail}{where}",
         "The skill deletes what is not its own: the home folder, the root, a wildcard or a "
         "computed path, the agent's memory, session logs or configuration; or runs disk and "
         "partition tools."),
    Rule("SB901", "analysis error", Severity.HIGH,
         "analysis of this skill failed: {detail}",
         "skillbound could not finish analysing the skill and fails closed. Please report "
         "the message if the skill is well formed."),
    Rule("SB902", "resource limit exceeded", Severity.HIGH,
         "not analysed: {detail}",
         "skillbound bounds what it reads of one skill so that hostile input cannot stall a "
         "run or exhaust memory: a code file over the per-file size limit (--max-file-size) "
         "or a skill with too many files is not analysed, and the skill fails closed. Raise "
         "the limit if the file is genuine; split the skill, or move generated and vendored "
         "files out of it."),
    Rule("SB903", "time limit exceeded", Severity.HIGH,
         "the analysis took longer than the limit of {seconds} s",
         "The skill's analysis did not finish within the per-skill time limit (--time-limit), "
         "so the skill fails closed. Raise the limit if the skill is genuinely large."),
)

RULES: dict[str, Rule] = {rule.code: rule for rule in _RULES}


def make(code: str, location: Location | None = None, *, capability: Capability | None = None,
         severity: Severity | None = None, witness: tuple[str, ...] = (),
         flow: tuple[str, ...] = (), **fields: Any) -> Finding:
    """Build a finding of ``code``; ``fields`` fill the rule's message template, and a
    ``rule`` field (the policy rule that decided) is kept on the finding too."""
    rule = RULES[code]
    values = {"capability": capability, **fields}
    return Finding(code=code, severity=rule.severity if severity is None else severity,
                   message=rule.message.format(**values), location=location,
                   capability=capability, witness=witness, rule=str(fields.get("rule", "")),
                   flow=flow)


def fingerprint(root: Path, finding: Finding) -> str:
    """A line-independent identity: the same finding keeps it when lines move (baselines, SARIF)."""
    where = ""
    if finding.location is not None:
        try:
            where = finding.location.path.relative_to(root).as_posix()
        except ValueError:
            where = finding.location.path.name
    # The message tells apart findings on one capability (an SB204 per sink) and findings
    # without one (SB205 quotes its text); its numbers go, as they may be line numbers.
    message = re.sub(r"\d+", "#", finding.message)
    parts = (finding.code, root.name, where, str(finding.capability or ""), message)
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]


def order(finding: Finding) -> tuple[object, ...]:
    """Sort key of findings: worst first, then code, place and capability."""
    location = finding.location
    return (-finding.severity, finding.code, str(location.path) if location else "",
            location.line if location else 0, str(finding.capability or ""), finding.message)
