"""The four rule tables together, and the repository-level rules."""

from __future__ import annotations

from launchwizard.code import errors, pooling, retries, timeouts
from launchwizard.code.model import RepoRule, Rule

ALL_RULES: tuple[Rule, ...] = (*timeouts.RULES, *retries.RULES, *pooling.RULES, *errors.RULES)
REPO_RULES: tuple[RepoRule, ...] = (*retries.REPO_RULES, *errors.REPO_RULES)
