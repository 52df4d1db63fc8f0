"""The handover pack: golden files, escaping, links to evidence, secrets, template errors,
and the templates shipping inside the wheel.

Golden files are compared byte for byte; regenerate them after an intended change with
`LAUNCHWIZARD_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_pack.py` and review
the diff like code.
"""

from __future__ import annotations

import copy
import dataclasses
import importlib.util
import os
import re
import shutil
import stat
import subprocess
import sys
import tomllib
import zipfile
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import jinja2
import pytest

from launchwizard.config import parse_sprint
from launchwizard.report.pack import (
    PACK_FILES,
    SHIPPED_PACKAGE,
    PackInput,
    PackTemplateError,
    make_environment,
    render_pack,
    shipped_templates,
)
from launchwizard.safe.markdown import code, fence, github_slug, md, prose
from launchwizard.state.model import ItemState, Override, SprintState, StageState
from launchwizard.store.view import FieldView, SectionView, StoreView

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = Path(__file__).parent / "golden" / "pack"
UPDATE = os.environ.get("LAUNCHWIZARD_UPDATE_GOLDEN") == "1"
NOW = datetime(2026, 11, 25, 15, 30, tzinfo=UTC)
SECRET_CANARY = "CANARY-SECRET-7f3a9c1e"
PUBLIC_CANARY = "CANARY_PUBLIC*<b>|x"
LINK = re.compile(r"(?<!\\)\]\(([^)\s]*)\)")
ANCHOR = re.compile(r'<a id="([^"]+)"></a>')
HEADING = re.compile(r"^#{1,6} (.*)$")

SPRINT_TOML = """
[sprint]
client = "Acme <Robotics> | *AI*"
canonical = "https://www.acme.test/"

[domains]
apex = "acme.test"
hosts = ["acme.test", "www.acme.test", "app.acme.test"]

[environments.production]
variables = ["DATABASE_URL", "OPENAI_API_KEY", "SESSION_SECRET"]

[environments.staging]
variables = ["DATABASE_URL", "OPENAI_API_KEY", "STAGING_ONLY_FLAG"]
"""


def _result(check: str, target: str, status: str, severity: str, **extra: Any) -> dict[str, Any]:
    stage = extra.pop("stage", "audit")
    base = {
        "check": check,
        "stage": stage,
        "target": target,
        "status": status,
        "severity": severity,
        "title": extra.pop("title", f"Title of {check}"),
        "summary": extra.pop("summary", f"{check} on {target}"),
        "evidence": extra.pop("evidence", {}),
        "fix": extra.pop("fix", ""),
        "references": extra.pop("references", []),
        "duration_ms": extra.pop("duration_ms", 10),
    }
    return {**base, **extra}


