"""skillbound: a static verifier for AI-agent skills.

``verify(paths, options)`` discovers the skills under the paths and returns a ``Report``.
"""

__version__ = "0.1.0"

from verifier.pipeline import Options, Report, SkillReport, verify, verify_skill  # noqa: E402

__all__ = ["Options", "Report", "SkillReport", "__version__", "verify", "verify_skill"]
