"""sprint.toml loading: typed values, the example file, located errors, and robustness."""

from __future__ import annotations

import dataclasses
import pickle
import re
import tomllib
from pathlib import Path
from typing import Any

import pytest
import tomli_w
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from launchwizard.config import (
    ConfigError,
    HostExpect,
    InjectionProbe,
    Nameserver,
    PerfConfig,
    Ports,
    ProbeBudget,
    Sprint,
    load_sprint,
    parse_sprint,
)
from launchwizard.config.locate import Locator
from launchwizard.demo.certs import LabPKI

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "sprint.toml.example"
WHERE = Path("/srv/acme/sprint.toml")

BASE = """\
[sprint]
client = "Acme"
canonical = "https://www.acme.test/"

[domains]
apex = "acme.test"
hosts = ["acme.test", "www.acme.test"]
"""
# BASE is 7 lines: anything appended to it starts on line 8.

FULL = """\
[sprint]
client = "  Acme Support AI "
canonical = "HTTPS://WWW.Acme.test"

[domains]
apex = "Acme.Test."
hosts = ["acme.test", "www.acme.test", "app.acme.test", "api.acme.test"]

[dns.expect]
"acme.test" = { A = ["203.0.113.10", "203.0.113.11"] }
"www.acme.test" = { AAAA = ["2001:DB8::10"] }
"App.Acme.Test" = { CNAME = "Lb.Provider.example" }

[redirects]
"app.acme.test" = "https://app.acme.test/login"

[email]
domain = "acme.test"
dkim_selectors = ["Google", "s1"]
sender_ips = ["203.0.113.25", "198.51.100.0/24", "2001:db8:25::/48"]
approved_includes = ["_spf.google.com"]
message = "evidence/msg.eml"

[endpoints]
homepage = "https://www.acme.test"
chat = { url = "https://api.acme.test/v1/chat", method = "post", \
body = '{"q": "{{prompt}}"}', response_path = "reply", timeout_s = 30, \
headers = { Accept = "application/json" } }

[network]
nameservers = ["127.0.0.1:5353", "192.0.2.53", "[::1]:5354", "::2"]
ca_bundle = "ca.pem"
timeout_s = 2
concurrency = 4
per_host = 2

[network.pins]
"api.acme.test" = "2001:db8:0:0::20"

[network.ports]
http = 8080
https = 8443
dns = 5353

[probes.ratelimit]
enabled = true
endpoint = "homepage"

[probes.injection]
enabled = true
endpoint = "chat"
max_requests = 30
rate_per_s = 1.5

[repo]
path = "../app"

[logs]
globs = ["logs/*.log", "/var/log/acme/*.log"]

[environments.production]
variables = ["DATABASE_URL", "OPENAI_API_KEY"]

[environments.staging]
"""


def error_of(text: str, path: Path = WHERE) -> ConfigError:
    """The ConfigError ``text`` must raise."""
    with pytest.raises(ConfigError) as caught:
        parse_sprint(text, path)
    return caught.value


# --------------------------------------------------------------------------- valid files


def test_full_file_loads_typed_normalised_values(tmp_path: Path) -> None:
    (tmp_path / "ca.pem").write_bytes(LabPKI(tmp_path).root_pem.read_bytes())
    path = tmp_path / "sprint.toml"
    path.write_text(FULL)
    sprint = load_sprint(path)

    assert sprint.path == path
    assert sprint.state_dir == tmp_path / ".launchwizard"
    assert sprint.client == "Acme Support AI"
    assert sprint.canonical == "https://www.acme.test/"
    assert sprint.apex == "acme.test"
    assert sprint.hosts == ("acme.test", "www.acme.test", "app.acme.test", "api.acme.test")
    assert dict(sprint.dns_expect) == {
        "acme.test": HostExpect(a=("203.0.113.10", "203.0.113.11")),
        "www.acme.test": HostExpect(aaaa=("2001:db8::10",)),
        "app.acme.test": HostExpect(cname="lb.provider.example."),
    }
    assert dict(sprint.redirects) == {"app.acme.test": "https://app.acme.test/login"}

    email = sprint.email
    assert email.domain == "acme.test"
    assert email.dkim_selectors == ("google", "s1")
    assert email.sender_ips == ("203.0.113.25", "198.51.100.0/24", "2001:db8:25::/48")
    assert email.approved_includes == ("_spf.google.com",)
    assert email.message == tmp_path / "evidence" / "msg.eml"

    assert list(sprint.endpoints) == ["homepage", "chat"]
    home = sprint.endpoints["homepage"]
    assert (home.name, home.url, home.method, home.body, home.timeout_s) == (
        "homepage",
        "https://www.acme.test/",
        "GET",
        None,
        None,
    )
    chat = sprint.endpoints["chat"]
    assert chat.method == "POST"
    assert chat.body == '{"q": "{{prompt}}"}'
    assert chat.response_path == "reply"
    assert chat.timeout_s == 30.0 and isinstance(chat.timeout_s, float)
    assert dict(chat.headers) == {"Accept": "application/json"}

    net = sprint.network
    assert net.nameservers == (
        Nameserver("127.0.0.1", 5353),
        Nameserver("192.0.2.53", 5353),  # no port written: [network.ports] dns applies
        Nameserver("::1", 5354),
        Nameserver("::2", 5353),
    )
    assert [str(ns) for ns in net.nameservers] == [
        "127.0.0.1:5353",
        "192.0.2.53:5353",
        "[::1]:5354",
        "[::2]:5353",
    ]
    assert net.ca_bundle == tmp_path / "ca.pem"
    assert net.timeout_s == 2.0
    assert (net.concurrency, net.per_host) == (4, 2)
    assert dict(net.pins) == {"api.acme.test": "2001:db8::20"}
    assert net.ports == Ports(http=8080, https=8443, dns=5353)

    assert sprint.probes.ratelimit == ProbeBudget(enabled=True, endpoint="homepage")
    assert sprint.probes.injection == InjectionProbe(True, "chat", 30, 1.5)
    assert sprint.repo == tmp_path / "../app"
    assert sprint.logs == (f"{tmp_path}/logs/*.log", "/var/log/acme/*.log")
    assert sprint.environments["production"].variables == ("DATABASE_URL", "OPENAI_API_KEY")
    assert sprint.environments["staging"].variables == ()