def fixed_run() -> dict[str, Any]:
    """A saved run written by hand: every status, hostile text, a diff."""
    hostile = _result(
        "dns.records",
        "www.acme.test",
        "pass",
        "high",
        title="Host resolves to the expected records",
        summary="TXT seen: `v=spf1 | <script>alert(1)</script> *bold* [x](http://evil.test)",
        evidence={"TXT": ["```\nnot a fence end\n````", "a|b"], "A": ["203.0.113.10"]},
        references=["RFC 1034 §3.6"],
    )
    expiry = _result(
        "tls.expiry",
        "app.acme.test",
        "fail",
        "critical",
        title="Certificate is not about to expire",
        summary="certificate expires in 5.5 days (2026-12-01)\nrenewal job last ran 40 days ago",
        evidence={"not_after": "2026-12-01T00:00:00+00:00", "days_left": 5.5},
        fix="Renew now: `certbot renew --cert-name app.acme.test`, then reload with `nginx -s reload`.",
        references=["RFC 5280 §4.1.2.5 (validity)"],
    )
    redirect = _result(
        "redirect.https",
        "app.acme.test",
        "warn",
        "medium",
        title="HTTP redirects to HTTPS",
        summary="first hop is 302, not permanent",
        evidence={"chain": [{"url": "http://app.acme.test/", "status": 302}]},
        fix="Use `return 301 https://$host$request_uri;` in nginx.",
    )
    spf = _result(
        "email.spf",
        "acme.test",
        "error",
        "high",
        stage="email",
        title="SPF record is valid",
        summary="SERVFAIL from every name server",
        evidence={"error": "SERVFAIL"},
    )
    alerts = _result(
        "monitor.alerts",
        "hooks.acme.test",
        "pass",
        "high",
        stage="handover",
        title="A test alert reaches the channel",
        summary="the webhook answered 200 within 0.4 s",
        evidence={"status": 200},
    )
    skipped = _result(
        "edge.ratelimit",
        "api.acme.test",
        "skipped",
        "info",
        stage="edge",
        summary="opt-in probe not enabled",
    )
    apex = _result("dns.records", "acme.test", "pass", "high", summary="resolves as expected: A 203.0.113.9")
    rdap = {"server": "https://rdap.registry.test/domain/acme.test", "retrieved_at": "2026-11-25T13:59:00Z"}
    registrar = _result(
        "registrar.status",
        "acme.test",
        "warn",
        "medium",
        title="Domain is active at the registry and locked against transfer",
        summary="no transfer lock: whoever gets the transfer code can move the domain elsewhere",
        evidence={
            "statuses": ["active"],
            "transfer_lock": False,
            "registry_lock": False,
            "registrar": {"name": "Gandi *SAS* | <b>", "iana_id": "81", "abuse_email": "abuse@gandi.test"},
            "rdap": rdap,
        },
    )
    renewal = _result(
        "registrar.expiry",
        "acme.test",
        "warn",
        "medium",
        title="Domain registration is not about to expire",
        summary="acme.test expires in 45 days (2027-01-09)",
        evidence={"expires": "2027-01-09T10:00:00+00:00", "days_left": 45.0, "rdap": rdap},
    )
    results = [apex, renewal, registrar, hostile, expiry, redirect, spf, skipped, alerts]
    return {
        "schema": "launchwizard.run/1",
        "started_at": "2026-11-25T14:00:00+00:00",
        "duration_ms": 812,
        "results": results,
        "risks": [expiry, spf, redirect],
        "decision": {
            "verdict": "delay-24h",
            "reasons": ["fail critical: tls.expiry on app.acme.test: certificate expires in 5.5 days"],
        },
        "diff": {
            "previous": "2026-11-25T09:00:00+00:00",
            "fixed": [
                {
                    "check": "monitor.alerts",
                    "target": "hooks.acme.test",
                    "status": "pass",
                    "was": "fail",
                    "summary": "the webhook answered 200 within 0.4 s",
                }
            ],
            "new": [
                {
                    "check": "redirect.https",
                    "target": "app.acme.test",
                    "status": "warn",
                    "was": "pass",
                    "summary": "first hop is 302, not permanent",
                },
                {
                    "check": "email.spf",
                    "target": "acme.test",
                    "status": "error",
                    "was": None,
                    "summary": "SERVFAIL from every name server",
                },
            ],
            "still_failing": [
                {
                    "check": "tls.expiry",
                    "target": "app.acme.test",
                    "status": "fail",
                    "was": "fail",
                    "summary": "certificate expires in 5.5 days (2026-12-01)",
                }
            ],
        },
    }


def fixed_state() -> SprintState:
    """Items in every status (one waiver expired at NOW, one still running) and an override."""
    at = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
    state = SprintState(started_at=datetime(2026, 11, 24, 9, 0, tzinfo=UTC))
    state.stages = {"audit": StageState("done", at), "edge": StageState("in-progress", at)}
    state.items = {
        "secrets-rotated": ItemState("done", evidence="rotated OPENAI_API_KEY; see PR #42", updated_at=at),
        "build-from-scratch": ItemState("na", reason="static site, built by the host", updated_at=at),
        "rollback-tested": ItemState(
            "waived", reason="no staging yet", owner="Dana | CTO", expires=date(2026, 12, 10), updated_at=at
        ),
        "release-notes-written": ItemState(
            "waived", reason="written after launch", owner="Sam", expires=date(2026, 11, 20), updated_at=at
        ),
        "uptime-two-regions": ItemState("done", evidence="https://status.acme.test/", updated_at=at),
    }
    state.override = Override("fix-first", "the expiring cert is renewed by hand tonight", "Dana | CTO", at)
    return state


def _secret(name: str, label: str, location: str | None, is_set: bool = True) -> FieldView:
    """A secret field that (wrongly) carries the canary as its value: the pack must not read it."""
    return FieldView(name, label, secret=True, is_set=is_set, value=SECRET_CANARY, location=location)


def _plain(name: str, label: str, value: str | None) -> FieldView:
    return FieldView(name, label, secret=False, is_set=value is not None, value=value)


