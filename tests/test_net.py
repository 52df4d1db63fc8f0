"""The network layer against the loopback lab: DNS outcomes, HTTP hops and faults, TLS facts.

Real sockets only: every test asks the lab's authoritative servers and web servers. No test
sleeps or measures time; deadlines are proven by the outcome they produce.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import gc
import hashlib
import ipaddress
import warnings
from collections.abc import AsyncIterator, Mapping, Sequence

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import NameOID

from launchwizard.demo.lab import Lab
from launchwizard.net.dns import DnsAnswer, DnsError, Nameserver, Outcome, Resolver, ServerReply
from launchwizard.net.http import FetchError, Hop, HttpClient
from launchwizard.net.tls import TlsProbe, describe_certificate

SHORT_S = 0.5
FAULT_S = 0.3  # deadline for the tests that must run into it
NS_ADDRESSES = {"ns1": "127.53.0.1", "ns2": "127.53.0.2", "ns9": "127.53.0.9"}
DEAD_NS = "127.53.0.200"  # a lab address where nothing listens
BIG = "lab-padding-" + "0123456789abcdef" * 30  # the text behind each bigtxt.lab.test TXT record
LAME_SOA = "ns1.acme.test. hostmaster.lame.test. 2026112501 3600 600 1209600 300"


# ---------------------------------------------------------------- helpers


def ns(lab: Lab, name: str = "ns1") -> Nameserver:
    """A lab name server (or the dead address) on the lab's DNS port."""
    return Nameserver(NS_ADDRESSES.get(name, name), lab.ports["dns"])


def make_resolver(
    lab: Lab,
    *names: str,
    timeout_s: float = SHORT_S,
    pins: Mapping[str, str] | None = None,
) -> Resolver:
    """A resolver asking the named lab servers (ns1 when none is named)."""
    return Resolver([ns(lab, n) for n in names or ("ns1",)], timeout_s=timeout_s, pins=pins)


def make_client(lab: Lab, resolver: Resolver, max_body: int = 100_000) -> HttpClient:
    return HttpClient(
        resolver,
        timeout_s=SHORT_S,
        ports={"http": lab.ports["http"], "https": lab.ports["https"]},
        ca_bundle=str(lab.ca_bundle),
        max_body=max_body,
    )


def make_probe(lab: Lab, resolver: Resolver | None = None, timeout_s: float = SHORT_S) -> TlsProbe:
    return TlsProbe(
        resolver or make_resolver(lab),
        timeout_s=timeout_s,
        https_port=lab.ports["https"],
        ca_bundle=str(lab.ca_bundle),
    )


def txt_text(record: str) -> str:
    """The text of one TXT record (the resolver joins its strings; lab TXT has no spaces)."""
    return record.replace('"', "").replace(" ", "")


def assert_plain(message: str) -> None:
    """A reason a person can read: one line, no traceback, not just an exception class name."""
    assert message, "empty message"
    assert "\n" not in message, f"multi-line message: {message!r}"
    assert "Traceback" not in message, f"traceback in message: {message!r}"


@pytest.fixture
def resolver(lab: Lab) -> Resolver:
    return make_resolver(lab)


@pytest.fixture
async def client(lab: Lab, resolver: Resolver) -> AsyncIterator[HttpClient]:
    http = make_client(lab, resolver)
    try:
        yield http
    finally:
        await http.aclose()


@pytest.fixture
def probe(lab: Lab, resolver: Resolver) -> TlsProbe:
    return make_probe(lab, resolver)


# ---------------------------------------------------------------- resolver: outcomes


async def test_a_record_is_found_with_ttl_and_server(lab: Lab, resolver: Resolver) -> None:
    answer = await resolver.query("good.lab.test", "A")
    assert answer == DnsAnswer(
        name="good.lab.test",
        rdtype="A",
        outcome=Outcome.OK,
        records=("127.53.2.1",),
        cname_chain=(),
        ttl=300,
        error=None,
        server=str(ns(lab)),
    )
    assert answer.found and not answer.failed
    assert answer.describe() == "good.lab.test A = 127.53.2.1"


@pytest.mark.parametrize(
    ("name", "address", "chain"),
    [
        ("cname.lab.test", "127.53.2.1", ("good.lab.test",)),
        ("app.acme.test", "127.53.1.3", ("app.hosting.test",)),
    ],
)
async def test_cname_chain_is_followed_and_recorded(
    resolver: Resolver, name: str, address: str, chain: tuple[str, ...]
) -> None:
    answer = await resolver.query(name, "A")
    assert answer.outcome is Outcome.OK
    assert answer.name == name
    assert answer.records == (address,)
    assert answer.cname_chain == chain