def test_minimal_file_gets_defaults() -> None:
    sprint = parse_sprint(BASE, WHERE)
    assert sprint.dns_expect == {} and sprint.redirects == {} and sprint.endpoints == {}
    assert sprint.email.domain is None and sprint.email.message is None
    assert sprint.network.nameservers == ()
    assert sprint.network.ca_bundle is None
    assert sprint.network.timeout_s == 5.0
    assert sprint.network.ports == Ports(80, 443, 53)
    assert (sprint.network.concurrency, sprint.network.per_host) == (16, 6)
    assert sprint.probes.ratelimit == ProbeBudget(False, None, 20, 5.0)
    assert sprint.probes.injection == InjectionProbe(False, None, 25, 2.0)
    assert sprint.perf == PerfConfig(40, 4, 500, 2, 3, 70, 350)
    assert sprint.repo is None and sprint.logs == () and sprint.environments == {}
    assert sprint.state_dir == Path("/srv/acme/.launchwizard")


def test_sprint_is_immutable() -> None:
    sprint = parse_sprint(FULL.replace('ca_bundle = "ca.pem"\n', ""), WHERE)
    with pytest.raises(dataclasses.FrozenInstanceError):
        sprint.client = "other"  # type: ignore[misc]
    with pytest.raises(TypeError):
        sprint.redirects["x.test"] = "https://x.test/"  # type: ignore[index]
    with pytest.raises(TypeError):
        sprint.network.pins["x.test"] = "192.0.2.1"  # type: ignore[index]
    with pytest.raises(TypeError):
        sprint.endpoints["chat"].headers["X"] = "y"  # type: ignore[index]


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("acme.test", "https://www.acme.test/"),
        ("www.acme.test", "https://www.acme.test/"),
        ("WWW.acme.test.", "https://www.acme.test/"),
        ("app.acme.test", "https://app.acme.test/login"),
        ("api.acme.test", "https://api.acme.test/"),
    ],
)
def test_canonical_for(host: str, expected: str) -> None:
    sprint = parse_sprint(BASE + '[redirects]\n"app.acme.test" = "https://app.acme.test/login"\n', WHERE)
    assert sprint.canonical_for(host) == expected


def test_canonical_for_canonical_host_outside_www() -> None:
    text = BASE.replace("https://www.acme.test/", "https://app.acme.test/home")
    sprint = parse_sprint(text, WHERE)
    assert sprint.canonical_for("app.acme.test") == "https://app.acme.test/home"
    assert sprint.canonical_for("acme.test") == "https://app.acme.test/home"


@pytest.mark.parametrize(
    ("domains", "hosts", "not_audited"),
    [
        ('hosts = ["app.acme.test"]', ("app.acme.test", "acme.test", "www.acme.test"), ()),
        ("", ("acme.test", "www.acme.test"), ()),
        (
            'hosts = ["WWW.acme.test.", "app.acme.test", "acme.test"]',
            ("www.acme.test", "app.acme.test", "acme.test"),
            (),
        ),
        (
            'hosts = ["app.acme.test"]\nnot_audited = ["www.acme.test"]',
            ("app.acme.test", "acme.test"),
            ("www.acme.test",),
        ),
        ('not_audited = ["acme.test", "www.acme.test"]', (), ("acme.test", "www.acme.test")),
    ],
)
def test_the_apex_and_www_are_always_audited_unless_opted_out(
    domains: str, hosts: tuple[str, ...], not_audited: tuple[str, ...]
) -> None:
    """Listed once each, after the hosts the file lists; an opt-out keeps them apart."""
    sprint = parse_sprint(with_domains(f'apex = "acme.test"\n{domains}\n'), WHERE)
    assert (sprint.hosts, sprint.not_audited) == (hosts, not_audited)


