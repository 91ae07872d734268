"""The summary of a batch scan, built one skill at a time so nothing else is kept:
verdict counts, the most common capabilities and finding codes, the slowest skills."""

from __future__ import annotations

import heapq
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from verifier.model import Verdict
from verifier.paths import display_path

if TYPE_CHECKING:
    from verifier.scan import Outcome

TOP = 10
SLOWEST = 5


@dataclass
class Summary:
    """Running totals of a scan."""

    verdicts: Counter[str] = field(default_factory=Counter)
    capabilities: Counter[str] = field(default_factory=Counter)
    codes: Counter[str] = field(default_factory=Counter)
    slowest: list[tuple[float, str]] = field(default_factory=list)
    cached: int = 0

    def add(self, outcome: Outcome) -> None:
        """Count one skill's outcome."""
        report = outcome.report
        self.verdicts[str(report.verdict)] += 1
        self.capabilities.update({str(c.capability) for c in report.capabilities})
        self.codes.update(f.code for f in report.findings)
        self.cached += outcome.cached
        entry = (outcome.seconds, display_path(report.root))
        if len(self.slowest) < SLOWEST:
            heapq.heappush(self.slowest, entry)
        else:
            heapq.heappushpop(self.slowest, entry)

    @property
    def total(self) -> int:
        """Skills scanned."""
        return sum(self.verdicts.values())

    def render(self, seconds: float) -> str:
        """The summary as text for stderr."""
        rate = self.total / seconds if seconds > 0 else 0.0
        lines = [f"scanned {self.total} skills in {seconds:.1f} s ({rate:.1f} skills/s, "
                 f"{self.cached} from the cache): "
                 + ", ".join(f"{self.verdicts[str(v)]} {v}" for v in Verdict)]
        if self.codes:
            lines.append("finding codes: " + ", ".join(
                f"{code} {count}" for code, count in self.codes.most_common(TOP)))
        if self.capabilities:
            lines.append("most common capabilities:")
            lines += [f"  {count:6} {capability}"
                      for capability, count in self.capabilities.most_common(TOP)]
        if self.slowest:
            lines.append("slowest skills:")
            lines += [f"  {seconds:6.2f} s {path}"
                      for seconds, path in sorted(self.slowest, reverse=True)]
        return "\n".join(lines) + "\n"