def fixed_store() -> StoreView:
    keyring = "the OS keyring (service launchwizard/acme)"
    registrar = SectionView(
        "registrar",
        "Domain registrar",
        "access",
        (
            _plain("registrar.provider", "Provider", "Gandi"),
            _plain("registrar.url", "URL", "https://admin.gandi.test/"),
            _plain("registrar.owner", "Owner", "Jane *Doe* <jane@acme.test>"),
            _plain("registrar.account", "Account", PUBLIC_CANARY),
            _plain("registrar.mfa", "MFA", None),
            _plain("registrar.notes", "Notes", "transfer lock on\n- auto-renew on"),
            _plain("registrar.expires", "Expires", None),
            _plain("registrar.transfer_lock", "Transfer lock", None),
            _plain("registrar.nameservers", "Name servers", "ns1.acme.test, ns2.acme.test"),
            _secret("registrar.password", "Password", keyring),
            _secret("registrar.recovery_codes", "Recovery codes", None, is_set=False),
        ),
    )
    dns = SectionView(
        "dns",
        "DNS / Cloudflare",
        "access",
        (_plain("dns.owner", "Owner", "ops_team"), _secret("dns.api_token", "API token", None)),
    )
    return StoreView(
        (
            registrar,
            dns,
            SectionView(
                "contacts",
                "Support contacts",
                "contacts",
                (
                    _plain("contacts.support_email", "Support email", "help@acme.test"),
                    _plain("contacts.on_call", "On call", "1. Dana\n2. Sam"),
                ),
            ),
            SectionView("env", "Environment variables", "environments", ()),
            SectionView(
                "rotation",
                "Secret rotation",
                "rotation",
                (_plain("rotation.notes", "Notes", "OpenAI key: dashboard > API keys > rotate"),),
            ),
            SectionView(
                "monitors",
                "Uptime monitors and alerts",
                "monitoring",
                (
                    _plain("monitors.uptime_urls", "Uptime URLs", "https://up.test/a\nhttps://up.test/b"),
                    _plain("monitors.alert_route", "Alert route", "#launch-alerts on Slack"),
                    _secret("monitors.alert_webhook", "Alert webhook", "the encrypted file keyring"),
                ),
            ),
            SectionView(
                "rollback",
                "Rollback runbook",
                "rollback",
                (
                    _plain(
                        "rollback.steps",
                        "Steps",
                        "1. vercel rollback\n2. purge the CDN cache\n3. tell #support",
                    ),
                    _plain("rollback.last_tested", "Last tested", None),
                ),
            ),
            SectionView(
                "release", "Release notes", "release", (_plain("release.version", "Version", "1.0.0"),)
            ),
            SectionView("vendor_x", "Vendor x", "custom-kind", (_plain("vendor_x.owner", "Owner", "Lee"),)),
        )
    )


def fixed_input(**changes: Any) -> PackInput:
    values: dict[str, Any] = {
        "sprint": parse_sprint(SPRINT_TOML, Path("/fixed/sprint.toml")),
        "state": fixed_state(),
        "run": fixed_run(),
        "store": fixed_store(),
        "now": NOW,
        "notes": ["/fixed/.launchwizard/runs/run-20261125T150000.000000Z.json: not valid JSON at line 3"],
    }
    values.update(changes)
    return PackInput(**values)


def _render(tmp_path: Path, pack: PackInput | None = None, **kwargs: Any) -> dict[str, str]:
    paths = render_pack(pack or fixed_input(), tmp_path, **kwargs)
    return {p.name: p.read_text(encoding="utf-8") for p in paths}


def _outside_fences(text: str) -> list[str]:
    """The lines of a markdown file that are not inside fenced code blocks."""
    lines, fence_mark = [], None
    for line in text.splitlines():
        match = re.match(r"^(`{3,})", line)
        if fence_mark is None and match:
            fence_mark = match.group(1)
        elif fence_mark is not None and line.strip() and set(line.strip()) == {"`"}:
            if len(line.strip()) >= len(fence_mark):
                fence_mark = None
        elif fence_mark is None:
            lines.append(line)
    return lines


# --- golden files -------------------------------------------------------------------


def test_pack_matches_golden_files(tmp_path: Path) -> None:
    files = _render(tmp_path)
    assert sorted(files) == sorted(f.output for f in PACK_FILES)
    if UPDATE:
        GOLDEN.mkdir(parents=True, exist_ok=True)
        for name, text in files.items():
            (GOLDEN / name).write_bytes(text.encode("utf-8"))
    for name in files:
        golden = (GOLDEN / name).read_bytes()
        assert (tmp_path / name).read_bytes() == golden, f"{name} differs from tests/golden/pack/{name}"


def test_rendering_twice_gives_identical_bytes(tmp_path: Path) -> None:
    first = _render(tmp_path / "a")
    second = _render(tmp_path / "b")
    assert first == second


def test_every_file_is_private(tmp_path: Path) -> None:
    for path in render_pack(fixed_input(), tmp_path / "pack"):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path


