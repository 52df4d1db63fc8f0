"""The hostile internet, fault by fault: every one ends in a plain reason within its timeout,
and a whole run against all of them stays on loopback, bounded and free of internal errors."""

from __future__ import annotations

import gc
import ipaddress
import json
import sys
import warnings
from collections.abc import AsyncIterator
from typing import Any

import pytest

from launchwizard.checks.registry import REGISTRY
from launchwizard.checks.runner import Runner
from launchwizard.config import Nameserver
from launchwizard.demo.lab import Lab
from launchwizard.demo.sites_hostile import INTERNAL_ADDRESS
from launchwizard.net.dns import DnsError, Resolver
from launchwizard.net.http import FetchError, HttpClient, network_kind

SHORT_S = 1.0


def plain(message: str | None) -> str:
    """A reason a person can read: one line, no traceback."""
    assert message, "empty reason"
    assert "\n" not in message and "Traceback" not in message, message
    return message


@pytest.fixture
def resolver(lab: Lab) -> Resolver:
    host, port = lab.nameserver.split(":")
    return Resolver([Nameserver(host, int(port))], timeout_s=SHORT_S)


@pytest.fixture
async def client(lab: Lab, resolver: Resolver) -> AsyncIterator[HttpClient]:
    http = HttpClient(
        resolver,
        timeout_s=SHORT_S,
        ports={"http": lab.ports["http"], "https": lab.ports["https"]},
        ca_bundle=str(lab.ca_bundle),
        max_body=256 * 1024,
    )
    try:
        yield http
    finally:
        await http.aclose()


# ---------------------------------------------------------------- DNS


@pytest.mark.parametrize("name", ["silent", "late", "truncated", "wrongid", "servfail"])
async def test_broken_dns_is_a_plain_error(resolver: Resolver, name: str) -> None:
    answer = await resolver.query(f"{name}.hostile.test", "A")
    assert answer.failed, answer
    plain(answer.describe())
    with pytest.raises(DnsError) as caught:
        await resolver.addresses(f"{name}.hostile.test")
    plain(str(caught.value))


async def test_a_cname_loop_ends(resolver: Resolver) -> None:
    answer = await resolver.query("loop1.hostile.test", "A")
    assert not answer.records
    with pytest.raises(DnsError) as caught:
        await resolver.addresses("loop1.hostile.test")
    plain(str(caught.value))


# ---------------------------------------------------------------- HTTP


async def test_a_head_trickled_one_byte_a_second_times_out(client: HttpClient) -> None:
    with pytest.raises(FetchError) as caught:
        await client.request("GET", "https://trickle.hostile.test/")
    assert caught.value.kind == "timeout"
    plain(caught.value.message)


async def test_ten_thousand_headers_are_refused(client: HttpClient) -> None:
    with pytest.raises(FetchError) as caught:
        await client.request("GET", "https://manyheaders.hostile.test/")
    assert caught.value.kind == "protocol"
    plain(caught.value.message)


async def test_an_endless_body_is_cut_at_the_cap(client: HttpClient) -> None:
    response = await client.request("GET", "https://gigabyte.hostile.test/", max_body=1024 * 1024)
    assert response.truncated and len(response.body) == 1024 * 1024


async def test_fifty_redirects_stop_at_the_hop_limit(client: HttpClient) -> None:
    chain = await client.follow("https://redirect50.hostile.test/")
    assert chain.error_kind == "too-many-hops" and len(chain.hops) == 11
    plain(chain.error)


@pytest.mark.parametrize(
    ("host", "address", "kind"),
    [("metadata", "169.254.169.254", "link-local"), ("private", INTERNAL_ADDRESS, "private")],
)
async def test_redirects_into_internal_networks_are_refused(client: HttpClient, host, address, kind) -> None:
    chain = await client.follow(f"https://{host}.hostile.test/")
    assert chain.error_kind == "internal-address", chain.error
    assert len(chain.hops) == 1 and address in plain(chain.error) and kind in chain.error


