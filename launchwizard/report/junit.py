"""JUnit XML, the test-report format every CI system shows (GitLab, Jenkins, GitHub actions).

The dialect is the common one (Ant's): <testsuites> of <testsuite> of <testcase>, with a
<failure> or <error> child when a case did not pass and <skipped/> when it did not run.
Text comes from the network (status lines, problems), so it goes through ElementTree,
which escapes it, after characters XML 1.0 cannot hold are dropped.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from launchwizard.results import Result
    from launchwizard.secrets.model import Finding

_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(text: str) -> str:
    """`text` without the characters XML 1.0 forbids (control characters, lone surrogates)."""
    return _NOT_XML.sub("", text)


@dataclass
class Case:
    """One test case: passed unless it has a failure, an error or was skipped."""

    name: str
    classname: str
    seconds: float = 0.0
    failure: str | None = None
    error: str | None = None
    skipped: str | None = None
    output: str = ""


@dataclass
class Suite:
    name: str
    cases: list[Case] = field(default_factory=list)


def render_junit(suites: Sequence[Suite]) -> str:
    """The XML document for the suites, with the counts CI systems read."""
    root = ET.Element("testsuites")
    for suite in suites:
        element = ET.SubElement(
            root,
            "testsuite",
            name=xml_text(suite.name),
            tests=str(len(suite.cases)),
            failures=str(sum(c.failure is not None for c in suite.cases)),
            errors=str(sum(c.error is not None for c in suite.cases)),
            skipped=str(sum(c.skipped is not None for c in suite.cases)),
            time=f"{sum(c.seconds for c in suite.cases):.3f}",
        )
        for case in suite.cases:
            _case(element, case)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _case(parent: ET.Element, case: Case) -> None:
    element = ET.SubElement(
        parent,
        "testcase",
        name=xml_text(case.name),
        classname=xml_text(case.classname),
        time=f"{case.seconds:.3f}",
    )
    for tag, message in (("failure", case.failure), ("error", case.error), ("skipped", case.skipped)):
        if message is not None:
            child = ET.SubElement(element, tag, message=xml_text(message.splitlines()[0] if message else ""))
            if tag != "skipped":
                child.text = xml_text(message)
    if case.output:
        ET.SubElement(element, "system-out").text = xml_text(case.output)


def run_suites(results: Sequence[Result]) -> list[Suite]:
    """A check run as JUnit: one suite per stage, one case per (check, target).

    A failure is a failed check, an error a check that could not run; warnings pass with
    their summary in system-out, so only blockers turn a CI build red.
    """
    suites: dict[str, Suite] = {}
    for result in results:
        suite = suites.setdefault(result.stage, Suite(f"launchwizard.{result.stage}"))
        case = Case(result.target, result.check, result.duration_ms / 1000)
        text = result.summary + (f"\nFix: {result.fix}" if result.fix else "")
        status = str(result.status)
        if status == "fail":
            case.failure = f"[{result.severity}] {text}"
        elif status == "error":
            case.error = text
        elif status == "skipped":
            case.skipped = result.summary
        else:
            case.output = f"{status}: {result.summary}"
        suite.cases.append(case)
    return list(suites.values())


def secrets_suites(findings: Sequence[Finding], scanned: str) -> list[Suite]:
    """A secret scan as JUnit: one failing case per finding (values redacted), or one passing
    case saying the scan found nothing."""
    suite = Suite("launchwizard.secrets")
    for finding in findings:
        place = f"{finding.path}:{finding.line}" + (f" @{finding.commit[:12]}" if finding.commit else "")
        case = Case(place, finding.rule)
        case.failure = f"[{finding.severity}] {finding.title} ({finding.provider}): {finding.redacted}"
        suite.cases.append(case)
    if not findings:
        suite.cases.append(Case(scanned, "secrets", output="no secrets found"))
    return [suite]
