"""skillbound: a static verifier for AI-agent skills.

``verify(paths, options)`` discovers the skills under the paths and returns a ``Report``.
The pipeline is imported on first use, so ``skillbound --version`` starts fast.
"""

from __future__ import annotations

import os
import sys

if sys.argv[:1] == ["-m"] and sys.path[:1] == [os.getcwd()] and not sys.flags.safe_path:
    # `python -m verifier` puts the current folder first on the import path. Run from inside a
    # skill, a `typing.py` there would be imported, and run, by the next line. os and sys are
    # loaded before any folder is searched, so nothing of the folder has run yet.
    del sys.path[0]

from typing import TYPE_CHECKING, Any  # noqa: E402 - only once the path is safe

__version__ = "0.1.0"

if TYPE_CHECKING:
    from verifier.pipeline import Options, Report, SkillReport, verify, verify_skill

__all__ = ["Options", "Report", "SkillReport", "__version__", "verify", "verify_skill"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from verifier import pipeline
        return getattr(pipeline, name)
    raise AttributeError(f"module 'verifier' has no attribute {name!r}")
