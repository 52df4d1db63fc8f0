"""A repository's secret-scanning policy: what to allow, and the baseline of accepted findings.

The policy lives in the scanned repository itself (`.launchwizard-secrets.toml` at its
root), so `launchwizard secrets` in CI and the wizard's `secrets.repo` check agree on
what is allowed. A baseline is any earlier JSON (or SARIF) report of `launchwizard
secrets`: its fingerprints hold rule, path and value but no line or commit, so it does
not churn as code moves.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from launchwizard.config.errors import ConfigError
from launchwizard.config.load import parse_toml_text
from launchwizard.errors import UserError
from launchwizard.safe.files import MIB, read_capped
from launchwizard.secrets.engine import Allowlist
from launchwizard.secrets.model import Finding

POLICY_FILE_LIMIT = MIB
BASELINE_FILE_LIMIT = 64 * MIB
"""A baseline is an earlier report, which may list many findings."""

POLICY_FILE = ".launchwizard-secrets.toml"
POLICY_KEYS = ("allow_paths", "allow_rules", "allow_fingerprints", "baseline")
SARIF_FINGERPRINT = "launchwizard/v1"


class PolicyError(UserError):
    """A policy or baseline file that cannot be read as one."""


@dataclass(frozen=True)
class Policy:
    """What a repository allows, and where its baseline is (None: no baseline)."""

    allow: Allowlist = field(default_factory=Allowlist)
    baseline: Path | None = None


def load_policy(root: Path) -> Policy:
    """The policy of the repository at `root`; an absent file means an empty policy."""
    path = root / POLICY_FILE
    if not path.is_file():
        return Policy()
    try:
        document = parse_toml_text(path, read_capped(path, POLICY_FILE_LIMIT).decode("utf-8"))
    except ConfigError as exc:
        where = f"{path}:{exc.line}" if exc.line else str(path)
        raise PolicyError(f"{where}: not a readable TOML file ({exc.message})") from None
    except (OSError, UnicodeDecodeError) as exc:
        reason = getattr(exc, "strerror", None) or exc
        raise PolicyError(f"{path}: not a readable TOML file ({reason})") from None
    unknown = sorted(set(document) - set(POLICY_KEYS))
    if unknown:
        raise PolicyError(f"{path}: unknown key {unknown[0]!r}; known keys: {', '.join(POLICY_KEYS)}")
    allow = Allowlist(
        paths=_strings(path, document, "allow_paths"),
        rules=_strings(path, document, "allow_rules"),
        fingerprints=frozenset(_strings(path, document, "allow_fingerprints")),
    )
    baseline = document.get("baseline")
    if baseline is not None and not isinstance(baseline, str):
        raise PolicyError(f"{path}: baseline: expected the path of a report file as a string")
    return Policy(allow=allow, baseline=root / baseline if baseline else None)


def repo_allowlist(root: Path | None) -> Allowlist:
    """The allowlist of the product repository, for the checks that scan other places
    (bundles, logs, env files): one reviewed false positive is allowed everywhere. No
    repository, or a policy that cannot be read, allows nothing; `secrets.repo` reports
    the unreadable policy itself."""
    if root is None or not root.is_dir():
        return Allowlist()
    try:
        return load_policy(root).allow
    except PolicyError:
        return Allowlist()


def _strings(path: Path, document: dict[str, Any], key: str) -> tuple[str, ...]:
    value = document.get(key, [])
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise PolicyError(f"{path}: {key}: expected a list of strings")
    return tuple(value)


def load_baseline(path: Path) -> frozenset[str]:
    """Fingerprints accepted by an earlier report: our JSON (object or list) or our SARIF."""
    try:
        document = json.loads(read_capped(path, BASELINE_FILE_LIMIT).decode("utf-8"))
    except FileNotFoundError:
        raise PolicyError(f"baseline {path} does not exist") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise PolicyError(f"baseline {path} is not a JSON report ({exc})") from None
    fingerprints = _report_fingerprints(document)
    if fingerprints is None:
        raise PolicyError(
            f"baseline {path}: expected a report of `launchwizard secrets --format json` (or sarif)"
        )
    return frozenset(fingerprints)


def _report_fingerprints(document: Any) -> list[str] | None:
    """Fingerprints from a parsed report, or None when it has no recognisable shape."""
    if isinstance(document, dict) and isinstance(document.get("runs"), list):
        return [
            str(result["partialFingerprints"][SARIF_FINGERPRINT])
            for run in document["runs"]
            if isinstance(run, dict)
            for result in run.get("results") or []
            if isinstance(result, dict) and SARIF_FINGERPRINT in (result.get("partialFingerprints") or {})
        ]
    findings = document.get("findings") if isinstance(document, dict) else document
    if not isinstance(findings, list):
        return None
    return [str(item["fingerprint"]) for item in findings if isinstance(item, dict) and "fingerprint" in item]


def split_baselined(
    findings: Iterable[Finding], accepted: frozenset[str]
) -> tuple[list[Finding], list[Finding]]:
    """(new findings, findings already accepted in the baseline)."""
    new: list[Finding] = []
    known: list[Finding] = []
    for finding in findings:
        (known if finding.fingerprint in accepted else new).append(finding)
    return new, known