# --- links and evidence -------------------------------------------------------------


def _targets(files: dict[str, str]) -> dict[str, set[str]]:
    """Every id a link may point at, per file: explicit anchors and heading slugs."""
    targets = {}
    for name, text in files.items():
        lines = _outside_fences(text)
        ids = {m for line in lines for m in ANCHOR.findall(line)}
        ids |= {github_slug(ANCHOR.sub("", h.group(1))) for line in lines if (h := HEADING.match(line))}
        targets[name] = ids
    return targets


def _assert_links_resolve(files: dict[str, str]) -> int:
    targets = _targets(files)
    count = 0
    for name, text in files.items():
        for line in _outside_fences(text):
            for link in LINK.findall(line):
                path, _, fragment = link.partition("#")
                target_file = path or name
                assert target_file in files, f"{name}: link to missing file {link}"
                if fragment:
                    assert fragment in targets[target_file], f"{name}: link to missing anchor {link}"
                count += 1
    return count


def test_every_link_target_exists(tmp_path: Path) -> None:
    assert _assert_links_resolve(_render(tmp_path)) > 20


def test_every_pass_links_to_its_evidence(tmp_path: Path) -> None:
    files = _render(tmp_path)
    for name, text in files.items():
        for line in _outside_fences(text):
            for match in re.finditer(r"\bpass\b", line):
                before, after = line[: match.start()], line[match.end() :]
                linked = re.search(r"\[[^\]]*$", before) and after.startswith("](evidence.md#")
                assert linked or before.endswith("was "), f"{name}: unlinked pass in {line!r}"
    evidence = files["evidence.md"]
    for result in fixed_run()["results"]:
        if result["status"] == "pass":
            assert f"on {md(result['target'])}" in evidence
    assert "[pass](evidence.md#ev-dns-records-www-acme-test)" in evidence
    assert '<a id="ev-dns-records-www-acme-test"></a>' in evidence


def test_risks_link_to_their_evidence_entries(tmp_path: Path) -> None:
    risks = _render(tmp_path)["risks.md"]
    assert "[fail](evidence.md#ev-tls-expiry-app-acme-test)" in risks
    assert "[error](evidence.md#ev-email-spf-acme-test)" in risks
    assert risks.index("tls.expiry") < risks.index("email.spf") < risks.index("redirect.https")


def test_duplicate_results_get_distinct_anchors(tmp_path: Path) -> None:
    run = fixed_run()
    run["results"].append(copy.deepcopy(run["results"][0]))
    files = _render(tmp_path, fixed_input(run=run))
    assert '<a id="ev-dns-records-acme-test-2"></a>' in files["evidence.md"]
    _assert_links_resolve(files)


# --- secrets and escaping -----------------------------------------------------------


def test_no_secret_value_reaches_the_pack(tmp_path: Path) -> None:
    files = _render(tmp_path)
    for name, text in files.items():
        assert SECRET_CANARY not in text, name
    for path in tmp_path.iterdir():
        assert SECRET_CANARY.encode() not in path.read_bytes()


def test_secret_fields_say_only_where_they_are_stored(tmp_path: Path) -> None:
    access = _render(tmp_path)["access.md"]
    assert "- **Password:** stored in the OS keyring (service launchwizard/acme)\n" in access
    assert "- **Recovery codes:** not captured\n" in access
    assert "- **API token:** stored in the store (location not recorded)\n" in access
    monitoring = _render(tmp_path / "m")["monitoring.md"]
    assert "- **Alert webhook:** stored in the encrypted file keyring\n" in monitoring
    for store_section in fixed_store().sections:
        for field in store_section.fields:
            if field.secret:
                shown = [line for line in (access + monitoring).splitlines() if f"**{field.label}:**" in line]
                assert shown, field.name
                assert all(re.fullmatch(r"- \*\*.+:\*\* (stored in .+|not captured)", s) for s in shown), (
                    shown
                )


def test_non_secret_values_show_escaped(tmp_path: Path) -> None:
    files = _render(tmp_path)
    assert "- **Account:** CANARY\\_PUBLIC\\*\\<b\\>\\|x\n" in files["access.md"]
    assert PUBLIC_CANARY not in "".join(files.values())
    assert "- **Owner:** Jane \\*Doe\\* \\<jane@acme.test\\>\n" in files["access.md"]
    assert "# Handover pack: Acme \\<Robotics\\> \\| \\*AI\\*\n" in files["README.md"]


