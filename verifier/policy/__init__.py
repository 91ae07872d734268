"""Deployment-context policies: is this skill allowed where it is about to run?"""

from verifier.policy.evaluate import apply_policy, decide
from verifier.policy.load import Policy, builtin_profiles, context, load_policy
from verifier.policy.model import Context, Decision, PolicyError, Rule

__all__ = ["Context", "Decision", "Policy", "PolicyError", "Rule", "apply_policy",
           "builtin_profiles", "context", "decide", "load_policy"]