# --------------------------------------------------------------------------- the example


def test_subdomains_and_approved_origins_are_normalised() -> None:
    text = BASE.replace(
        'hosts = ["acme.test", "www.acme.test"]\n',
        'hosts = ["acme.test", "www.acme.test"]\nsubdomains = ["Docs.acme.test.", "acme.test"]\n',
    )
    text += '[edge]\napproved_origins = ["HTTPS://App.Acme.test/", "http://localhost:8080"]\n'
    sprint = parse_sprint(text, WHERE)
    assert sprint.subdomains == ("docs.acme.test", "acme.test")
    assert sprint.edge.approved_origins == ("https://app.acme.test", "http://localhost:8080")


def test_subdomains_and_origins_default_to_none() -> None:
    sprint = parse_sprint(BASE, WHERE)
    assert sprint.subdomains == () and sprint.edge.approved_origins == ()


def test_example_loads() -> None:
    sprint = load_sprint(EXAMPLE)
    assert isinstance(sprint, Sprint)
    assert set(sprint.endpoints) >= {"homepage", "login", "health", "chat"}
    assert not sprint.probes.ratelimit.enabled and not sprint.probes.injection.enabled


EVERY_KEY = {
    "sprint": ["client", "canonical"],
    "domains": ["apex", "hosts", "subdomains", "not_audited"],
    "edge": ["approved_origins"],
    "dns.expect": ["A", "AAAA", "CNAME"],
    "redirects": [],
    "email": ["domain", "dkim_selectors", "sender_ips", "approved_includes", "message"],
    "endpoints": ["url", "method", "body", "response_path", "timeout_s", "headers"],
    "network": ["nameservers", "ca_bundle", "timeout_s", "concurrency", "per_host"],
    "network.pins": [],
    "network.ports": ["http", "https", "dns"],
    "probes.ratelimit": ["enabled", "endpoint", "max_requests", "rate_per_s"],
    "probes.injection": ["enabled", "endpoint", "max_requests", "rate_per_s"],
    "probes.eval": ["enabled", "endpoint", "file", "max_requests", "rate_per_s", "pass_pct"],
    "monitors": ["interval_s", "chat_interval_s", "failure_threshold", "timeout_s", "regions"],
    "repo": ["path"],
    "logs": ["globs"],
    "environments.production": ["variables"],
    "rdap": ["bootstrap_url"],
}


@pytest.mark.parametrize(("table", "keys"), EVERY_KEY.items())
def test_example_documents_every_key(table: str, keys: list[str]) -> None:
    text = EXAMPLE.read_text()
    assert f"[{table}]" in text
    for key in keys:
        assert re.search(rf"\b{key}\b", text), f"{table}.{key} is not documented"


# --------------------------------------------------------------------------- errors


def with_domains(body: str) -> str:
    """BASE with [domains] replaced; [domains] is on line 5, its first key on line 6."""
    return BASE.split("[domains]")[0] + "[domains]\n" + body


