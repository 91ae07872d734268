"""Text for the policy commands: validation, a context's effective rules, the built-ins."""

from __future__ import annotations

from pathlib import Path

from verifier.paths import display_path
from verifier.policy.load import Policy, builtin_profiles
from verifier.policy.model import Context, Rule
from verifier.resources import builtin_resources


def render_validated(path: Path, policy: Policy) -> str:
    """The one-line verdict of ``policy validate``."""
    contexts = ", ".join(sorted(policy.contexts)) or "none"
    return f"{display_path(path)}: valid; contexts: {contexts}\n"


def _rules(title: str, rules: tuple[Rule, ...]) -> list[str]:
    lines = [f"  {title}:" + ("" if rules else " none")]
    lines += [f"    {rule.capability}  <- {rule.text} ({rule.where})" for rule in rules]
    return lines


def render_context(context: Context) -> str:
    """The effective, flattened rules of one context, in the order they are evaluated."""
    lines = [f"context {context.name} (profiles: {' -> '.join(context.profile_chain)})",
             "  order: exceptions, then deny, ask, allow (first match wins), then the default"]
    for exception in context.exceptions:
        lines.append(f"  exception for {exception.skill} until {exception.expires} "
                     f"({exception.where}): {exception.reason}")
        lines += [f"    allow {rule.capability}" for rule in exception.allow]
    for title, rules in (("deny", context.deny), ("ask", context.ask), ("allow", context.allow)):
        lines += _rules(title, rules)
    lines.append(f"  default: {context.default} ({context.default_where})")
    for combination in context.combinations:
        groups = " + ".join("{" + ", ".join(sorted({r.text for r in g})) + "}"
                            for g in combination.groups)
        lines.append(f"  deny together: {groups} ({combination.where}) {combination.reason}")
    return "\n".join(lines) + "\n"


def render_builtins() -> str:
    """Every built-in profile with its rules, then every built-in resource class."""
    lines = ["Built-in profiles:"]
    for name, body in builtin_profiles().items():
        lines.append(f"  {name}: {body.get('description', '')}")
        lines.append(f"    default: {body.get('default', 'allow')}")
        for kind in ("deny", "ask", "allow"):
            if body.get(kind):
                lines.append(f"    {kind}: {', '.join(body[kind])}")
        for combination in body.get("combinations", []):
            lines.append(f"    deny together: {' + '.join(combination['deny'])}")
    lines.append("Built-in resources:")
    for name, resource in builtin_resources().items():
        lines.append(f"  {name}: {resource.description}")
        lines += [f"    {capability}" for capability in resource.capabilities]
    return "\n".join(lines) + "\n"
