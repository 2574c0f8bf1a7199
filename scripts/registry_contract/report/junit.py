"""JUnit XML: one testcase per fixture check and per compatibility check."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from ..model import (
    BREAKING_CHANGE,
    INVALID_FIXTURE,
    CompatCheck,
    Finding,
    FixtureResult,
    GateResult,
)


def render_junit(result: GateResult) -> str:
    """A JUnit report that CI test viewers understand; findings become failure messages."""
    suites = ET.Element("testsuites", name="registry-contract")
    fixtures = [_fixture_case(x, result.findings) for x in result.fixtures]
    compat = [_compat_case(c, result.findings) for c in result.compat_checks]
    other = [_other_case(f) for f in result.violations if f.kind not in _COVERED]
    for name, cases in (("fixtures", fixtures), ("compatibility", compat), ("gate", other)):
        if name == "gate" and not cases:
            continue
        suite = ET.SubElement(suites, "testsuite", name=name)
        suite.extend(cases)
        _count(suite, cases)
    _count(suites, list(suites.iter("testcase")))
    for element in suites.iter():
        element.attrib = {k: _xml_text(v) for k, v in element.attrib.items()}
        if element.text:
            element.text = _xml_text(element.text)
    ET.indent(suites)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(suites, "unicode") + "\n"


# Violations of these kinds already fail a fixture or compatibility testcase.
_COVERED = (INVALID_FIXTURE, BREAKING_CHANGE)


def _count(element: ET.Element, cases: list[ET.Element]) -> None:
    element.set("tests", str(len(cases)))
    element.set("failures", str(sum(1 for c in cases if c.find("failure") is not None)))


def _fixture_case(fixture: FixtureResult, findings: list[Finding]) -> ET.Element:
    where = f"{fixture.file}:{fixture.line}" if fixture.line else fixture.file
    case = ET.Element(
        "testcase",
        classname=f"{fixture.schema}@{fixture.track}",
        name=f"{where} (expected {fixture.expected})",
        file=fixture.file,
    )
    if not fixture.ok:
        found = [f for f in findings if _about(f, fixture)]
        message = found[0].message if found else f"fixture expected {fixture.expected} failed"
        failure = ET.SubElement(
            case, "failure", message=message, type=found[0].rule if found else "fixture"
        )
        failure.text = "\n".join(_describe(f) for f in found) or message
    return case


def _about(finding: Finding, fixture: FixtureResult) -> bool:
    return (
        finding.kind == INVALID_FIXTURE
        and (finding.schema, finding.track, finding.file)
        == (fixture.schema, fixture.track, fixture.file)
        and (fixture.line is None or finding.line == fixture.line)
    )


def _compat_case(check: CompatCheck, findings: list[Finding]) -> ET.Element:
    case = ET.Element(
        "testcase",
        classname=check.schema,
        name=f"{check.context}: {check.old} -> {check.new} ({check.level})",
    )
    if not check.compatible:
        mine = [f for f in findings if f.kind == BREAKING_CHANGE and f.schema == check.schema]
        # compat_gate prefixes each change's message with "OLD -> NEW: ".
        found = [f for f in mine if f.message.startswith(f"{check.old} -> {check.new}: ")] or mine
        message = f"{check.old} -> {check.new} is not {check.level}-compatible"
        failure = ET.SubElement(case, "failure", message=message, type="breaking-change")
        failure.text = "\n".join(_describe(f) for f in found) or message
    return case


def _other_case(finding: Finding) -> ET.Element:
    case = ET.Element("testcase", classname=finding.schema, name=f"{finding.kind}: {finding.rule}")
    failure = ET.SubElement(case, "failure", message=finding.message, type=finding.rule)
    failure.text = _describe(finding)
    return case


def _describe(f: Finding) -> str:
    at = f" at {f.path}" if f.path else ""
    status = f" [accepted: {f.reason}]" if f.accepted else ""
    return f"[{f.rule}] {f.schema}@{f.track}{at}: {f.message}{status}"


_NOT_XML = re.compile(r"[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _xml_text(text: str) -> str:
    """XML 1.0 cannot hold control characters at all; payload text may contain them."""
    return _NOT_XML.sub("\ufffd", text)
