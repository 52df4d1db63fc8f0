"""The lab behaves like the internet it stands in for: real DNS, TLS and HTTP on loopback."""

from __future__ import annotations

import contextlib
import logging
import socket
import ssl
import struct
import time
import warnings
from collections.abc import Iterator
from pathlib import Path

import dns.exception
import dns.flags
import dns.message
import dns.name
import dns.query
import dns.rcode
import dns.rdatatype
import httpx
import pytest
import tomli_w

from launchwizard.demo.lab import Lab

SHORT_S = 0.3
LONG_S = 5.0


# ---------------------------------------------------------------- helpers


NS = {"ns1": "127.53.0.1", "ns2": "127.53.0.2", "ns9": "127.53.0.9"}


def ask(
    lab: Lab, qname: str, rdtype: str = "A", server: str = "ns1", tcp: bool = False
) -> dns.message.Message:
    """One DNS question to a lab name server over UDP or TCP."""
    query = dns.message.make_query(qname, rdtype)
    send = dns.query.tcp if tcp else dns.query.udp
    return send(query, NS[server], timeout=LONG_S, port=lab.ports["dns"])


def addresses(response: dns.message.Message) -> list[str]:
    """Addresses in the answer section, in order."""
    return [
        rr.address
        for rrset in response.answer
        if rrset.rdtype in (dns.rdatatype.A, dns.rdatatype.AAAA)
        for rr in rrset
    ]


def client_context(lab: Lab) -> ssl.SSLContext:
    """A default verifying client that trusts only the lab root."""
    return ssl.create_default_context(cafile=str(lab.ca_bundle))


def legacy_client(lab: Lab, version: ssl.TLSVersion) -> ssl.SSLContext:
    """A client pinned to one old protocol version (needs @SECLEVEL=0 on OpenSSL 3)."""
    ctx = client_context(lab)
    ctx.set_ciphers("DEFAULT:@SECLEVEL=0")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        ctx.minimum_version = version
        ctx.maximum_version = version
    return ctx


def connect(lab: Lab, host: str, scheme: str, timeout: float = LONG_S) -> socket.socket:
    """A TCP connection to the lab address of `host` on the lab port for `scheme`."""
    return socket.create_connection((lab.address_of(host), lab.ports[scheme]), timeout=timeout)


@contextlib.contextmanager
def tls(lab: Lab, host: str, ctx: ssl.SSLContext | None = None) -> Iterator[ssl.SSLSocket]:
    """A completed TLS handshake with `host` (SNI and verification against its name)."""
    raw = connect(lab, host, "https")
    with (ctx or client_context(lab)).wrap_socket(raw, server_hostname=host) as conn:
        yield conn


def verify_error(lab: Lab, host: str) -> str | None:
    """OpenSSL's verification message for `host`, or None when the chain verifies."""
    try:
        with tls(lab, host):
            return None
    except ssl.SSLCertVerificationError as exc:
        return exc.verify_message


def read_all(conn: socket.socket) -> bytes:
    """Everything until the server closes."""
    chunks = []
    while chunk := conn.recv(65536):
        chunks.append(chunk)
    return b"".join(chunks)