ERROR_CASES: list[tuple[str, str, str, int | None, str]] = [
    # (id, text, key, line, message)
    (
        "typo-key",
        with_domains('apex = "acme.test"\nhots = ["acme.test"]\n'),
        "domains.hots",
        7,
        "unknown key 'hots' (did you mean 'hosts'?)",
    ),
    (
        "typo-table",
        BASE + "\n[netwrok]\ntimeout_s = 5\n",
        "netwrok",
        9,
        "unknown key 'netwrok' (did you mean 'network'?)",
    ),
    (
        "typo-subtable",
        BASE + "\n[network.pin]\n",
        "network.pin",
        9,
        "unknown key 'pin' (did you mean 'pins'?)",
    ),
    (
        "case-of-record-type",
        BASE + '[dns.expect]\n"app.acme.test" = { cname = "lb.acme.test" }\n',
        'dns.expect."app.acme.test".cname',
        9,
        "unknown key 'cname' (did you mean 'CNAME'?)",
    ),
    (
        "unknown-no-suggestion",
        BASE + "[repo]\nzzz = 1\n",
        "repo.zzz",
        9,
        "unknown key 'zzz' (expected one of: path)",
    ),
    (
        "url-bad-scheme",
        BASE.replace("https://www.acme.test/", "htps://x"),
        "sprint.canonical",
        3,
        "'htps://x' is not an absolute URL: expected http:// or https:// followed by a host",
    ),
    (
        "url-no-scheme",
        BASE.replace("https://www.acme.test/", "www.acme.test/"),
        "sprint.canonical",
        3,
        "'www.acme.test/' is not an absolute URL: expected http:// or https:// followed by a host",
    ),
    (
        "url-credentials",
        BASE + '[endpoints]\nlogin = "https://user:pw@app.acme.test/"\n',
        "endpoints.login",
        9,
        "'https://user:pw@app.acme.test/' holds credentials: secrets never live in sprint.toml",
    ),
    (
        "hosts-element-multiline",
        with_domains(
            'apex = "acme.test"\nhosts = [\n    "acme.test",\n    "www.acme.test",\n'
            '    "app..acme.test",\n]\n'
        ),
        "domains.hosts[2]",
        10,
        "'app..acme.test' is not a valid host name: it has an empty label",
    ),
    (
        "subdomain-outside-apex",
        with_domains('apex = "acme.test"\nhosts = ["acme.test"]\nsubdomains = ["docs.other.test"]\n'),
        "domains.subdomains[0]",
        8,
        "'docs.other.test' is not under the apex 'acme.test'",
    ),
    (
        "origin-with-path",
        BASE + '[edge]\napproved_origins = ["https://www.acme.test/app"]\n',
        "edge.approved_origins[0]",
        9,
        "'https://www.acme.test/app' is not an origin: expected scheme and host only, like "
        "'https://www.acme.test'",
    ),
    (
        "origin-duplicate-after-normalising",
        BASE + '[edge]\napproved_origins = ["https://WWW.acme.test", "https://www.acme.test:443/"]\n',
        "edge.approved_origins[1]",
        9,
        "'https://www.acme.test:443/' is listed twice (also at edge.approved_origins[0])",
    ),
    (
        "hosts-not-list",
        with_domains('apex = "acme.test"\nhosts = 5\n'),
        "domains.hosts",
        7,
        "expected a list of strings, got integer",
    ),
    (
        "hosts-string-not-list",
        with_domains('apex = "acme.test"\nhosts = "acme.test"\n'),
        "domains.hosts",
        7,
        'expected a list of strings, got string (write ["acme.test"])',
    ),
    (
        "hosts-element-type",
        with_domains('apex = "acme.test"\nhosts = ["acme.test", 7]\n'),
        "domains.hosts[1]",
        7,
        "expected a string, got integer",
    ),
    (
        "not-audited-other-name",
        with_domains('apex = "acme.test"\nnot_audited = ["app.acme.test"]\n'),
        "domains.not_audited[0]",
        7,
        "'app.acme.test' is neither the apex nor www.acme.test: other names are audited only when "
        "[domains] hosts lists them, so leave it out of hosts instead",
    ),
    (
        "not-audited-and-listed",
        with_domains('apex = "acme.test"\nhosts = ["www.acme.test"]\nnot_audited = ["www.acme.test"]\n'),
        "domains.not_audited[0]",
        8,
        "'www.acme.test' is also in [domains] hosts: audit it or opt out, not both",
    ),
    (
        "hosts-duplicate",
        with_domains('apex = "acme.test"\nhosts = ["acme.test", "ACME.test."]\n'),
        "domains.hosts[1]",
        7,
        "'ACME.test.' is listed twice (also at domains.hosts[0])",
    ),
    (
        "host-is-ip",
        with_domains('apex = "203.0.113.10"\nhosts = ["acme.test"]\n'),
        "domains.apex",
        6,
        "'203.0.113.10' is an IP address: expected a host name like 'www.acme.test'",
    ),
    (
        "host-bad-ip",
        with_domains('apex = "10.0.0.999"\nhosts = ["acme.test"]\n'),
        "domains.apex",
        6,
        "'10.0.0.999' is neither a valid IP address nor a host name",
    ),
    (
        "host-non-ascii",
        with_domains('apex = "bücher.test"\nhosts = ["acme.test"]\n'),
        "domains.apex",
        6,
        "'bücher.test' is not ASCII: write internationalised names in their xn-- A-label form "
        "('xn--bcher-kva.test')",
    ),
    (
        "host-single-label",
        with_domains('apex = "localhost"\nhosts = ["acme.test"]\n'),
        "domains.apex",
        6,
        "'localhost' is not a fully qualified host name: expected at least two labels, like 'www.acme.test'",
    ),
    (
        "host-hyphen",
        with_domains('apex = "acme.test"\nhosts = ["-www.acme.test"]\n'),
        "domains.hosts[0]",
        7,
        "'-www.acme.test' is not a valid host name: label '-www' must be letters, digits, "
        "hyphens, not starting or ending with a hyphen",
    ),
    (
        "host-long-label",
        with_domains(f'apex = "acme.test"\nhosts = ["{"a" * 64}.test"]\n'),
        "domains.hosts[0]",
        7,
        f"'{'a' * 64}.test' is not a valid host name: label '{'a' * 64}' is over 63 characters",
    ),
    (
        "host-url",
        with_domains('apex = "https://acme.test/"\nhosts = ["acme.test"]\n'),
        "domains.apex",
        6,
        "'https://acme.test/' is not a host name: expected a bare name like 'www.acme.test'",
    ),
    (
        "missing-key",
        with_domains('hosts = ["www.acme.test"]\n'),
        "domains.apex",
        5,
        "missing required key 'apex' in [domains]",
    ),
    (
        "missing-table",
        BASE.split("[domains]")[0],
        "domains",
        None,
        "missing required table [domains]",
    ),
    (
        "table-is-value",
        'sprint = "x"\n' + BASE.split("[sprint]")[1].split("\n", 3)[3],
        "sprint",
        1,
        "expected a table, got string",
    ),
    (
        "pin-bad-ip",
        BASE + '\n[network.pins]\n"www.acme.test" = "10.0.0.999"\n',
        'network.pins."www.acme.test"',
        10,
        "'10.0.0.999' is not an IP address",
    ),
    (
        "pin-key-not-host",
        BASE + '\n[network.pins]\n"203.0.113.1" = "203.0.113.1"\n',
        'network.pins."203.0.113.1"',
        10,
        "'203.0.113.1' is an IP address: expected a host name like 'www.acme.test'",
    ),
    (
        "pins-same-host-twice",
        BASE + '[network.pins]\n"api.acme.test" = "192.0.2.1"\n"API.acme.test." = "192.0.2.2"\n',
        'network.pins."API.acme.test."',
        10,
        "'API.acme.test.' names the same host as 'api.acme.test' (host names ignore case and a trailing dot)",
    ),
    (
        "nameserver-port",
        BASE + '[network]\nnameservers = ["127.0.0.1:53", "127.0.0.1:99999"]\n',
        "network.nameservers[1]",
        9,
        "'127.0.0.1:99999' is not host:port: port must be 1-65535",
    ),
    (
        "nameserver-hostname",
        BASE + '[network]\nnameservers = ["ns.example"]\n',
        "network.nameservers[0]",
        9,
        "'ns.example' is a host name: expected an IP address with optional :port, "
        "like '127.0.0.1:5353' or '[::1]:5353'",
    ),
    (
        "nameserver-hostname-port",
        BASE + '[network]\nnameservers = ["ns.example:53"]\n',
        "network.nameservers[0]",
        9,
        "'ns.example:53' is a host name: expected an IP address with optional :port, "
        "like '127.0.0.1:5353' or '[::1]:5353'",
    ),
    (
        "nameserver-bracketed-v4",
        BASE + '[network]\nnameservers = ["[127.0.0.1]:53"]\n',
        "network.nameservers[0]",
        9,
        "'[127.0.0.1]:53' is not a nameserver: '[...]' must hold an IPv6 address",
    ),
    (
        "timeout-type",
        BASE + "[network]\ntimeout_s = true\n",
        "network.timeout_s",
        9,
        "expected a number, got boolean",
    ),
    (
        "timeout-range",
        BASE + "[network]\ntimeout_s = 121\n",
        "network.timeout_s",
        9,
        "121 is out of range: expected a number > 0 and <= 120",
    ),
    (
        "timeout-nan",
        BASE + "[network]\ntimeout_s = nan\n",
        "network.timeout_s",
        9,
        "nan is out of range: expected a number > 0 and <= 120",
    ),
    (
        "concurrency",
        BASE + "[network]\nconcurrency = 0\n",
        "network.concurrency",
        9,
        "0 is out of range: expected >= 1",
    ),
    (
        "per-host-float",
        BASE + "[network]\nper_host = 2.5\n",
        "network.per_host",
        9,
        "expected an integer, got float",
    ),
    (
        "port-range",
        BASE + "[network.ports]\nhttps = 70000\n",
        "network.ports.https",
        9,
        "70000 is out of range: expected 1-65535",
    ),
    (
        "dotted-key-at-top",
        "network.timeout_s = 0\n" + BASE,
        "network.timeout_s",
        1,
        "0 is out of range: expected a number > 0 and <= 120",
    ),
    (
        "cname-with-a",
        BASE + '[dns.expect]\n"app.acme.test" = { A = ["192.0.2.1"], CNAME = "lb.acme.test" }\n',
        'dns.expect."app.acme.test".CNAME',
        9,
        "a CNAME cannot be combined with A or AAAA: a name with a CNAME has no other records "
        "(RFC 1034 §3.6.2)",
    ),
    (
        "a-with-ipv6",
        BASE + '[dns.expect]\n"acme.test" = { A = ["192.0.2.1", "::1"] }\n',
        'dns.expect."acme.test".A[1]',
        9,
        "'::1' is not an IPv4 address",
    ),
    (
        "expect-quoted-header",
        BASE + '\n[dns.expect."www.acme.test"]\nAAAA = [\n  "2001:db8::1",\n  "192.0.2.1",\n]\n',
        'dns.expect."www.acme.test".AAAA[1]',
        12,
        "'192.0.2.1' is not an IPv6 address",
    ),
    (
        "expect-empty",
        BASE + '[dns.expect]\n"acme.test" = {}\n',
        'dns.expect."acme.test"',
        9,
        "expected at least one of A, AAAA, CNAME",
    ),
    (
        "redirect-url",
        BASE + '[redirects]\n"acme.test" = "acme.test/home"\n',
        'redirects."acme.test"',
        9,
        "'acme.test/home' is not an absolute URL: expected http:// or https:// followed by a host",
    ),
    (
        "sender-ip",
        BASE + '[email]\nsender_ips = ["192.0.2.1", "192.0.2.7/24"]\n',
        "email.sender_ips[1]",
        9,
        "'192.0.2.7/24' has host bits set: did you mean '192.0.2.0/24'?",
    ),
    (
        "sender-ip-garbage",
        BASE + '[email]\nsender_ips = ["mail.acme.test"]\n',
        "email.sender_ips[0]",
        9,
        "'mail.acme.test' is not an IP address or CIDR network",
    ),
    (
        "dkim-selector",
        BASE + '[email]\ndkim_selectors = ["s 1"]\n',
        "email.dkim_selectors[0]",
        9,
        "'s 1' is not a DKIM selector: expected DNS labels of letters, digits, hyphens and "
        "underscores, like 'google' or 's1'",
    ),
    (
        "endpoint-method",
        BASE + '[endpoints.chat]\nurl = "https://api.acme.test/chat"\nmethod = "FETCH"\n',
        "endpoints.chat.method",
        10,
        "'FETCH' is not an HTTP method: expected one of GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS",
    ),
    (
        "endpoint-missing-url",
        BASE + '\n[endpoints.chat]\nmethod = "POST"\n',
        "endpoints.chat.url",
        9,
        "missing required key 'url' in [endpoints.chat]",
    ),
    (
        "endpoint-type",
        BASE + "[endpoints]\nhealth = 200\n",
        "endpoints.health",
        9,
        "expected a URL string or a table with 'url', got integer",
    ),
    (
        "endpoint-timeout",
        BASE
        + '[endpoints.chat]\nurl = "https://api.acme.test/chat"\nbody = """\n{"q":\n "x"}\n"""\n'
        + "timeout_s = -1\n",
        "endpoints.chat.timeout_s",
        14,
        "-1 is out of range: expected a finite number > 0",
    ),
    (
        "header-injection",
        BASE + '[endpoints.chat]\nurl = "https://a.acme.test/"\nheaders = { X-A = "1\\r\\nX: 2" }\n',
        "endpoints.chat.headers.X-A",
        10,
        "header values must not contain line breaks or NUL",
    ),
    (
        "array-of-tables",
        BASE + '\n[[endpoints]]\nurl = "https://a.acme.test/"\n',
        "endpoints",
        9,
        "expected a table, got array",
    ),
    (
        "probe-enabled-no-endpoint",
        BASE + "[probes.ratelimit]\nenabled = true\n",
        "probes.ratelimit.endpoint",
        8,
        "missing required key 'endpoint' in [probes.ratelimit] "
        "(an enabled probe must name the [endpoints] entry it may hit)",
    ),
    (
        "probe-unknown-endpoint",
        BASE
        + '[endpoints]\nlogin = "https://a.acme.test/login"\n'
        + '[probes.ratelimit]\nenabled = true\nendpoint = "lgoin"\n',
        "probes.ratelimit.endpoint",
        12,
        "'lgoin' is not a key of [endpoints] (did you mean 'login'?)",
    ),
    (
        "probe-enabled-string",
        BASE + '[probes.injection]\nenabled = "yes"\n',
        "probes.injection.enabled",
        9,
        "expected true or false, got string",
    ),
    (
        "probe-budget",
        BASE + "[probes.injection]\nmax_requests = 500\n",
        "probes.injection.max_requests",
        9,
        "500 is out of range: expected 1-200",
    ),
    (
        "probe-rate",
        BASE + "[probes.ratelimit]\nrate_per_s = 0\n",
        "probes.ratelimit.rate_per_s",
        9,
        "0 is out of range: expected a number > 0 and <= 20",
    ),
    (
        "env-var-name",
        BASE + '[environments.production]\nvariables = ["DATABASE_URL", "2FA-KEY"]\n',
        "environments.production.variables[1]",
        9,
        "'2FA-KEY' is not an environment variable name: expected [A-Za-z_][A-Za-z0-9_]*",
    ),
    (
        "env-not-table",
        BASE + '[environments]\nproduction = ["X"]\n',
        "environments.production",
        9,
        "expected a table, got array",
    ),
    (
        "logs-type",
        BASE + "[logs]\nglobs = [1]\n",
        "logs.globs[0]",
        9,
        "expected a string, got integer",
    ),
    (
        "logs-unknown-home",
        BASE + '[logs]\nglobs = ["~nobody-here-xyz/*.log"]\n',
        "logs.globs[0]",
        9,
        "'~nobody-here-xyz/*.log' starts with '~' but that home directory is unknown",
    ),
    (
        "repo-unknown-home",
        BASE + '[repo]\npath = "~nobody-here-xyz/app"\n',
        "repo.path",
        9,
        "'~nobody-here-xyz/app' starts with '~' but that home directory is unknown",
    ),
    (
        "literal-quoted-key",
        BASE + "[redirects]\n'x..acme.test' = 'https://acme.test/'\n",
        'redirects."x..acme.test"',
        9,
        "'x..acme.test' is not a valid host name: it has an empty label",
    ),
    (
        "syntax",
        BASE.replace('client = "Acme"', "client = Acme"),
        "",
        2,
        "invalid TOML: Invalid value at column 10",
    ),
    (
        "syntax-duplicate",
        BASE + 'apex = "again.test"\n',
        "",
        8,
        "invalid TOML: Cannot overwrite a value at column 20",
    ),
    (
        "syntax-end",
        BASE + 'x = "unterminated',
        "",
        8,
        "invalid TOML: Unterminated string at end of file",
    ),
]


