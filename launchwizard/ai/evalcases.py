"""The plain data an evaluation set becomes: cases to send and the assertions that grade them.

`evalset` builds them from a promptfoo test file; `grading` judges a reply against them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Assertion:
    """One assertion of a test, its value already filled in from the test's vars."""

    type: str
    value: Any = None
    weight: float = 1.0
    threshold: float | None = None
    children: tuple[Assertion, ...] = ()
    not_evaluated: str = ""
    """Why it is not graded here (it needs a model or code); empty when it is."""
    pattern: Any = None
    """The compiled regular expression of regex / not-regex."""

    @property
    def inverse(self) -> bool:
        return self.type.startswith("not-")

    @property
    def base(self) -> str:
        return self.type.removeprefix("not-")


@dataclass(frozen=True)
class EvalCase:
    """One prompt to send and what its reply must satisfy; `problem` when it cannot be sent."""

    id: str
    description: str
    prompt: str | None
    assertions: tuple[Assertion, ...] = ()
    threshold: float | None = None
    problem: str | None = None
    not_evaluated: str = ""
    """Why the whole case is not graded here (an output transform that runs JavaScript)."""


@dataclass(frozen=True)
class EvalSet:
    """The cases of one file, in file order, and notes on what was read around them."""

    path: Path
    cases: tuple[EvalCase, ...]
    notes: tuple[str, ...] = ()