def request(conn: socket.socket, host: str, path: str = "/", method: str = "GET") -> None:
    """Send one HTTP/1.1 request."""
    conn.sendall(f"{method} {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode())


def parse(raw: bytes) -> tuple[int, dict[str, str], bytes]:
    """(status, lower-cased headers, body) of a raw response."""
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return int(lines[0].split(" ")[1]), headers, body


def get(
    lab: Lab, host: str, path: str = "/", scheme: str = "https", host_header: str | None = None
) -> tuple[int, dict[str, str], bytes]:
    """A whole GET against the lab address of `host`, verified TLS for https."""
    if scheme == "https":
        with tls(lab, host) as conn:
            request(conn, host_header or host, path)
            return parse(read_all(conn))
    with connect(lab, host, "http") as conn:
        request(conn, host_header or host, path)
        return parse(read_all(conn))


# ---------------------------------------------------------------- DNS


def test_a_record_is_authoritative(lab: Lab) -> None:
    response = ask(lab, "www.acme.test")
    assert response.rcode() == dns.rcode.NOERROR
    assert response.flags & dns.flags.AA
    assert addresses(response) == ["127.53.1.2"]


def test_same_zone_on_ns2_and_tcp(lab: Lab) -> None:
    assert addresses(ask(lab, "api.acme.test", server="ns2")) == ["127.53.1.4"]
    assert addresses(ask(lab, "api.acme.test", tcp=True)) == ["127.53.1.4"]


def test_cname_is_chased_across_served_zones(lab: Lab) -> None:
    response = ask(lab, "app.acme.test")
    cname = response.find_rrset(response.answer, dns.name.from_text("app.acme.test"), "IN", "CNAME")
    assert cname[0].target.to_text() == "app.hosting.test."
    assert addresses(response) == ["127.53.1.3"]


def test_cname_query_returns_only_the_cname(lab: Lab) -> None:
    response = ask(lab, "cname.lab.test", "CNAME")
    assert [rrset.rdtype for rrset in response.answer] == [dns.rdatatype.CNAME]


def test_nxdomain_carries_soa(lab: Lab) -> None:
    response = ask(lab, "nope.acme.test")
    assert response.rcode() == dns.rcode.NXDOMAIN
    assert response.authority[0].rdtype == dns.rdatatype.SOA


def test_dangling_cname_ends_in_nxdomain(lab: Lab) -> None:
    response = ask(lab, "dangling.lab.test")
    assert response.rcode() == dns.rcode.NXDOMAIN
    assert response.answer[0].rdtype == dns.rdatatype.CNAME
    assert response.authority[0].name.to_text() == "hosting.test."


def test_nodata_is_noerror_with_soa(lab: Lab) -> None:
    response = ask(lab, "nodata.lab.test")
    assert response.rcode() == dns.rcode.NOERROR
    assert response.answer == []
    assert response.authority[0].rdtype == dns.rdatatype.SOA


def test_aaaa_and_a_on_ipv6_host(lab: Lab) -> None:
    assert addresses(ask(lab, "ipv6.lab.test", "AAAA")) == ["::1"]
    assert addresses(ask(lab, "ipv6.lab.test")) == ["127.53.2.99"]


def test_refused_outside_served_zones(lab: Lab) -> None:
    assert ask(lab, "example.com").rcode() == dns.rcode.REFUSED
    assert ask(lab, "lame.test", server="ns9").rcode() == dns.rcode.REFUSED
    assert addresses(ask(lab, "lame.test", server="ns1")) == ["127.53.3.1"]
    assert addresses(ask(lab, "www.acme.test", server="ns9")) == ["127.53.1.2"]


def test_lame_zone_lists_ns9(lab: Lab) -> None:
    names = {rr.target.to_text() for rr in ask(lab, "lame.test", "NS").answer[0]}
    assert names == {"ns1.acme.test.", "ns2.acme.test.", "ns9.acme.test."}


def test_servfail(lab: Lab) -> None:
    assert ask(lab, "servfail.lab.test").rcode() == dns.rcode.SERVFAIL


def test_silent_never_answers(lab: Lab) -> None:
    query = dns.message.make_query("silent.lab.test", "A")
    with pytest.raises(dns.exception.Timeout):
        dns.query.udp(query, NS["ns1"], timeout=SHORT_S, port=lab.ports["dns"])


def test_big_txt_truncates_over_udp_and_answers_over_tcp(lab: Lab) -> None:
    udp = ask(lab, "bigtxt.lab.test", "TXT")
    assert udp.flags & dns.flags.TC
    assert udp.answer == []
    tcp = ask(lab, "bigtxt.lab.test", "TXT", tcp=True)
    assert not tcp.flags & dns.flags.TC
    assert sum(len(s) for rr in tcp.answer[0] for s in rr.strings) > 1400


def test_edns_payload_avoids_truncation(lab: Lab) -> None:
    query = dns.message.make_query("bigtxt.lab.test", "TXT", use_edns=0, payload=4096)
    response = dns.query.udp(query, NS["ns1"], timeout=LONG_S, port=lab.ports["dns"])
    assert not response.flags & dns.flags.TC
    assert len(response.answer[0]) == 3


def test_several_queries_on_one_tcp_connection(lab: Lab) -> None:
    with socket.create_connection((NS["ns1"], lab.ports["dns"]), timeout=LONG_S) as sock:
        for name, expected in (("acme.test", "127.53.1.1"), ("www.acme.test", "127.53.1.2")):
            query = dns.message.make_query(name, "A")
            response = dns.query.tcp(query, NS["ns1"], timeout=LONG_S, sock=sock)
            assert addresses(response) == [expected]


def test_garbage_does_not_kill_the_server(lab: Lab) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        for junk in (b"", b"\x00", b"\xff" * 12, b"hello, this is not dns" * 3):
            sock.sendto(junk, (NS["ns1"], lab.ports["dns"]))
    with socket.create_connection((NS["ns1"], lab.ports["dns"]), timeout=LONG_S) as sock:
        sock.sendall(b"\x00\x05junk!")
        assert read_all(sock) == b""
    assert addresses(ask(lab, "www.acme.test")) == ["127.53.1.2"]


def test_drift_serials_differ(lab: Lab) -> None:
    serial1 = ask(lab, "drift.test", "SOA", server="ns1").answer[0][0].serial
    serial2 = ask(lab, "drift.test", "SOA", server="ns2").answer[0][0].serial
    assert (serial1, serial2) == (2026112501, 2026112401)


def test_zone_looks_real(lab: Lab) -> None:
    txt = ask(lab, "acme.test", "TXT").answer[0]
    assert b"v=spf1 include:_spf.hosting.test -all" in [b"".join(rr.strings) for rr in txt]
    assert ask(lab, "acme.test", "MX").answer[0][0].exchange.to_text() == "mx1.hosting.test."


def test_same_dns_port_on_every_name_server(lab: Lab) -> None:
    for server in ("ns1", "ns2", "ns9"):
        assert ask(lab, "acme.test", server=server).rcode() == dns.rcode.NOERROR


# ---------------------------------------------------------------- TLS


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("good.lab.test", None),
        ("expiring.lab.test", None),
        ("soon.lab.test", None),
        ("longlife.lab.test", None),
        ("www.acme.test", None),
        ("app.acme.test", None),
        ("expired.lab.test", "certificate has expired"),
        ("wronghost.lab.test", "Hostname mismatch"),
        ("selfsigned.lab.test", "self-signed certificate"),
        ("nochain.lab.test", "unable to get local issuer certificate"),
        ("weakkey.lab.test", "key too weak"),
    ],
)
def test_leaf_kinds_verify_as_expected(lab: Lab, host: str, expected: str | None) -> None:
    message = verify_error(lab, host)
    if expected is None:
        assert message is None
    else:
        assert message is not None
        assert expected in message