async def test_asking_for_the_cname_itself_returns_it_without_following(resolver: Resolver) -> None:
    answer = await resolver.query("app.acme.test", "CNAME")
    assert answer.outcome is Outcome.OK
    assert answer.records == ("app.hosting.test.",)
    assert answer.cname_chain == ()


async def test_nxdomain_is_an_outcome_not_an_error(lab: Lab, resolver: Resolver) -> None:
    answer = await resolver.query("missing.lab.test", "A")
    assert answer.outcome is Outcome.NXDOMAIN
    assert (answer.records, answer.cname_chain, answer.error) == ((), (), None)
    assert answer.server == str(ns(lab))
    assert not answer.found and not answer.failed
    assert answer.describe() == "missing.lab.test does not exist (NXDOMAIN)"


async def test_nodata_when_the_name_exists_without_that_type(resolver: Resolver) -> None:
    answer = await resolver.query("nodata.lab.test", "A")
    assert answer.outcome is Outcome.NODATA
    assert (answer.records, answer.error) == ((), None)
    assert not answer.failed
    assert answer.describe() == "nodata.lab.test has no A record"
    txt = await resolver.query("nodata.lab.test", "TXT")
    assert txt.records == ("this name has no address records",)  # strings joined, unquoted


async def test_dangling_cname_is_nxdomain_with_the_chain(resolver: Resolver) -> None:
    answer = await resolver.query("dangling.lab.test", "A")
    assert answer.outcome is Outcome.NXDOMAIN
    assert answer.cname_chain == ("gone.hosting.test",)
    assert answer.records == ()


async def test_servfail_is_a_dns_error_never_nxdomain(lab: Lab, resolver: Resolver) -> None:
    answer = await resolver.query("servfail.lab.test", "A")
    assert answer.outcome is Outcome.ERROR
    assert answer.outcome is not Outcome.NXDOMAIN
    assert answer.failed and not answer.found
    assert answer.error == f"{ns(lab)}: SERVFAIL"
    assert answer.server is None
    assert answer.describe() == f"DNS error for servfail.lab.test A: {ns(lab)}: SERVFAIL"


async def test_silent_name_times_out_as_a_dns_error(lab: Lab) -> None:
    resolver = make_resolver(lab, timeout_s=0.3)
    answer = await resolver.query("silent.lab.test", "A")
    assert answer.outcome is Outcome.ERROR
    assert answer.error == f"{ns(lab)}: timed out"


async def test_big_txt_answer_is_complete_via_tcp_fallback(resolver: Resolver) -> None:
    answer = await resolver.query("bigtxt.lab.test", "TXT")
    assert answer.outcome is Outcome.OK
    # three ~500-byte records cannot fit a 512-byte UDP reply: only TCP brings them all
    assert sorted(txt_text(r) for r in answer.records) == sorted([BIG, BIG.upper(), BIG[::-1]])
    assert [len(txt_text(r)) for r in answer.records] == [len(BIG)] * 3 == [492] * 3


async def test_lab_latency_longer_than_the_deadline_is_a_timeout(lab: Lab) -> None:
    resolver = make_resolver(lab, timeout_s=0.05)
    lab.set_latency(0.2)
    try:
        answer = await resolver.query("good.lab.test", "A")
    finally:
        lab.set_latency(0.0)
    assert answer.outcome is Outcome.ERROR
    assert answer.error == f"{ns(lab)}: timed out"


# ---------------------------------------------------------------- resolver: several servers


async def test_second_server_is_asked_when_the_first_refuses(lab: Lab) -> None:
    # ns9 serves acme.test only, so it answers REFUSED for lab.test names
    resolver = make_resolver(lab, "ns9", "ns1")
    answer = await resolver.query("good.lab.test", "A")
    assert answer.outcome is Outcome.OK
    assert answer.records == ("127.53.2.1",)
    assert answer.server == str(ns(lab, "ns1"))


async def test_second_server_is_asked_when_the_first_is_dead(lab: Lab) -> None:
    resolver = make_resolver(lab, DEAD_NS, "ns1", timeout_s=SHORT_S)
    answer = await resolver.query("good.lab.test", "A")
    assert answer.outcome is Outcome.OK, (
        "BUG: a dead first name server eats the whole deadline in Resolver._ask_any "
        "(remaining = deadline - now is all given to server 1), so server 2 is never asked: "
        f"{answer.error}"
    )
    assert answer.records == ("127.53.2.1",)
    assert answer.server == str(ns(lab, "ns1"))