@pytest.mark.parametrize(
    ("text", "key", "line", "message"),
    [case[1:] for case in ERROR_CASES],
    ids=[case[0] for case in ERROR_CASES],
)
def test_errors_are_located(text: str, key: str, line: int | None, message: str) -> None:
    err = error_of(text)
    assert (err.path, err.key, err.line, err.message) == (WHERE, key, line, message)


def test_ca_bundle_must_exist(tmp_path: Path) -> None:
    path = tmp_path / "sprint.toml"
    path.write_text(BASE + '[network]\nca_bundle = "certs/ca.pem"\n')
    with pytest.raises(ConfigError) as caught:
        load_sprint(path)
    assert (caught.value.key, caught.value.line) == ("network.ca_bundle", 9)
    assert caught.value.message == (
        f"'{tmp_path}/certs/ca.pem' does not exist: expected an existing file "
        "(relative paths start from the sprint.toml directory)"
    )


def test_error_string_forms() -> None:
    located = ConfigError(Path("s.toml"), "domains.hosts[2]", "bad", 9)
    assert str(located) == "s.toml:9: domains.hosts[2]: bad"
    assert str(ConfigError(Path("s.toml"), "domains", "missing")) == "s.toml: domains: missing"
    assert str(ConfigError(Path("s.toml"), "", "file not found", None)) == "s.toml: file not found"
    copy = pickle.loads(pickle.dumps(located))
    assert (copy.path, copy.key, copy.line, copy.message) == (Path("s.toml"), "domains.hosts[2]", 9, "bad")


