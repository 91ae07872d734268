"""Headless Chromium for the HTML report's tests and benchmark.

Debian's ``chromium`` package (``.ci/run`` installs it), driven by Playwright pointed at the
system executable: no browser is ever downloaded. ``SKILLBOUND_CHROMIUM`` names another
executable.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
"""Besides headless mode: nothing that talks to the network or needs a GPU or a sandbox."""


def chromium() -> Path | None:
    """The Chromium executable to use, if there is one."""
    candidates = [os.environ.get("SKILLBOUND_CHROMIUM"), "/usr/bin/chromium",
                  shutil.which("chromium"), shutil.which("chromium-browser")]
    return next((Path(c) for c in candidates if c and Path(c).is_file()), None)


def missing() -> str | None:
    """Why the browser cannot run here, or None when it can."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is missing: pip install -e '.[test]'"
    if chromium() is None:
        return ("no Chromium found: apt-get install chromium, or set SKILLBOUND_CHROMIUM "
                "to an executable")
    return None


@contextmanager
def browser() -> Iterator[Any]:
    """A headless Chromium (a fresh profile each launch), closed afterwards."""
    from playwright.sync_api import sync_playwright
    executable = chromium()
    assert executable is not None, missing()
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(executable), headless=True,
                                              args=ARGS)
        try:
            yield launched
        finally:
            launched.close()