@pytest.mark.parametrize(
    ("host", "days"),
    [("expiring.lab.test", 5), ("soon.lab.test", 20), ("good.lab.test", 88), ("longlife.lab.test", 823)],
)
def test_whole_days_left(lab: Lab, host: str, days: int) -> None:
    with tls(lab, host) as conn:
        not_after = ssl.cert_time_to_seconds(conn.getpeercert()["notAfter"])
    assert (not_after - time.time()) // 86400 == days


def test_nochain_sends_the_leaf_only(lab: Lab) -> None:
    ctx = client_context(lab)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    with tls(lab, "nochain.lab.test", ctx) as conn:
        assert conn.getpeercert(binary_form=True)
    assert verify_error(lab, "good.lab.test") is None


@pytest.mark.parametrize("host", ["legacy.lab.test", "api.acme.test"])
@pytest.mark.parametrize("version", [ssl.TLSVersion.TLSv1, ssl.TLSVersion.TLSv1_1])
def test_legacy_hosts_accept_old_tls(lab: Lab, host: str, version: ssl.TLSVersion) -> None:
    with tls(lab, host, legacy_client(lab, version)) as conn:
        assert conn.version() == version.name.replace("_", ".")


@pytest.mark.parametrize("host", ["good.lab.test", "tls12.lab.test", "www.acme.test"])
def test_modern_hosts_refuse_tls10(lab: Lab, host: str) -> None:
    with pytest.raises(ssl.SSLError), tls(lab, host, legacy_client(lab, ssl.TLSVersion.TLSv1)):
        pass