def test_missing_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        load_sprint(tmp_path / "sprint.toml")
    assert caught.value.line is None and caught.value.key == ""
    assert caught.value.message.startswith("file not found")


def test_directory_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        load_sprint(tmp_path)
    assert caught.value.message.startswith("cannot read the file")


def test_non_utf8_is_a_config_error(tmp_path: Path) -> None:
    path = tmp_path / "sprint.toml"
    path.write_bytes(BASE.encode() + b'x = "\xff"\n')
    with pytest.raises(ConfigError) as caught:
        load_sprint(path)
    assert (caught.value.line, caught.value.message) == (
        8,
        "the file is not valid UTF-8 (TOML must be UTF-8)",
    )


def test_utf8_bom_and_crlf_are_accepted(tmp_path: Path) -> None:
    path = tmp_path / "sprint.toml"
    path.write_bytes(b"\xef\xbb\xbf" + BASE.replace("\n", "\r\n").encode())
    assert load_sprint(path).apex == "acme.test"


def test_crlf_lines_are_counted() -> None:
    text = (BASE + "[network]\r\nconcurrency = 0\r\n").replace("\n", "\r\n").replace("\r\r", "\r")
    assert error_of(text).line == 9


def test_deep_nesting_is_a_config_error() -> None:
    err = error_of("a = " + "[" * 5000)
    assert err.key == "" and err.message.startswith("invalid TOML")