def test_hostile_run_text_stays_inert(tmp_path: Path) -> None:
    files = _render(tmp_path)
    evidence = files["evidence.md"]
    assert "<script>" not in "".join(_outside_fences(evidence))
    assert "\\<script\\>" in evidence
    assert "\\[x\\](http://evil.test)" in evidence
    assert "\n`````json\n" in evidence  # the evidence holds a run of four backticks
    assert "certificate expires in 5.5 days (2026-12-01)<br>renewal job" in files["risks.md"]


def test_markdown_filters() -> None:
    assert md("a|b") == "a\\|b"
    assert md("1. one") == "1\\. one"
    assert md("- item") == "\\- item"
    assert md("line one\nline two") == "line one<br>line two"
    assert md("\x1b[31mred") == "\\\\x1b\\[31mred"
    assert md("$x$ & ~y~") == "\\$x\\$ \\& \\~y\\~"
    assert code("a ` b") == "``a ` b``"
    assert code("`x`") == "`` `x` ``"
    assert code("a|b", cell=True) == "`a\\|b`"
    assert fence("````\nx", "json") == "`````json\n````\nx\n`````"
    assert fence("x", "bad lang") == "```\nx\n```"
    assert prose("run `a | b` now") == "run `a | b` now"
    assert prose("use `x`, then *y*") == "use `x`, then \\*y\\*"
    assert github_slug("1. Certificate: `tls.expiry` on www") == "1-certificate-tlsexpiry-on-www"


# --- content ------------------------------------------------------------------------


def test_override_shows_beside_the_rule_verdict(tmp_path: Path) -> None:
    index = _render(tmp_path)["README.md"]
    assert "**Fix first**, decided by hand against the launch rule." in index
    assert "- **Decided by:** Dana \\| CTO, 2026-11-25 12:00 UTC" in index
    assert "**The rule's verdict** on the latest results: **Delay 24 hours**" in index


def test_decision_without_override_is_the_rule(tmp_path: Path) -> None:
    state = fixed_state()
    state.override = None
    index = _render(tmp_path, fixed_input(state=state))["README.md"]
    assert "**Delay 24 hours**, by the launch rule applied to every check's latest result" in index


def test_sprint_clock_and_phase(tmp_path: Path) -> None:
    index = _render(tmp_path)["README.md"]
    assert "hour 30 of 48 (started 2026-11-24 09:00 UTC)" in index
    assert "- **Phase:** harden, hours 24–36" in index


def test_expired_waiver_is_flagged_and_open(tmp_path: Path) -> None:
    files = _render(tmp_path)
    assert "**waiver expired on 2026-11-20**" in files["checklist.md"]
    line = "[Release notes written for this launch](checklist.md#item-release-notes-written)"
    assert line in files["README.md"]
    assert "waived until 2026-12-10, owned by Dana \\| CTO: no staging yet" in files["checklist.md"]


def test_rollback_steps_are_a_numbered_list(tmp_path: Path) -> None:
    rollback = _render(tmp_path)["rollback.md"]
    assert "  1. vercel rollback\n  2. purge the CDN cache\n  3. tell \\#support\n" in rollback


def test_pack_without_a_run_says_so(tmp_path: Path) -> None:
    state = fixed_state()
    state.override = None
    files = _render(tmp_path, fixed_input(run=None, state=state, notes=[]))
    assert "There is no launch decision yet. No check run has been saved yet." in files["README.md"]
    for name in ("risks.md", "evidence.md", "changes.md"):
        assert "No check run has been saved yet." in files[name], name
    _assert_links_resolve(files)


def test_empty_store_and_fresh_state_render(tmp_path: Path) -> None:
    pack = fixed_input(run=None, state=SprintState(), store=StoreView(()), notes=[])
    files = _render(tmp_path, pack)
    assert "- **Sprint clock:** not started\n" in files["README.md"]
    assert "No access details have been captured yet" in files["access.md"]
    _assert_links_resolve(files)


def test_malformed_run_renders_with_a_note(tmp_path: Path) -> None:
    run = {"schema": "launchwizard.run/1", "results": [{"check": "x"}, "junk"]}
    files = _render(tmp_path, fixed_input(run=run, notes=[]))
    assert "1 result(s) of the latest run are not objects" in files["README.md"]
    assert "Ship now" in files["README.md"] or "Fix first" in files["README.md"]
    _assert_links_resolve(files)


# --- custom templates and their errors ----------------------------------------------


def test_custom_template_replaces_one_file(tmp_path: Path) -> None:
    custom = tmp_path / "brand"
    custom.mkdir()
    (custom / "README.md.j2").write_text("# {{ client|md }} by Consulting Ltd\n", encoding="utf-8")
    files = _render(tmp_path / "out", templates_dir=custom)
    assert files["README.md"] == "# Acme \\<Robotics\\> \\| \\*AI\\* by Consulting Ltd\n"
    assert files["risks.md"] == (GOLDEN / "risks.md").read_text(encoding="utf-8")