def test_tls12_host_has_no_tls13(lab: Lab) -> None:
    with tls(lab, "tls12.lab.test") as conn:
        assert conn.version() == "TLSv1.2"
    with tls(lab, "good.lab.test") as conn:
        assert conn.version() == "TLSv1.3"
    only13 = client_context(lab)
    only13.minimum_version = ssl.TLSVersion.TLSv1_3
    with pytest.raises(ssl.SSLError), tls(lab, "tls12.lab.test", only13):
        pass


def test_garbage_instead_of_tls(lab: Lab) -> None:
    with pytest.raises(ssl.SSLError), tls(lab, "badtls.lab.test"):
        pass
    status, headers, _ = get(lab, "badtls.lab.test", scheme="http")
    assert (status, headers["location"]) == (301, "https://badtls.lab.test/")


# ---------------------------------------------------------------- HTTP: the demo product


def test_demo_apex_redirects(lab: Lab) -> None:
    status, headers, _ = get(lab, "acme.test", scheme="http")
    assert (status, headers["location"]) == (301, "https://acme.test/")
    status, headers, _ = get(lab, "acme.test")
    assert (status, headers["location"]) == (301, "https://www.acme.test/")


def test_demo_homepage_and_health(lab: Lab) -> None:
    status, headers, _ = get(lab, "www.acme.test", scheme="http")
    assert (status, headers["location"]) == (301, "https://www.acme.test/")
    status, headers, body = get(lab, "www.acme.test")
    assert status == 200
    assert headers["strict-transport-security"] == "max-age=31536000; includeSubDomains"
    assert headers["connection"] == "close"
    assert b"<script" in body
    assert int(headers["content-length"]) == len(body)
    status, headers, body = get(lab, "www.acme.test", "/health")
    assert (status, headers["content-type"], body) == (200, "application/json", b'{"status": "ok"}')


def test_demo_with_httpx(lab: Lab) -> None:
    url = f"https://{lab.address_of('www.acme.test')}:{lab.ports['https']}/health"
    with httpx.Client(verify=client_context(lab)) as client:
        response = client.get(
            url, headers={"Host": "www.acme.test"}, extensions={"sni_hostname": "www.acme.test"}
        )
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_demo_app_serves_plain_http(lab: Lab) -> None:
    status, headers, _body = get(lab, "app.acme.test", scheme="http")
    assert status == 200
    assert "location" not in headers
    assert get(lab, "app.acme.test")[0] == 200


def test_demo_api_redirect_is_temporary(lab: Lab) -> None:
    status, headers, _ = get(lab, "api.acme.test", scheme="http")
    assert (status, headers["location"]) == (302, "https://api.acme.test/")
    status, headers, _body = get(lab, "api.acme.test")
    assert (status, headers["content-type"]) == (200, "application/json")


def test_host_routing(lab: Lab) -> None:
    assert get(lab, "app.hosting.test", host_header="app.acme.test:443")[0] == 200
    assert get(lab, "app.hosting.test", host_header="app.hosting.test")[0] == 200
    assert get(lab, "app.hosting.test", host_header="www.acme.test")[0] == 421
    assert get(lab, "www.acme.test", "/no-such-page")[0] == 404


def test_malformed_request_gets_400(lab: Lab) -> None:
    with connect(lab, "good.lab.test", "http") as conn:
        conn.sendall(b"NONSENSE\r\n\r\n")
        assert parse(read_all(conn))[0] == 400


# ---------------------------------------------------------------- HTTP: test hosts