def test_huge_integer_is_a_config_error() -> None:
    err = error_of(BASE + "[network]\nconcurrency = " + "9" * 5000 + "\n")
    assert err.message.startswith("invalid TOML")


# --------------------------------------------------------------------------- robustness


def check_only_config_errors(text: str) -> None:
    """Parsing either succeeds or raises a ConfigError whose line exists in the text."""
    try:
        parse_sprint(text, WHERE)
    except ConfigError as err:
        assert err.path == WHERE
        assert isinstance(err.key, str) and err.message
        assert err.line is None or 1 <= err.line <= text.count("\n") + 1


@given(st.text())
def test_arbitrary_text_raises_only_config_error(text: str) -> None:
    check_only_config_errors(text)


@given(st.text(alphabet="[]{}=\"'.,#\n abc123:/-_AE", max_size=200))
def test_toml_punctuation_soup_raises_only_config_error(text: str) -> None:
    check_only_config_errors(text)


VOCAB = st.sampled_from(
    [
        "sprint", "client", "canonical", "domains", "apex", "hosts", "dns", "expect", "A",
        "AAAA", "CNAME", "redirects", "email", "domain", "dkim_selectors", "sender_ips",
        "approved_includes", "message", "endpoints", "url", "method", "body", "headers",
        "network", "nameservers", "ca_bundle", "timeout_s", "pins", "ports", "http", "https",
        "probes", "ratelimit", "injection", "enabled", "endpoint", "max_requests",
        "rate_per_s", "repo", "path", "logs", "globs", "environments", "variables",
        "acme.test", "www.acme.test", "a b", 'q"uote', "", "~nobody-here",
    ]
)  # fmt: skip
SCALARS = st.one_of(
    st.booleans(),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(),
    st.text(max_size=30),
    st.sampled_from(
        [
            "https://www.acme.test/",
            "acme.test",
            "127.0.0.1:5353",
            "[::1]:99999",
            "~nobody-here/x",
            "/",
            "192.0.2.0/24",
        ]
    ),
    st.datetimes(),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.one_of(VOCAB, st.text(max_size=8)), inner, max_size=4)
    ),
    max_leaves=12,
)