async def test_redirect_to_a_file_url_is_refused(client: HttpClient) -> None:
    chain = await client.follow("http://fileredirect.hostile.test/")
    assert chain.error_kind == "scheme"
    plain(chain.error)


def test_network_kinds() -> None:
    assert network_kind("8.8.8.8") == "public"
    assert network_kind("10.1.2.3") == network_kind("192.168.0.1") == network_kind("fd00::1") == "private"
    assert network_kind("127.53.1.1") == network_kind("::1") == "loopback"
    assert network_kind("169.254.169.254") == network_kind("fe80::1") == "link-local"
    assert network_kind("0.0.0.0") == "reserved"
    assert network_kind("not an address") == "public"


# ---------------------------------------------------------------- a whole run


HOSTILE_WEB = [
    "trickle.hostile.test",
    "manyheaders.hostile.test",
    "gigabyte.hostile.test",
    "redirect50.hostile.test",
    "metadata.hostile.test",
    "private.hostile.test",
    "reset.lab.test",
    "hang.lab.test",
    "badtls.lab.test",
]
HOSTILE_DNS = ["silent.hostile.test", "truncated.hostile.test", "loop1.hostile.test"]


class LoopbackOnly:
    """An audit hook that records every address a socket connects or sends to."""

    def __init__(self) -> None:
        self.active = False
        self.outside: list[str] = []

    def __call__(self, event: str, args: tuple[Any, ...]) -> None:
        if not self.active or event not in ("socket.connect", "socket.sendto"):
            return
        address = args[1] if event == "socket.connect" else args[-1]
        if isinstance(address, tuple) and address and isinstance(address[0], str):
            try:
                if not ipaddress.ip_address(address[0]).is_loopback:
                    self.outside.append(address[0])
            except ValueError:
                self.outside.append(address[0])


LOOPBACK_ONLY = LoopbackOnly()
sys.addaudithook(LOOPBACK_ONLY)


@pytest.fixture
def hostile_sprint(make_sprint: Any) -> Any:
    chat = {
        "url": "https://chat.perf.test/v1/endless",
        "method": "POST",
        "body": '{"message": "{{prompt}}"}',
        "response_path": "reply.text",
        "timeout_s": 1,
    }
    return make_sprint(
        [*HOSTILE_WEB, *HOSTILE_DNS],
        apex="hostile.test",
        canonical="https://trickle.hostile.test/",
        endpoints={
            "homepage": "https://trickle.hostile.test/",
            "health": "https://manyheaders.hostile.test/health",
            "login": "https://gigabyte.hostile.test/login",
            "chat": chat,
        },
        perf={"samples": 20, "concurrency": 8},
        probes={"injection": {"enabled": True, "endpoint": "chat", "rate_per_s": 20.0}},
        email={"domain": "silent.hostile.test", "dkim_selectors": ["s1"]},
        network={"timeout_s": SHORT_S, "concurrency": 32, "per_host": 8},
        rdap={"bootstrap_url": "https://trickle.hostile.test/rdap/dns.json"},
    )


async def test_every_check_against_every_fault_ends_plainly_on_loopback(hostile_sprint: Any) -> None:
    web_specs = [spec for spec in REGISTRY if spec.scope not in ("repo", "logs")]
    LOOPBACK_ONLY.outside.clear()
    LOOPBACK_ONLY.active = True
    gc.collect()
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", ResourceWarning)
            report = await Runner(hostile_sprint, web_specs).run()
            gc.collect()
    finally:
        LOOPBACK_ONLY.active = False
    assert LOOPBACK_ONLY.outside == [], f"connections beyond loopback: {set(LOOPBACK_ONLY.outside)}"
    leaked = [str(w.message) for w in caught if issubclass(w.category, ResourceWarning)]
    assert leaked == [], f"sockets left open after the run: {leaked[:3]}"
    assert {r.check for r in report.results} == {spec.id for spec in web_specs}
    for result in report.results:
        where = f"{result.check} on {result.target}: {result.summary}"
        plain(result.summary)
        assert "internal error" not in result.summary, where
        assert "did not finish within" not in result.summary, where
        assert str(result.status) in ("error", "fail", "warn", "skipped", "pass"), where
    no_tls = ("reset.lab.test", "hang.lab.test", "badtls.lab.test", *HOSTILE_DNS)
    tls = [r for r in report.results if r.target in no_tls and r.check.startswith("tls.")]
    assert tls and all(str(r.status) in ("error", "fail") for r in tls), [(r.check, r.target) for r in tls]