@pytest.mark.parametrize(
    ("host", "status", "location"),
    [
        ("good.lab.test", 301, "https://good.lab.test/"),
        ("temp.lab.test", 302, "https://temp.lab.test/"),
        ("offhost.lab.test", 301, "https://good.lab.test/"),
        ("otherport.lab.test", 301, "https://otherport.lab.test:8443/"),
        ("fileredirect.lab.test", 301, "file:///etc/passwd"),
        ("downgrade.lab.test", 301, "https://downgrade.lab.test/"),
        ("slowbody.lab.test", 301, "https://slowbody.lab.test/"),
        ("noredirect.lab.test", 200, None),
    ],
)
def test_http_redirects(lab: Lab, host: str, status: int, location: str | None) -> None:
    got_status, headers, _ = get(lab, host, scheme="http")
    assert (got_status, headers.get("location")) == (status, location)


def test_redirect_loop(lab: Lab) -> None:
    assert get(lab, "loop.lab.test")[1]["location"] == "/a"
    assert get(lab, "loop.lab.test", "/a")[1]["location"] == "/"


def test_downgrade_to_plain_http(lab: Lab) -> None:
    status, headers, _ = get(lab, "downgrade.lab.test")
    assert (status, headers["location"]) == (301, "http://downgrade.lab.test/plain")
    assert get(lab, "downgrade.lab.test", "/plain", scheme="http")[0] == 200


def test_long_chain_ends_in_200(lab: Lab) -> None:
    status, headers, _ = get(lab, "longchain.lab.test", scheme="http")
    hops = [headers["location"]]
    path = "/"
    for _ in range(10):
        status, headers, _ = get(lab, "longchain.lab.test", path)
        if status == 200:
            break
        path = headers["location"]
        hops.append(path)
    assert status == 200
    assert hops == ["https://longchain.lab.test/", "/1", "/2", "/3", "/4"]


@pytest.mark.parametrize("scheme", ["http", "https"])
def test_reset(lab: Lab, scheme: str) -> None:
    with connect(lab, "reset.lab.test", scheme) as conn:
        request(conn, "reset.lab.test")
        with pytest.raises(ConnectionResetError):
            conn.recv(1024)


def test_reset_during_tls_handshake(lab: Lab) -> None:
    with pytest.raises(ConnectionResetError), tls(lab, "reset.lab.test"):
        pass


@pytest.mark.parametrize("scheme", ["http", "https"])
def test_hang(lab: Lab, scheme: str) -> None:
    with connect(lab, "hang.lab.test", scheme, timeout=SHORT_S) as conn:
        request(conn, "hang.lab.test")
        with pytest.raises(TimeoutError):
            conn.recv(1024)


def test_closed80(lab: Lab) -> None:
    with pytest.raises(ConnectionRefusedError):
        connect(lab, "closed80.lab.test", "http")
    assert get(lab, "closed80.lab.test")[0] == 200


def test_slow_body(lab: Lab) -> None:
    with tls(lab, "slowbody.lab.test") as conn:
        request(conn, "slowbody.lab.test")
        received = b""
        while b"\r\n\r\n" not in received or received.endswith(b"\r\n\r\n"):
            received += conn.recv(1024)
    status, headers, body = parse(received)
    assert status == 200
    assert "content-length" not in headers
    assert body
    assert set(body) <= set(b".")


def test_huge_body(lab: Lab) -> None:
    with tls(lab, "hugebody.lab.test") as conn:
        request(conn, "hugebody.lab.test")
        received = 0
        while received < 4 * 1024 * 1024:
            received += len(conn.recv(65536))
    assert received >= 4 * 1024 * 1024


def test_clients_vanishing_leave_no_trace(lab: Lab, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="asyncio")
    for scheme in ("http", "https"):
        connect(lab, "good.lab.test", scheme).close()
        with connect(lab, "good.lab.test", scheme) as conn:
            conn.sendall(b"GET / HT")
    with tls(lab, "hugebody.lab.test") as conn:
        request(conn, "hugebody.lab.test")
        conn.recv(10)
    with connect(lab, "good.lab.test", "http") as conn:
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        request(conn, "good.lab.test")
    assert get(lab, "good.lab.test")[0] == 200
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


# ---------------------------------------------------------------- latency


