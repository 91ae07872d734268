"""skillbound: a static verifier for AI-agent skills.

``verify(paths, options)`` discovers the skills under the paths and returns a ``Report``.
The pipeline is imported on first use, so ``skillbound --version`` starts fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from verifier.pipeline import Options, Report, SkillReport, verify, verify_skill

__all__ = ["Options", "Report", "SkillReport", "__version__", "verify", "verify_skill"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from verifier import pipeline
        return getattr(pipeline, name)
    raise AttributeError(f"module 'verifier' has no attribute {name!r}")