def test_the_audit_hook_notices_an_address_beyond_loopback() -> None:
    """The hook's own logic, fed the events a socket raises (no packet is sent)."""
    hook = LoopbackOnly()
    hook.active = True
    hook("socket.connect", (None, ("127.53.1.2", 443)))
    hook("socket.sendto", (None, b"", ("192.0.2.1", 53)))
    hook("socket.connect", (None, ("::1", 53, 0, 0)))
    hook("socket.connect", (None, "/run/some.sock"))
    assert hook.outside == ["192.0.2.1"]


MEMORY_LIMIT = 1536 * 1024 * 1024
"""Address space for the child run: the interpreter, its libraries and thread stacks fit
easily; an endless body read without a cap would not."""


def test_memory_stays_bounded_against_endless_bodies(make_sprint: Any) -> None:
    """Every check that reads bodies, against a host whose bodies never end, in a child process
    whose address space is capped: it must finish with its report, not a MemoryError."""
    import json
    import resource
    import subprocess

    sprint = make_sprint(
        ["gigabyte.hostile.test"],
        apex="hostile.test",
        endpoints={"homepage": "https://gigabyte.hostile.test/", "health": "https://gigabyte.hostile.test/h"},
        perf={"samples": 20},
        network={"timeout_s": 2.0},
        rdap={"bootstrap_url": "https://gigabyte.hostile.test/rdap/dns.json"},
    )

    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))

    readers = [
        "secrets.bundle",
        "perf.bundle",
        "perf.cache",
        "perf.latency",
        "core.landing",
        "edge.headers",
        "registrar.expiry",
    ]
    only = [arg for check in readers for arg in ("--only", check)]
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "launchwizard",
            "check",
            "--config",
            str(sprint.path),
            *only,
            "--format",
            "json",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        preexec_fn=cap,
    )
    assert done.returncode in (0, 1), done.stderr[-2000:]
    assert "MemoryError" not in done.stderr
    greedy = subprocess.run(
        [sys.executable, "-c", "bytearray(2 * 1024 ** 3)"], capture_output=True, timeout=60, preexec_fn=cap
    )
    assert greedy.returncode != 0 and b"MemoryError" in greedy.stderr, "the cap must bite"
    results = json.loads(done.stdout)["results"]
    assert {r["check"] for r in results} == set(readers)
    assert all("internal error" not in r["summary"] for r in results)


async def test_urls_a_page_names_are_held_to_its_network(make_sprint: Any) -> None:
    """Scripts, the widget, preloads, images, chunks and source maps named at cloud metadata, a
    10.x address or a name resolving there are refused before any connection, like redirects."""
    sprint = make_sprint(
        ["namer.hostile.test"],
        apex="hostile.test",
        canonical="https://namer.hostile.test/",
        endpoints={"homepage": "https://namer.hostile.test/"},
    )
    checks = ("core.widget", "perf.cache", "perf.bundle", "secrets.bundle")
    LOOPBACK_ONLY.outside.clear()
    LOOPBACK_ONLY.active = True
    try:
        report = await Runner(sprint, [spec for spec in REGISTRY if spec.id in checks]).run()
    finally:
        LOOPBACK_ONLY.active = False
    assert LOOPBACK_ONLY.outside == [], f"connections beyond loopback: {set(LOOPBACK_ONLY.outside)}"
    text = json.dumps([r.to_json() for r in report.results])
    for named in ("169.254.169.254", "internal.hostile.test", "10.20.30.40"):
        assert f"{named}" in text and "refused" in text, named
    assert text.count("may not lead the audit into an internal network") >= 6
    for result in report.results:
        assert "internal error" not in result.summary, result.summary