async def test_all_servers_dead_is_a_dns_error(lab: Lab) -> None:
    resolver = make_resolver(lab, DEAD_NS, "127.53.0.201", timeout_s=0.3)
    answer = await resolver.query("good.lab.test", "A")
    assert answer.outcome is Outcome.ERROR
    assert answer.records == ()
    assert answer.error is not None
    assert answer.error.startswith(f"{ns(lab, DEAD_NS)}: timed out")


async def test_no_servers_at_all_is_a_dns_error() -> None:
    answer = await Resolver([], timeout_s=0.3).query("good.lab.test", "A")
    assert answer.outcome is Outcome.ERROR
    assert answer.error == "no name server configured and none found in /etc/resolv.conf"


# ---------------------------------------------------------------- resolver: cache


async def test_concurrent_identical_queries_share_one_lookup(lab: Lab) -> None:
    resolver = make_resolver(lab, timeout_s=1.0)
    lab.set_latency(0.2)  # keeps the lookup in flight while all 20 askers arrive
    try:
        answers = await asyncio.gather(*(resolver.query("good.lab.test", "A") for _ in range(20)))
    finally:
        lab.set_latency(0.0)
    assert answers[0].records == ("127.53.2.1",)
    # one lookup produces one DnsAnswer object; separate lookups would make equal but distinct ones
    assert all(a is answers[0] for a in answers)
    assert list(resolver._cache) == [("good.lab.test", "A")]


async def test_cache_key_ignores_case_and_trailing_dot(resolver: Resolver) -> None:
    first = await resolver.query("good.lab.test", "A")
    again = await resolver.query("GOOD.Lab.Test.", "a")
    assert again is first
    assert len(resolver._cache) == 1


async def test_cached_answer_is_served_without_asking_the_network(lab: Lab) -> None:
    resolver = make_resolver(lab, timeout_s=0.3)
    first = await resolver.query("good.lab.test", "A")
    lab.set_latency(1.0)  # from now on, any real question times out
    try:
        again = await resolver.query("good.lab.test", "A")
        other = await resolver.query("cname.lab.test", "A")
    finally:
        lab.set_latency(0.0)
    assert again is first
    assert again.outcome is Outcome.OK
    assert other.outcome is Outcome.ERROR
    assert other.error == f"{ns(lab)}: timed out"


# ---------------------------------------------------------------- resolver: addresses and pins


async def test_pin_wins_and_dns_is_never_asked(lab: Lab) -> None:
    resolver = make_resolver(lab, pins={"New.Acme.Test.": "127.53.1.2"})
    assert await resolver.addresses("new.acme.test") == ["127.53.1.2"]
    assert await resolver.addresses("NEW.acme.test.") == ["127.53.1.2"]
    assert resolver._cache == {}
    # the pin only steers connections: DNS itself still says the name does not exist
    assert (await resolver.query("new.acme.test", "A")).outcome is Outcome.NXDOMAIN


async def test_ip_literals_are_their_own_address(resolver: Resolver) -> None:
    assert await resolver.addresses("127.53.2.1") == ["127.53.2.1"]
    assert await resolver.addresses("[::1]") == ["::1"]
    assert resolver._cache == {}


async def test_addresses_lists_a_then_aaaa(resolver: Resolver) -> None:
    assert await resolver.addresses("ipv6.lab.test") == ["127.53.2.99", "::1"]
    assert await resolver.addresses("cname.lab.test") == ["127.53.2.1"]


async def test_addresses_nxdomain_raises_a_plain_reason(resolver: Resolver) -> None:
    with pytest.raises(DnsError) as caught:
        await resolver.addresses("missing.lab.test")
    assert str(caught.value) == "missing.lab.test does not exist (NXDOMAIN)"


async def test_addresses_servfail_raises_a_dns_error_not_missing(lab: Lab, resolver: Resolver) -> None:
    with pytest.raises(DnsError) as caught:
        await resolver.addresses("servfail.lab.test")
    message = str(caught.value)
    assert message == f"DNS error for servfail.lab.test A: {ns(lab)}: SERVFAIL"
    assert "NXDOMAIN" not in message and "does not exist" not in message


async def test_addresses_nodata_raises_a_plain_reason(resolver: Resolver) -> None:
    with pytest.raises(DnsError) as caught:
        await resolver.addresses("nodata.lab.test")
    assert str(caught.value) == "nodata.lab.test has no A or AAAA record"


# ---------------------------------------------------------------- resolver: one server directly


async def test_lame_server_refuses(lab: Lab, resolver: Resolver) -> None:
    reply = await resolver.ask_server(ns(lab, "ns9"), "lame.test", "SOA")
    assert reply == ServerReply(str(ns(lab, "ns9")), "REFUSED", False, {}, None)