def test_latency_delays_dns(lab: Lab) -> None:
    lab.set_latency(LONG_S)
    query = dns.message.make_query("www.acme.test", "A")
    with pytest.raises(dns.exception.Timeout):
        dns.query.udp(query, NS["ns1"], timeout=SHORT_S, port=lab.ports["dns"])
    lab.set_latency(0.0)
    assert addresses(ask(lab, "www.acme.test")) == ["127.53.1.2"]


def test_latency_delays_http_head(lab: Lab) -> None:
    lab.set_latency(LONG_S)
    with connect(lab, "good.lab.test", "http", timeout=SHORT_S) as conn:
        request(conn, "good.lab.test")
        with pytest.raises(TimeoutError):
            conn.recv(1024)
    lab.set_latency(0.0)
    assert get(lab, "good.lab.test", scheme="http")[0] == 301


def test_latency_answers_arrive_late_not_never(lab: Lab) -> None:
    lab.set_latency(1.0)
    with connect(lab, "good.lab.test", "http") as conn:
        request(conn, "good.lab.test")
        conn.settimeout(0.0)
        with pytest.raises(BlockingIOError):
            conn.recv(1024)
        conn.settimeout(LONG_S)
        assert parse(read_all(conn))[0] == 301


# ---------------------------------------------------------------- lab lifecycle and tables


def test_stop_ends_stuck_clients(caplog: pytest.LogCaptureFixture) -> None:
    lab = Lab()
    lab.start()
    workdir = lab.ca_bundle.parent
    hang = connect(lab, "hang.lab.test", "http")
    request(hang, "hang.lab.test")
    with tls(lab, "slowbody.lab.test") as slow:
        request(slow, "slowbody.lab.test")
        assert slow.recv(1024).startswith(b"HTTP/1.1 200")
        lab.stop()
        with contextlib.suppress(ConnectionError, ssl.SSLError):
            assert set(read_all(slow)) <= set(b".")
    with contextlib.suppress(ConnectionError):
        assert read_all(hang) == b""
    hang.close()
    lab.stop()
    assert not workdir.exists()
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


def test_context_manager_and_workdir(tmp_path: Path) -> None:
    with Lab(workdir=tmp_path) as lab:
        assert lab.ca_bundle.parent == tmp_path
        assert get(lab, "good.lab.test")[0] == 200
    assert lab.ca_bundle.exists()
    with pytest.raises(OSError):
        connect(lab, "good.lab.test", "https")


def test_same_web_ports_on_every_address(lab: Lab) -> None:
    for host in ("acme.test", "www.acme.test", "good.lab.test", "closed80.lab.test"):
        with connect(lab, host, "https"):
            pass


def test_address_of(lab: Lab) -> None:
    assert lab.address_of("www.acme.test") == "127.53.1.2"
    assert lab.address_of("app.acme.test") == "127.53.1.3"
    assert lab.address_of("drift.test") == "127.53.3.2"
    assert lab.address_of("ns2.acme.test") == "127.53.0.2"
    with pytest.raises(KeyError):
        lab.address_of("nowhere.example")


def test_network_table_and_demo_sprint(lab: Lab) -> None:
    table = lab.network_table()
    assert table == {
        "nameservers": [lab.nameserver],
        "ca_bundle": str(lab.ca_bundle),
        "timeout_s": 2.0,
        "ports": lab.ports,
    }
    assert lab.nameserver == f"127.53.0.1:{lab.ports['dns']}"
    assert set(lab.ports) == {"http", "https", "dns"}
    sprint = lab.demo_sprint()
    assert sprint["network"] == table
    assert sprint["domains"]["hosts"] == ["acme.test", "www.acme.test", "app.acme.test", "api.acme.test"]
    assert "[network]" in tomli_w.dumps(sprint)
    for host, expected in sprint["dns"]["expect"].items():
        if "A" in expected:
            assert addresses(ask(lab, host)) == expected["A"]


def test_ca_bundle_holds_only_the_root(lab: Lab) -> None:
    assert lab.ca_bundle.read_text().count("BEGIN CERTIFICATE") == 1