def test_undefined_variable_names_file_line_and_variable(tmp_path: Path) -> None:
    custom = tmp_path / "brand"
    custom.mkdir()
    (custom / "risks.md.j2").write_text("# Risks\n\nline two\n{{ cliennt }}\n", encoding="utf-8")
    with pytest.raises(PackTemplateError) as caught:
        render_pack(fixed_input(), tmp_path / "out", templates_dir=custom)
    message = str(caught.value)
    assert str(custom / "risks.md.j2") in message
    assert "line 4" in message
    assert "cliennt" in message
    assert not (tmp_path / "out").exists()


def test_undefined_attribute_is_reported(tmp_path: Path) -> None:
    custom = tmp_path / "brand"
    custom.mkdir()
    (custom / "access.md.j2").write_text("{{ clock.hour }}\n{{ clock.minutes }}\n", encoding="utf-8")
    with pytest.raises(PackTemplateError) as caught:
        render_pack(fixed_input(), tmp_path / "out", templates_dir=custom)
    assert caught.value.line == 2
    assert "minutes" in str(caught.value)


def test_syntax_error_names_file_and_line(tmp_path: Path) -> None:
    custom = tmp_path / "brand"
    custom.mkdir()
    (custom / "README.md.j2").write_text("# ok\n\n{% if client %}\nno end\n", encoding="utf-8")
    with pytest.raises(PackTemplateError) as caught:
        render_pack(fixed_input(), tmp_path / "out", templates_dir=custom)
    assert str(custom / "README.md.j2") in str(caught.value)
    assert caught.value.line == 4


def test_missing_templates_dir_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(PackTemplateError, match="does not exist"):
        render_pack(fixed_input(), tmp_path / "out", templates_dir=tmp_path / "nope")


# --- packaging ----------------------------------------------------------------------