async def test_authoritative_server_answers_with_aa_and_soa(lab: Lab, resolver: Resolver) -> None:
    reply = await resolver.ask_server(ns(lab, "ns1"), "lame.test", "SOA")
    assert reply == ServerReply(str(ns(lab, "ns1")), "NOERROR", True, {"SOA": (LAME_SOA,)}, None)


async def test_drifted_secondary_has_an_older_serial(lab: Lab, resolver: Resolver) -> None:
    primary, secondary = await asyncio.gather(
        resolver.ask_server(ns(lab, "ns1"), "drift.test", "SOA"),
        resolver.ask_server(ns(lab, "ns2"), "drift.test", "SOA"),
    )
    assert primary.authoritative and secondary.authoritative
    assert primary.answer["SOA"][0].split()[2] == "2026112501"
    assert secondary.answer["SOA"][0].split()[2] == "2026112401"


async def test_ask_server_on_a_dead_server_reports_the_timeout(lab: Lab) -> None:
    resolver = make_resolver(lab, timeout_s=0.3)
    reply = await resolver.ask_server(ns(lab, DEAD_NS), "acme.test", "SOA")
    assert reply == ServerReply(str(ns(lab, DEAD_NS)), None, False, {}, "timed out")


# ---------------------------------------------------------------- http: requests


async def test_https_request_reaches_the_lab_host(lab: Lab, client: HttpClient) -> None:
    response = await client.request("GET", "https://good.lab.test/")
    assert response.status == 200
    assert response.url == "https://good.lab.test/"
    assert response.address == f"127.53.2.1:{lab.ports['https']}"
    assert response.http_version == "HTTP/1.1"
    assert response.header("server") == "acme-lab/1.0"
    assert response.header("Content-Type") == "text/html; charset=utf-8"
    assert response.text == "<!doctype html><title>good.lab.test</title><h1>good.lab.test</h1>\n"
    assert (response.truncated, response.body_error) == (False, None)
    assert not response.is_redirect


async def test_http_request_uses_the_configured_http_port(lab: Lab, client: HttpClient) -> None:
    response = await client.request("GET", "http://good.lab.test/")
    assert response.status == 301
    assert response.is_redirect
    assert response.header("location") == "https://good.lab.test/"
    assert response.address == f"127.53.2.1:{lab.ports['http']}"


async def test_pinned_host_gets_its_own_vhost_and_certificate(lab: Lab) -> None:
    # DNS is dead: only the pin can get us there. A 200 with good.lab.test's page proves the
    # Host header carried the name (the lab answers 421 to unknown hosts), and a verified
    # handshake proves SNI/hostname checks used the name (the certificate names no IP).
    resolver = make_resolver(lab, DEAD_NS, timeout_s=0.3, pins={"good.lab.test": "127.53.2.1"})
    http = make_client(lab, resolver)
    try:
        response = await http.request("GET", "https://good.lab.test/")
    finally:
        await http.aclose()
    assert response.status == 200
    assert response.address == f"127.53.2.1:{lab.ports['https']}"
    assert "<title>good.lab.test</title>" in response.text
    assert resolver._cache == {}


async def test_pinned_name_missing_from_the_certificate_fails_tls(lab: Lab) -> None:
    # new.acme.test is pinned to www.acme.test's address: the server's certificate names
    # www.acme.test only, so the check must fail on the name we asked for, not the address.
    resolver = make_resolver(lab, pins={"new.acme.test": lab.address_of("www.acme.test")})
    http = make_client(lab, resolver)
    try:
        with pytest.raises(FetchError) as caught:
            await http.request("GET", "https://new.acme.test/")
        # the same address is fine under its real name
        ok = await http.request("GET", "https://www.acme.test/")
    finally:
        await http.aclose()
    assert caught.value.kind == "tls"
    assert "certificate is not valid for 'new.acme.test'" in caught.value.message
    assert ok.status == 200
    assert ok.address == f"127.53.1.2:{lab.ports['https']}"


async def test_explicit_port_in_the_url_overrides_the_configured_port(lab: Lab, client: HttpClient) -> None:
    assert client.effective_url("https://otherport.lab.test:8443/").port == 8443
    assert client.effective_url("https://otherport.lab.test/").port == lab.ports["https"]
    assert client.effective_url("http://otherport.lab.test/x").port == lab.ports["http"]
    # otherport.lab.test does listen on the configured https port, so refusal proves 8443 was used
    with pytest.raises(FetchError) as caught:
        await client.request("GET", "https://otherport.lab.test:8443/")
    assert caught.value.kind == "connect"
    assert caught.value.message == "connection refused"


