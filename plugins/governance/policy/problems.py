"""What the linter reports, and the error that carries the reports.

A problem names the file, the 1-based line of the offending key and what was expected, in the
``path:line: message`` form editors and CI logs turn into links.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from governance.errors import TerminalError


@dataclass(frozen=True, order=True)
class Problem:
    """One thing in the policy that cannot be carried out as written."""

    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


class PolicyError(TerminalError):
    """The policy does not lint clean; ``problems`` lists every problem found."""

    #: How many problems the message itself repeats; ``problems`` always holds them all.
    SHOWN = 20

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(sorted(problems))
        shown = [str(problem) for problem in self.problems[: self.SHOWN]]
        more = len(self.problems) - len(shown)
        if more > 0:
            shown.append(f"... and {more} more (run: governance lint)")
        count = len(self.problems)
        super().__init__(
            f"the policy has {count} problem{'s' if count != 1 else ''}:\n" + "\n".join(shown)
        )