@given(st.dictionaries(VOCAB, VALUES, max_size=6))
@settings(suppress_health_check=[HealthCheck.too_slow])
def test_toml_documents_raise_only_config_error(doc: dict[str, Any]) -> None:
    check_only_config_errors(tomli_w.dumps(doc))


def leaf_paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path to a value inside a parsed TOML document."""
    paths = [prefix] if prefix else []
    if isinstance(value, dict):
        for key, child in value.items():
            paths += leaf_paths(child, (*prefix, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            paths += leaf_paths(child, (*prefix, index))
    return paths


EXAMPLE_DOC = tomllib.loads(EXAMPLE.read_text())
EXAMPLE_PATHS = leaf_paths(EXAMPLE_DOC)


@given(st.sampled_from(EXAMPLE_PATHS), VALUES)
@settings(suppress_health_check=[HealthCheck.too_slow])
def test_mutated_example_raises_only_config_error(path: tuple[Any, ...], value: Any) -> None:
    doc = tomllib.loads(EXAMPLE.read_text())
    target = doc
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value
    text = tomli_w.dumps(doc)
    try:
        parse_sprint(text, EXAMPLE)
    except ConfigError as err:
        assert err.line is None or 1 <= err.line <= text.count("\n") + 1
        assert err.key  # a mutation is always blamed on a key, never on the file


@given(st.sampled_from(EXAMPLE_PATHS))
def test_deleting_any_key_of_the_example_is_fine_or_located(path: tuple[Any, ...]) -> None:
    doc = tomllib.loads(EXAMPLE.read_text())
    target = doc
    for part in path[:-1]:
        target = target[part]
    del target[path[-1]]
    try:
        parse_sprint(tomli_w.dumps(doc), EXAMPLE)
    except ConfigError as err:
        assert err.key and err.message


@given(st.dictionaries(st.one_of(VOCAB, st.text(max_size=6)), VALUES, max_size=6), st.booleans())
@settings(suppress_health_check=[HealthCheck.too_slow])
def test_locator_finds_every_key_and_element(doc: dict[str, Any], multiline: bool) -> None:
    text = tomli_w.dumps(doc, multiline_strings=multiline)
    lines = Locator(text).lines
    missing = [path for path in leaf_paths(tomllib.loads(text)) if path not in lines]
    assert not missing


TRICKY = r"""top."dotted.part".x = 1
[a]
s = '''
[not.a.header]
'''
e = "\"[x]"
[[arr]]
v = [ # comment ]
  { k = 1 },
  { k = 2 }]
[[arr]]
[arr.sub]
w = 1
"""


def test_locator_lines_of_tricky_layouts() -> None:
    lines = Locator(TRICKY).lines
    assert lines[("top", "dotted.part", "x")] == 1
    assert lines[("a", "e")] == 6
    assert ("not", "a", "header") not in lines
    assert lines[("arr", 0, "v", 1, "k")] == 10
    assert lines[("arr", 1)] == 11
    assert lines[("arr", 1, "sub", "w")] == 13


def test_perf_and_injection_keys_are_validated(tmp_path: Path):
    base = (
        '[sprint]\nclient = "A"\ncanonical = "https://a.test/"\n[domains]\napex = "a.test"\n'
        'hosts = ["a.test"]\n[endpoints]\nchat = "https://a.test/chat"\n'
    )
    sprint = parse_sprint(base + "[perf]\nsamples = 60\np95_ms = 300\n", tmp_path / "sprint.toml")
    assert (sprint.perf.samples, sprint.perf.p95_ms, sprint.perf.js_budget_kb) == (60, 300, 350)
    for bad, message in (
        ("[perf]\nsamples = 0\n", "perf.samples"),
        ("[perf]\np95 = 300\n", "unknown key 'p95'"),
        ("[perf]\ncache_hit_pct = 120\n", "perf.cache_hit_pct"),
        ('[probes.injection]\ncanaries = ["abc"]\n', "too short"),
        ('[probes.injection]\nsystem_prompt_file = "missing.txt"\n', "does not exist"),
    ):
        with pytest.raises(ConfigError) as caught:
            parse_sprint(base + bad, tmp_path / "sprint.toml")
        assert message in str(caught.value), str(caught.value)
    prompt = tmp_path / "system.txt"
    prompt.write_text("You are a bot.", encoding="utf-8")
    sprint = parse_sprint(
        base + '[probes.injection]\ncanaries = [" CANARY-1234 "]\nsystem_prompt_file = "system.txt"\n',
        tmp_path / "sprint.toml",
    )
    assert sprint.probes.injection.canaries == ("CANARY-1234",)
    assert sprint.probes.injection.system_prompt_file == prompt