async def test_unsupported_scheme_is_refused_before_any_request(client: HttpClient) -> None:
    with pytest.raises(FetchError) as caught:
        await client.request("GET", "ftp://good.lab.test/")
    assert caught.value.kind == "scheme"
    assert caught.value.message == "unsupported URL scheme 'ftp' in ftp://good.lab.test/"


async def test_closed_http_port_is_connection_refused(client: HttpClient) -> None:
    with pytest.raises(FetchError) as caught:
        await client.request("GET", "http://closed80.lab.test/")
    assert caught.value.kind == "connect"
    assert caught.value.message == "connection refused"


async def test_dns_failure_is_a_dns_fetch_error(lab: Lab, client: HttpClient) -> None:
    with pytest.raises(FetchError) as missing:
        await client.request("GET", "https://missing.lab.test/")
    assert missing.value.kind == "dns"
    assert missing.value.message == "missing.lab.test does not exist (NXDOMAIN)"
    with pytest.raises(FetchError) as servfail:
        await client.request("GET", "https://servfail.lab.test/")
    assert servfail.value.kind == "dns"
    assert servfail.value.message == f"DNS error for servfail.lab.test A: {ns(lab)}: SERVFAIL"


async def test_reset_over_http_is_kind_reset(client: HttpClient) -> None:
    with pytest.raises(FetchError) as caught:
        await client.request("GET", "http://reset.lab.test/")
    assert caught.value.kind == "reset"
    assert_plain(caught.value.message)
    assert caught.value.message == "connection closed or reset by the server without a response"


async def test_reset_during_the_tls_handshake_has_a_plain_reason(client: HttpClient) -> None:
    with pytest.raises(FetchError) as caught:
        await client.request("GET", "https://reset.lab.test/")
    assert caught.value.kind in ("reset", "connect")
    assert_plain(caught.value.message)
    assert "reset" in caught.value.message.lower(), (
        "BUG: a reset during the TLS handshake is reported as "
        f"{caught.value.kind!r} / {caught.value.message!r}; httpcore raises ConnectError() with an "
        "empty text (cause: anyio.BrokenResourceError <- ConnectionResetError) from start_tls, "
        "which _socket_reason never sees, so _fetch_error falls back to the class name"
    )


@pytest.mark.parametrize("url", ["https://hang.lab.test/", "http://hang.lab.test/"])
async def test_hanging_server_ends_at_the_deadline(client: HttpClient, url: str) -> None:
    with pytest.raises(FetchError) as caught:
        await client.request("GET", url, timeout_s=FAULT_S)
    assert caught.value.kind == "timeout"
    assert caught.value.message == "no response within 0.3 s"


async def test_deadline_during_the_tls_handshake_leaves_no_socket_open(lab: Lab, resolver: Resolver) -> None:
    http = make_client(lab, resolver)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ResourceWarning)
        try:
            with pytest.raises(FetchError) as failed:
                await http.request("GET", "https://hang.lab.test/", timeout_s=FAULT_S)
        finally:
            await http.aclose()
        gc.collect()
    assert failed.value.kind == "timeout"
    leaked = [str(w.message) for w in caught if issubclass(w.category, ResourceWarning)]
    assert leaked == [], (
        "BUG: HttpClient.request's asyncio.timeout cancels httpx mid-TLS-handshake; httpcore closes "
        "the stream only on Exception (not CancelledError) and the pool never held the connection, "
        "so the TCP socket to the host is left open until garbage collection"
    )


async def test_slow_body_keeps_the_head_and_notes_the_deadline(lab: Lab, client: HttpClient) -> None:
    response = await client.request("GET", "https://slowbody.lab.test/", timeout_s=FAULT_S)
    assert response.status == 200
    assert response.address == f"127.53.2.22:{lab.ports['https']}"
    assert response.body_error == "body still arriving at the deadline"
    assert response.body in (b"", b".")  # one byte per second, at most the first one arrived
    assert not response.truncated


async def test_huge_body_is_capped(client: HttpClient) -> None:
    response = await client.request("GET", "https://hugebody.lab.test/")
    assert response.status == 200
    assert response.truncated is True
    assert len(response.body) == client.max_body == 100_000
    assert set(response.body) == {ord("A")}
    assert response.body_error is None
    smaller = await client.request("GET", "https://hugebody.lab.test/", max_body=1000)
    assert (smaller.truncated, len(smaller.body)) == (True, 1000)