def test_every_package_is_listed_in_pyproject() -> None:
    """The package list is explicit (templates/ is mapped into the package), so a new
    package directory must be added to it or the wheel ships without it."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    listed = set(config["tool"]["setuptools"]["packages"])
    on_disk = {
        ".".join(path.parent.relative_to(ROOT).parts)
        for path in (ROOT / "launchwizard").rglob("*.py")
        if "__pycache__" not in path.parts
    }
    assert on_disk - listed == set(), "add these to [tool.setuptools] packages in pyproject.toml"
    assert "launchwizard.templates" in listed


def _source_copy(tmp_path: Path) -> Path:
    source = tmp_path / "src"
    source.mkdir()
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        if (ROOT / name).exists():
            shutil.copy2(ROOT / name, source / name)
    for name in ("launchwizard", "templates"):
        shutil.copytree(ROOT / name, source / name, ignore=ignore)
    return source


def test_templates_ship_inside_the_wheel(tmp_path: Path) -> None:
    """Build a real wheel from a copy of the source, look inside, and render from it."""
    source, wheels = _source_copy(tmp_path), tmp_path / "wheels"
    build = [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels), str(source)]
    subprocess.run(build, check=True, capture_output=True, timeout=300)
    (wheel,) = wheels.glob("launchwizard-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for pack_file in PACK_FILES:
        assert f"launchwizard/templates/{pack_file.template}" in names
    assert "launchwizard/templates/_macros.j2" in names
    target = tmp_path / "site"
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(target)
    script = (
        "import sys, launchwizard.report.pack as p; print(p.__file__);"
        "loader = p.shipped_templates(); print(type(loader).__name__);"
        "print(loader.get_source(p.make_environment(), 'README.md.j2')[1]);"
        "from pathlib import Path; from datetime import datetime, UTC;"
        "from launchwizard.config import parse_sprint; from launchwizard.state.model import SprintState;"
        "from launchwizard.store.view import StoreView;"
        "s = parse_sprint(sys.argv[1], Path('sprint.toml'));"
        "pack = p.PackInput(s, SprintState(), None, StoreView(()), datetime(2026, 1, 1, tzinfo=UTC));"
        "print(len(p.render_pack(pack, Path('out'))))"
    )
    env = {**os.environ, "PYTHONPATH": str(target)}
    done = subprocess.run(
        [sys.executable, "-c", script, SPRINT_TOML],
        env=env,
        cwd=tmp_path,  # not the repository, whose launchwizard/ would be imported instead
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    module, kind, filename, rendered = done.stdout.split()
    assert module.startswith(str(target))
    assert kind == "PackageLoader"
    assert filename == str(target / "launchwizard" / "templates" / "README.md.j2")
    assert int(rendered) == len(PACK_FILES)
    assert "Acme" in (tmp_path / "out" / "README.md").read_text(encoding="utf-8")


def test_shipped_templates_load_in_this_install() -> None:
    """In the development (editable) install the package maps to the repository's
    templates/; every pack template loads through it."""
    loader = shipped_templates()
    if importlib.util.find_spec(SHIPPED_PACKAGE) is not None:
        assert isinstance(loader, jinja2.PackageLoader)
    env = make_environment()
    for pack_file in PACK_FILES:
        source, filename, _ = loader.get_source(env, pack_file.template)
        assert source.strip(), filename


def _finding(rule: str, where: str, line: int, value_hash: str, **extra: Any) -> dict[str, Any]:
    return {
        "rule": rule,
        "provider": extra.pop("provider", "Stripe"),
        "path": where,
        "line": line,
        "column": 1,
        "commit": extra.pop("commit", None),
        "redacted": f"sk_l…#{value_hash}",
        "fingerprint": f"{value_hash}{line:08d}",
        "title": "Stripe live secret key",
        "severity": "critical",
        "exposure": extra.pop("exposure", "secret"),
        "secret_hash": value_hash,
        **extra,
    }


def test_rotation_notes_list_each_exposed_key_once_with_every_place(tmp_path: Path) -> None:
    run = fixed_run()
    run["results"] += [
        _result(
            "secrets.repo",
            "acme-app",
            "fail",
            "critical",
            evidence={
                "findings": [
                    _finding("stripe-secret-key", ".env", 3, "85aa631c", commit="9d7c48f5cec8cb940b33"),
                    _finding("stripe-publishable-key", "web/pay.js", 1, "0badc0de", exposure="publishable"),
                ]
            },
        ),
        _result(
            "secrets.bundle",
            "www.acme.test",
            "fail",
            "critical",
            evidence={
                "findings": [_finding("stripe-secret-key", "https://www.acme.test/app.js", 1, "85aa631c")]
            },
        ),
    ]
    rotation = _render(tmp_path, fixed_input(run=run))["rotation.md"]
    rows = [line for line in rotation.splitlines() if "#85aa631c" in line]
    assert len(rows) == 1
    assert ".env:3 (commit 9d7c48f5cec8)" in rows[0] and "https://www.acme.test/app.js:1" in rows[0]
    assert "#0badc0de" not in rotation


def test_rotation_notes_say_when_no_key_was_found(tmp_path: Path) -> None:
    assert "No check found an exposed key" in _render(tmp_path)["rotation.md"]


def test_environment_page_lists_what_the_code_reads_with_its_problems(tmp_path: Path) -> None:
    run = fixed_run()
    variable = {
        "name": "STRIPE_WEBHOOK_SECRET",
        "read_at": "app/server.py:10",
        "documented": False,
        "environments": {"production": "missing", "staging": "set"},
    }
    problem = {"level": "fail", "message": "STRIPE_WEBHOOK_SECRET is missing from production"}
    run["results"].append(
        _result(
            "config.env",
            "acme-app",
            "fail",
            "high",
            stage="deploy",
            evidence={"variables": [variable], "problems": [problem]},
        )
    )
    page = _render(tmp_path, fixed_input(run=run))["environment.md"]
    assert "## What the code reads" in page
    assert "- STRIPE\\_WEBHOOK\\_SECRET is missing from production" in page
    assert "| `STRIPE_WEBHOOK_SECRET` | `app/server.py:10` | **no** | **missing** | set |" in page


def test_environment_page_without_a_config_env_result_has_no_code_section(tmp_path: Path) -> None:
    assert "What the code reads" not in _render(tmp_path)["environment.md"]


def test_injection_table_and_accepted_risks_reach_the_pack(tmp_path: Path) -> None:
    run = fixed_run()
    rows = [
        {
            "prompt": "hijack-1",
            "owasp": "LLM01",
            "category": "direct injection",
            "verdict": "accepted",
            "detectors": "hijack: the reply says the injected marker LW-HIJACK-01",
        },
        {
            "prompt": "extract-repeat",
            "owasp": "LLM07",
            "category": "system prompt extraction",
            "verdict": "fail",
            "detectors": "canary: canary ACME-CANARY-1 in the reply",
        },
    ]
    run["results"].append(
        _result("ai.injection", "api.acme.test", "fail", "critical", stage="perf", evidence={"prompts": rows})
    )
    state = fixed_state()
    state.accept_risk("ai.injection:hijack-1", "echo-only bot | no tools", "Sam")
    state.accept_risk("ai.injection:extract-repeat", "prompt holds no secret", "")
    pack = _render(tmp_path, fixed_input(run=run, state=state))
    risks = pack["risks.md"]
    assert "## AI security: prompt-injection evaluation" in risks
    assert "| fail | LLM07 | `extract-repeat` | system prompt extraction |" in risks
    assert "## Accepted risks" in risks
    assert "| `ai.injection:hijack-1` | echo-only bot \\| no tools | Sam |" in risks
    readme = pack["README.md"].split("## Accepted risks", 1)[1]
    at = state.accepted["ai.injection:hijack-1"].at
    assert at is not None
    assert (
        f"- `ai.injection:hijack-1`: echo-only bot \\| no tools (accepted by Sam, {at:%Y-%m-%d %H:%M} UTC)\n"
        in readme
    )
    assert (
        "- `ai.injection:extract-repeat`: prompt holds no secret (accepted by someone not recorded, "
        in readme
    )
    assert "; the latest result predates the acceptance: it still counts until the check runs again" in readme


def test_monitoring_lists_exports_and_who_is_alerted(tmp_path: Path) -> None:
    from launchwizard.state.model import MonitorExport

    state = fixed_state()
    state.monitor_exports["gatus"] = MonitorExport("ops/gatus/config.yaml", NOW)
    page = _render(tmp_path, fixed_input(state=state))["monitoring.md"]
    assert "Alerts go to: \\#launch-alerts on Slack." in page
    assert "| homepage | https://www.acme.test/ | 2m | 2 failures | 10s | 4m10s |" in page
    assert "- gatus: `ops/gatus/config.yaml`, 2026-11-25 15:30 UTC" in page
    assert "Not exported yet" not in page


def _cloudflare(check: str, status: str, permissions: dict[str, str], **extra: Any) -> dict[str, Any]:
    evidence = {
        "zone": "acme.test",
        "account": "Acme Ltd",
        "token": {"status": "active"},
        "permissions": permissions,
    }
    return _result(check, "acme.test", status, "high", stage="edge", evidence=evidence, **extra)


def test_access_page_lists_the_cloudflare_token_permissions_verified(tmp_path: Path) -> None:
    run = fixed_run()
    read = {"Zone: Read": "verified", "Zone Settings: Read": "verified"}
    run["results"] += [
        _cloudflare(
            "cloudflare.tls", "pass", {**read, "DNS: Read": "not tested", "Zone WAF: Read": "not tested"}
        ),
        _cloudflare(
            "cloudflare.waf", "error", {**read, "DNS: Read": "not tested", "Zone WAF: Read": "refused"}
        ),
        _cloudflare(
            "cloudflare.dns", "pass", {**read, "DNS: Read": "verified", "Zone WAF: Read": "not tested"}
        ),
    ]
    access = _render(tmp_path, fixed_input(run=run))["access.md"]
    assert '## <a id="cloudflare-token"></a>Cloudflare API token' in access
    assert "the zone acme.test of the account Acme Ltd" in access and "token status: active" in access
    assert "| Zone Settings: Read | verified (a read that needs it succeeded) |" in access
    assert "| DNS: Read | verified" in access
    assert "| Zone WAF: Read | refused (403): add it to the token | cloudflare.waf" in access
    assert "Nothing could be read" not in access


def test_access_page_says_why_nothing_was_read_from_cloudflare(tmp_path: Path) -> None:
    run = fixed_run()
    run["results"].append(
        _result(
            "cloudflare.zone",
            "acme.test",
            "skipped",
            "info",
            stage="edge",
            summary="no Cloudflare API token in the store",
        )
    )
    access = _render(tmp_path, fixed_input(run=run))["access.md"]
    assert "| Zone: Read | not tested |" in access
    assert "Nothing could be read: no Cloudflare API token in the store" in access
    assert "Cloudflare API token" not in _render(tmp_path / "plain", fixed_input())["access.md"]
def test_names_opted_out_of_the_audit_are_listed(tmp_path: Path) -> None:
    """A sprint that opts out of www.<apex> says so in the pack's first lines, not in silence."""
    sprint = dataclasses.replace(fixed_input().sprint, not_audited=("www.acme.test",))
    files = _render(tmp_path, fixed_input(sprint=sprint))
    line = next(line for line in files["README.md"].splitlines() if line.startswith("- **Not audited"))
    assert (
        "www.acme.test" in line and "no redirect, certificate, expiry or header result exists for it" in line
    )
    assert "Not audited" not in _render(tmp_path / "plain")["README.md"]