async def test_garbage_instead_of_tls_is_a_tls_error(client: HttpClient) -> None:
    with pytest.raises(FetchError) as caught:
        await client.request("GET", "https://badtls.lab.test/")
    assert caught.value.kind == "tls"
    assert "wrong version number" in caught.value.message
    assert_plain(caught.value.message)


@pytest.mark.parametrize(
    ("host", "reason"),
    [
        ("selfsigned", "self-signed certificate"),
        ("expired", "certificate has expired"),
        ("wronghost", "Hostname mismatch, certificate is not valid for 'wronghost.lab.test'"),
        ("nochain", "unable to get local issuer certificate"),
    ],
)
async def test_untrusted_certificate_is_a_tls_error(client: HttpClient, host: str, reason: str) -> None:
    with pytest.raises(FetchError) as caught:
        await client.request("GET", f"https://{host}.lab.test/")
    assert caught.value.kind == "tls"
    assert caught.value.message == f"certificate verify failed: {reason}"


# ---------------------------------------------------------------- http: redirect chains


async def test_follow_records_each_hop(lab: Lab, client: HttpClient) -> None:
    chain = await client.follow("http://good.lab.test/")
    assert [hop.to_json() for hop in chain.hops] == [
        Hop(
            url="http://good.lab.test/",
            status=301,
            location="https://good.lab.test/",
            address=f"127.53.2.1:{lab.ports['http']}",
        ).to_json(),
        Hop(url="https://good.lab.test/", status=200, address=f"127.53.2.1:{lab.ports['https']}").to_json(),
    ]
    assert ("location", "https://good.lab.test/") in chain.hops[0].headers
    assert (chain.error, chain.error_kind) == (None, None)
    assert chain.final is not None and chain.final.status == 200
    assert chain.hops[1].headers == chain.final.headers
    assert chain.final_url == "https://good.lab.test/"


async def test_follow_once_fetches_a_chain_once_for_every_caller(lab: Lab, client: HttpClient) -> None:
    lab.reset_rate_limits()
    first, second = await asyncio.gather(
        client.follow_once("https://ratelimit.edge.test/login"),
        client.follow_once("https://ratelimit.edge.test/login"),
    )
    assert first is second
    assert first.final is not None and first.final.status == 200
    assert len(lab.arrivals("ratelimit.edge.test", "/login")) == 1


async def test_redirect_loop_is_detected(client: HttpClient) -> None:
    chain = await client.follow("https://loop.lab.test/")
    assert chain.error_kind == "loop"
    assert chain.error == "redirect loop: https://loop.lab.test/ again"
    assert [(h.url, h.status, h.location) for h in chain.hops] == [
        ("https://loop.lab.test/", 301, "/a"),
        ("https://loop.lab.test/a", 301, "/"),
    ]
    assert chain.final is None


async def test_redirect_to_file_scheme_stops_without_requesting_it(client: HttpClient) -> None:
    chain = await client.follow("http://fileredirect.lab.test/")
    assert chain.error_kind == "scheme"
    assert chain.error == "redirect to unsupported scheme: file:///etc/passwd"
    assert [(h.url, h.status, h.location) for h in chain.hops] == [
        ("http://fileredirect.lab.test/", 301, "file:///etc/passwd"),
    ]
    assert not any(h.url.startswith("file:") for h in chain.hops)
    assert chain.final is None


async def test_long_chain_is_followed_to_the_end(client: HttpClient) -> None:
    chain = await client.follow("https://longchain.lab.test/")
    assert [h.url for h in chain.hops] == [
        "https://longchain.lab.test/",
        "https://longchain.lab.test/1",
        "https://longchain.lab.test/2",
        "https://longchain.lab.test/3",
        "https://longchain.lab.test/4",
    ]
    assert [h.status for h in chain.hops] == [301, 301, 301, 301, 200]
    assert chain.error_kind is None
    assert chain.final is not None
    assert "longchain.lab.test end" in chain.final.text


async def test_max_redirects_limits_the_chain(client: HttpClient) -> None:
    chain = await client.follow("https://longchain.lab.test/", max_redirects=3)
    assert chain.error_kind == "too-many-hops"
    assert chain.error == "more than 3 redirects"
    assert [h.status for h in chain.hops] == [301, 301, 301, 301]
    assert chain.final is None
    # four redirects and the page fit a limit of four redirects
    exact = await client.follow("https://longchain.lab.test/", max_redirects=4)
    assert exact.error_kind is None
    assert [h.status for h in exact.hops] == [301, 301, 301, 301, 200]


async def test_downgrade_chain_contains_the_http_hop(lab: Lab, client: HttpClient) -> None:
    chain = await client.follow("http://downgrade.lab.test/")
    assert [(h.url, h.status, h.location) for h in chain.hops] == [
        ("http://downgrade.lab.test/", 301, "https://downgrade.lab.test/"),
        ("https://downgrade.lab.test/", 301, "http://downgrade.lab.test/plain"),
        ("http://downgrade.lab.test/plain", 200, None),
    ]
    assert chain.hops[2].address == f"127.53.2.18:{lab.ports['http']}"
    assert chain.final_url == "http://downgrade.lab.test/plain"


async def test_follow_records_the_failing_hop(lab: Lab, client: HttpClient) -> None:
    chain = await client.follow("http://otherport.lab.test/")
    assert chain.hops[0].location == "https://otherport.lab.test:8443/"
    assert chain.hops[1] == Hop(url="https://otherport.lab.test:8443/", error="connection refused")
    assert (chain.error_kind, chain.error) == ("connect", "connection refused")
    assert chain.final is None


async def test_follow_with_an_unsupported_start_scheme(client: HttpClient) -> None:
    chain = await client.follow("ftp://good.lab.test/")
    assert chain.error_kind == "scheme"
    assert chain.error == "unsupported URL scheme 'ftp' in ftp://good.lab.test/"
    assert [h.status for h in chain.hops] == [None]
    assert chain.final is None


# ---------------------------------------------------------------- tls probe


async def test_good_handshake(lab: Lab, probe: TlsProbe) -> None:
    hs = await probe.handshake("good.lab.test")
    assert (hs.host, hs.port, hs.address) == ("good.lab.test", lab.ports["https"], "127.53.2.1")
    assert hs.connected and hs.trusted
    assert (hs.verify_error, hs.error, hs.error_kind) == (None, None, None)
    assert hs.protocol == "TLSv1.3"
    assert hs.cipher is not None and hs.cipher.startswith("TLS_")
    assert len(hs.chain) == 2
    leaf, issuer = hs.chain
    assert hs.leaf is leaf
    assert "good.lab.test" in leaf.sans
    assert (leaf.key_type, leaf.key_bits) == ("EC secp256r1", 256)
    assert leaf.subject == "CN=good.lab.test"
    assert leaf.issuer == issuer.subject == "CN=Launchwizard Lab Issuing CA"
    assert (leaf.is_ca, leaf.self_issued, leaf.signature_hash) == (False, False, "sha256")
    assert issuer.is_ca
    assert leaf.starts < dt.datetime.now(dt.UTC) < leaf.expires


@pytest.mark.parametrize(
    ("host", "verify_error", "chain_length"),
    [
        ("expired", "certificate has expired", 2),
        ("selfsigned", "self-signed certificate", 1),
        ("wronghost", "Hostname mismatch, certificate is not valid for 'wronghost.lab.test'.", 2),
        ("nochain", "unable to get local issuer certificate", 1),
        ("weakkey", "EE certificate key too weak", 2),
    ],
)
async def test_untrusted_handshake_still_reads_the_chain(
    probe: TlsProbe, host: str, verify_error: str, chain_length: int
) -> None:
    hs = await probe.handshake(f"{host}.lab.test")
    assert hs.connected and not hs.trusted
    assert hs.verify_error == verify_error
    assert (hs.error, hs.error_kind) == (None, None)
    assert hs.protocol == "TLSv1.3"
    assert len(hs.chain) == chain_length
    assert hs.leaf is not None
    assert hs.leaf.subject == f"CN={host}.lab.test"


async def test_broken_certificates_keep_their_facts(probe: TlsProbe) -> None:
    expired, selfsigned, wronghost, weakkey = await asyncio.gather(
        *(probe.handshake(f"{h}.lab.test") for h in ("expired", "selfsigned", "wronghost", "weakkey"))
    )
    assert expired.leaf is not None and expired.leaf.expires < dt.datetime.now(dt.UTC)
    assert selfsigned.leaf is not None and selfsigned.leaf.self_issued
    assert selfsigned.leaf.issuer == "CN=selfsigned.lab.test"
    assert wronghost.leaf is not None and wronghost.leaf.sans == ["other.lab.test"]
    assert weakkey.leaf is not None
    assert (weakkey.leaf.key_type, weakkey.leaf.key_bits) == ("RSA", 1024)


@pytest.mark.parametrize(
    ("host", "version", "accepted"),
    [
        ("legacy", "TLSv1.0", True),
        ("good", "TLSv1.0", False),
        ("tls12", "TLSv1.3", False),
        ("tls12", "TLSv1.2", True),
        ("good", "TLSv1.3", True),
    ],
)
async def test_try_version(probe: TlsProbe, host: str, version: str, accepted: bool) -> None:
    attempt = await probe.try_version(f"{host}.lab.test", version)
    assert attempt.version == version
    assert attempt.accepted is accepted
    if accepted:
        assert attempt.detail == f"handshake completed with {version}"
    else:
        assert attempt.detail


async def test_try_version_on_a_hanging_server_is_unknown(lab: Lab) -> None:
    attempt = await make_probe(lab, timeout_s=FAULT_S).try_version("hang.lab.test", "TLSv1.2")
    assert attempt.accepted is None
    assert attempt.detail == "timed out"


async def test_garbage_instead_of_tls_is_error_kind_tls(probe: TlsProbe) -> None:
    hs = await probe.handshake("badtls.lab.test")
    assert hs.error_kind == "tls"
    assert hs.error is not None and hs.error.startswith("TLS handshake failed: ")
    assert not hs.connected and not hs.trusted
    assert hs.chain == []


async def test_hanging_server_is_error_kind_timeout(lab: Lab) -> None:
    hs = await make_probe(lab, timeout_s=FAULT_S).handshake("hang.lab.test")
    assert (hs.error_kind, hs.error) == ("timeout", "timed out")
    assert not hs.connected


async def test_nothing_listening_is_error_kind_connect(lab: Lab, probe: TlsProbe) -> None:
    # closed80.lab.test has no listener on the lab's http port number
    hs = await probe.handshake("closed80.lab.test", port=lab.ports["http"])
    assert (hs.error_kind, hs.error) == ("connect", "connection refused")
    assert (hs.address, hs.port) == ("127.53.2.25", lab.ports["http"])
    assert not hs.connected


async def test_unresolvable_host_is_error_kind_dns(probe: TlsProbe) -> None:
    hs = await probe.handshake("missing.lab.test")
    assert (hs.error_kind, hs.error) == ("dns", "missing.lab.test does not exist (NXDOMAIN)")
    assert hs.address is None


async def test_handshake_is_done_once_per_host(probe: TlsProbe) -> None:
    first, second = await asyncio.gather(probe.handshake("good.lab.test"), probe.handshake("good.lab.test"))
    assert second is first
    assert await probe.handshake("GOOD.lab.test") is first
    assert await probe.handshake("expired.lab.test") is not first


# ---------------------------------------------------------------- describe_certificate


def _self_signed(
    key: rsa.RSAPrivateKey | ed25519.Ed25519PrivateKey,
    name: x509.Name,
    sans: Sequence[x509.GeneralName] = (),
    ca: bool = False,
) -> x509.Certificate:
    """A self-signed certificate with fixed serial and dates, so every fact is known."""
    start = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(0x1234ABCD)
        .not_valid_before(start)
        .not_valid_after(start + dt.timedelta(days=30))
    )
    if sans:
        builder = builder.add_extension(x509.SubjectAlternativeName(list(sans)), critical=False)
    if ca:
        builder = builder.add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
    algorithm = hashes.SHA256() if isinstance(key, rsa.RSAPrivateKey) else None
    return builder.sign(key, algorithm)


def test_describe_rsa_certificate() -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "rsa.example.test")])
    sans = [x509.DNSName("rsa.example.test"), x509.IPAddress(ipaddress.ip_address("192.0.2.10"))]
    cert = _self_signed(key, name, sans=sans, ca=True)
    info = describe_certificate(cert)
    assert (info.key_type, info.key_bits) == ("RSA", 2048)
    assert info.signature_hash == "sha256"
    assert info.signature_algorithm == "sha256WithRSAEncryption"
    assert info.self_issued is True
    assert info.is_ca is True
    assert info.sans == ["rsa.example.test", "192.0.2.10"]
    assert info.subject == info.issuer == "CN=rsa.example.test"
    assert info.serial == "1234abcd"
    assert info.not_before == "2026-01-01T00:00:00+00:00"
    assert info.not_after == "2026-01-31T00:00:00+00:00"
    assert info.sha256 == hashlib.sha256(cert.public_bytes(Encoding.DER)).hexdigest()
    assert info.to_json()["key_type"] == "RSA"


def test_describe_ed25519_certificate() -> None:
    key = ed25519.Ed25519PrivateKey.generate()
    name = x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Example Org")])
    info = describe_certificate(_self_signed(key, name))
    assert (info.key_type, info.key_bits) == ("Ed25519", 256)
    assert info.signature_hash is None
    assert info.signature_algorithm == "ed25519"
    assert info.self_issued is True
    assert info.is_ca is False
    assert info.sans == []
    assert info.subject == info.issuer == "O=Example Org"
