"""The lab's RDAP service: a bootstrap file, a thick and a thin registry, a registrar.

Hosts live in `rdap.test` on 127.53.28.x. The bootstrap (iana.rdap.test/rdap/dns.json)
sends .test to the thick registry, .example to a thin one whose answers link to the
registrar's server, and a few made-up TLDs to servers that must be refused or skipped.
Dates are relative to the moment the lab starts, so the verdicts never age.

Registrations at registry.rdap.test (.test), by scenario:
  acme.test            the demo product: no transfer lock, expires in 45 days
  reg-good.test        registry lock, a year ahead, signed zone whose DS matches
  reg-expiring.test    expires in 20 days          reg-expired.test    expired 3 days ago
  reg-hold.test        client hold                 reg-eppspelling.test  serverHold in EPP spelling
  reg-redemption.test  redemption period + pending delete
  reg-inactive.test    inactive, no name servers   reg-autorenew.test  auto renew period
  reg-transfer.test    a transfer pending, no lock reg-noexpiry.test   no expiration event
  reg-oddates.test     dates in ISO 8601 basic format, lower case
  reg-baddate.test     an expiration date that is not a date
  reg-nsdrift.test     the registry still delegates to the old host's name servers
  reg-nspartial.test   one name server differs
  reg-dsstale.test     DS at the registry, zone unsigned
  reg-dswrong.test     DS whose digest matches no key of the signed zone
  reg-nods.test        signed zone, no DS          reg-keydata.test    keyData instead of DS
  reg-extrads.test     a good DS and a stale one
  reg-throttled.test   429 (Retry-After: 1) on every other request: one retry rescues it
  reg-throttled-always.test   429 every time      reg-slowdown.test   429 asking for an hour
  reg-redirect.test    redirected to the registrar's server
  reg-redirectloop.test  redirects to itself     reg-manyhops.test   four redirects
  reg-plainredirect.test redirect to http:// off this machine
  reg-metadata.test    redirect to 169.254.169.254
  reg-malformed.test / reg-deep.test / reg-enormous.test / reg-htmlpage.test
                       not JSON, nested 200,000 deep, an endless body, a login page
  reg-wrongshape.test  every field of the wrong type   reg-missing.test  only a name
  reg-notdomain.test   an entity, not a domain         reg-otherdomain.test  another name
  reg-503.test         503 with an RDAP error body     reg-hang.test       never answers
  reg-hostiletext.test a registrar name and contact full of terminal escapes and markdown
  anything else        404 with an RDAP error body
Elsewhere: acme.example / dead-link.example / loop-link.example (thin registry and its
related link), acme.local (plain http on loopback: allowed), acme.plain (http off this
machine: refused), acme.metadata (a link-local server: refused), acme.dead (first server
resets, the second answers), acme.invalid (not in the bootstrap: skipped).
"""

from __future__ import annotations

import base64
import functools
import hashlib
import json
import struct
from datetime import UTC, datetime, timedelta
from typing import Any

from launchwizard.demo.model import ANY_PATH, Fault, Flaky, Redirect, Response, WebHost, ZoneSpec, host

RDAP = "application/rdap+json"
BOOTSTRAP_PATH = "/rdap/dns.json"
IANA = "iana.rdap.test"
REGISTRY = "registry.rdap.test"
THIN = "thin.rdap.test"
REGISTRAR = "registrar.rdap.test"
DEAD = "dead.rdap.test"
PLAIN = "plain.rdap.test"
OFF_MACHINE = "192.0.2.80"
DEMO_NS = ("ns1.acme.test", "ns2.acme.test")
BOOTSTRAP_PUBLICATION = "2026-11-20T00:00:00Z"
_A_DAY = (("Cache-Control", "max-age=86400"),)
_A_WEEK = timedelta(days=7)
_AN_HOUR = (("Retry-After", "3600"),)


def bootstrap_url() -> str:
    """Where the lab serves its bootstrap file ([rdap] bootstrap_url of a lab sprint)."""
    return f"https://{IANA}{BOOTSTRAP_PATH}"


# ---------------------------------------------------------------- DNSSEC material


@functools.cache
def zone_key(seed: str, flags: int = 257) -> str:
    """DNSKEY rdata text of a real Ed25519 key derived from `seed` (algorithm 15)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    private = Ed25519PrivateKey.from_private_bytes(hashlib.sha256(seed.encode()).digest())
    public = private.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return f"{flags} 3 15 {base64.b64encode(public).decode()}"


def _rdata(key_text: str) -> bytes:
    flags, protocol, algorithm, key = key_text.split(" ", 3)
    return struct.pack("!HBB", int(flags), int(protocol), int(algorithm)) + base64.b64decode(key)


def _owner_wire(zone: str) -> bytes:
    return b"".join(bytes([len(label)]) + label.encode() for label in zone.lower().split(".")) + b"\0"


def key_tag(key_text: str) -> int:
    """RFC 4034 Appendix B, written out here so the lab does not grade itself with dnspython."""
    data = _rdata(key_text)
    total = sum(byte << 8 if index % 2 == 0 else byte for index, byte in enumerate(data))
    return (total + (total >> 16)) & 0xFFFF


def ds_for(zone: str, key_text: str) -> dict[str, Any]:
    """The SHA-256 DS of a key (RFC 4034 §5.1.4) as RDAP's dsData."""
    digest = hashlib.sha256(_owner_wire(zone) + _rdata(key_text)).hexdigest()
    return {"keyTag": key_tag(key_text), "algorithm": 15, "digestType": 2, "digest": digest.upper()}


def _key_data(key_text: str) -> dict[str, Any]:
    flags, protocol, algorithm, key = key_text.split(" ", 3)
    return {"flags": int(flags), "protocol": int(protocol), "algorithm": int(algorithm), "publicKey": key}


SIGNED = ("reg-good.test", "reg-dswrong.test", "reg-nods.test", "reg-keydata.test", "reg-extrads.test")


# ---------------------------------------------------------------- RDAP documents


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


LAB_REGISTRAR: dict[str, Any] = {
    "objectClassName": "entity",
    "handle": "9999",
    "roles": ["registrar"],
    "publicIds": [{"type": "IANA Registrar ID", "identifier": "9999"}],
    "vcardArray": ["vcard", [["version", {}, "text", "4.0"], ["fn", {}, "text", "Lab Registrar, Inc."]]],
    "entities": [
        {
            "objectClassName": "entity",
            "roles": ["abuse"],
            "vcardArray": [
                "vcard",
                [
                    ["version", {}, "text", "4.0"],
                    ["fn", {}, "text", "Abuse desk"],
                    ["email", {}, "text", "abuse@registrar.rdap.test"],
                    ["tel", {"type": "voice"}, "uri", "tel:+1.5555550100"],
                ],
            ],
        }
    ],
}


def domain(
    name: str,
    now: datetime,
    *,
    statuses: tuple[str, ...] = ("client transfer prohibited",),
    expires: timedelta | str | None = timedelta(days=400),
    nameservers: tuple[str, ...] = DEMO_NS,
    secure: dict[str, Any] | None = None,
    registrar: dict[str, Any] | None = LAB_REGISTRAR,
    related: str | None = None,
) -> dict[str, Any]:
    """An RDAP domain object the way a gTLD registry writes it (RFC 9083 §5.3)."""
    events = [{"eventAction": "registration", "eventDate": _stamp(now - timedelta(days=3 * 365))}]
    if isinstance(expires, timedelta):
        events.append({"eventAction": "expiration", "eventDate": _stamp(now + expires)})
    elif isinstance(expires, str):
        events.append({"eventAction": "expiration", "eventDate": expires})
    events.append({"eventAction": "last update of RDAP database", "eventDate": _stamp(now)})
    links = [{"rel": "self", "href": f"https://{REGISTRY}/rdap/domain/{name}", "type": RDAP}]
    if related:
        links.append({"rel": "related", "href": related, "type": RDAP})
    document: dict[str, Any] = {
        "rdapConformance": ["rdap_level_0", "icann_rdap_response_profile_0"],
        "objectClassName": "domain",
        "handle": f"{name.upper().replace('.', '_')}-LAB",
        "ldhName": name,
        "status": list(statuses),
        "events": events,
        "nameservers": [{"objectClassName": "nameserver", "ldhName": ns} for ns in nameservers],
        "secureDNS": secure or {"delegationSigned": False},
        "links": links,
        "notices": [{"title": "Terms of Use", "description": ["Lab data, for tests only."]}],
    }
    if registrar is not None:
        document["entities"] = [registrar]
    return document


def _error(code: int, title: str) -> str:
    return json.dumps({"errorCode": code, "title": title, "description": [f"{title} (lab)"]})


def _answer(document: Any) -> Response:
    return Response(200, json.dumps(document), RDAP)


def _signed(zone: str) -> dict[str, Any]:
    return {"delegationSigned": True, "dsData": [ds_for(zone, zone_key(zone))]}


def _registry_documents(now: datetime) -> dict[str, Any]:
    """Well-formed answers of the thick registry, by domain."""
    wrong = dict(ds_for("reg-dswrong.test", zone_key("reg-dswrong.test")), digest="00" * 32)
    stale = ds_for("reg-extrads.test", zone_key("the old DNS host's key"))
    oddate = (now + timedelta(days=200)).strftime("%Y%m%dt%H%M%Sz")
    lock = ("client transfer prohibited", "server transfer prohibited", "server update prohibited",
            "server delete prohibited")  # fmt: skip
    return {
        "acme.test": domain("acme.test", now, statuses=("active",), expires=timedelta(days=45)),
        "reg-good.test": domain("reg-good.test", now, statuses=lock, secure=_signed("reg-good.test")),
        "reg-expiring.test": domain("reg-expiring.test", now, expires=timedelta(days=20)),
        "reg-expired.test": domain("reg-expired.test", now, expires=timedelta(days=-3)),
        "reg-hold.test": domain("reg-hold.test", now, statuses=("client hold", "client transfer prohibited")),
        "reg-eppspelling.test": domain(
            "reg-eppspelling.test",
            now,
            statuses=("serverHold", "clientTransferProhibited https://icann.org/epp#clientTransferProhibited"),
        ),
        "reg-redemption.test": domain(
            "reg-redemption.test", now, statuses=("redemption period", "pending delete"), expires=-_A_WEEK
        ),
        "reg-inactive.test": domain("reg-inactive.test", now, statuses=("inactive",), nameservers=()),
        "reg-autorenew.test": domain(
            "reg-autorenew.test", now, statuses=("auto renew period", "client transfer prohibited")
        ),
        "reg-transfer.test": domain("reg-transfer.test", now, statuses=("pending transfer",)),
        "reg-noexpiry.test": domain("reg-noexpiry.test", now, expires=None),
        "reg-oddates.test": domain("reg-oddates.test", now, expires=oddate),
        "reg-baddate.test": domain("reg-baddate.test", now, expires="next tuesday"),
        "reg-nsdrift.test": domain(
            "reg-nsdrift.test", now, nameservers=("ns1.oldhost.test", "ns2.oldhost.test")
        ),
        "reg-nspartial.test": domain(
            "reg-nspartial.test", now, nameservers=("ns1.acme.test", "ns3.oldhost.test")
        ),
        "reg-dsstale.test": domain("reg-dsstale.test", now, secure=_signed("reg-dsstale.test")),
        "reg-dswrong.test": domain(
            "reg-dswrong.test", now, secure={"delegationSigned": True, "dsData": [wrong]}
        ),
        "reg-nods.test": domain("reg-nods.test", now),
        "reg-keydata.test": domain(
            "reg-keydata.test",
            now,
            secure={"delegationSigned": True, "keyData": [_key_data(zone_key("reg-keydata.test"))]},
        ),
        "reg-extrads.test": domain(
            "reg-extrads.test",
            now,
            secure={"delegationSigned": True, "dsData": [_signed("reg-extrads.test")["dsData"][0], stale]},
        ),
        "reg-missing.test": {"objectClassName": "domain", "ldhName": "reg-missing.test"},
        "reg-wrongshape.test": {
            "objectClassName": "domain",
            "ldhName": "reg-wrongshape.test",
            "status": "active",
            "events": {"eventAction": "expiration"},
            "entities": "Lab Registrar",
            "nameservers": [1, {"ldhName": 5}, {"ldhName": "ns1.acme.test"}],
            "secureDNS": {"delegationSigned": "yes", "dsData": [{"keyTag": "x"}, "DS"]},
            "links": {"rel": "related"},
        },
        "reg-notdomain.test": {"objectClassName": "entity", "handle": "LAB-1"},
        "reg-otherdomain.test": domain("someone-else.test", now),
        "reg-hostiletext.test": domain(
            "reg-hostiletext.test",
            now,
            statuses=("client hold\x07", "active"),
            registrar=_hostile_registrar(),
        ),
    }


def _hostile_registrar() -> dict[str, Any]:
    """A registrar whose name and contact try to drive the terminal and the markdown."""
    entity = json.loads(json.dumps(LAB_REGISTRAR))
    entity["vcardArray"][1][1][3] = "Evil\x1b[2J\x1b]52;c;cHduZWQ=\x07 Registrar \u202e| *bold* <b>"
    entity["entities"][0]["vcardArray"][1][2][3] = "abuse@evil.test\r\nX-Injected: 1"
    return entity


def _registry_routes(now: datetime) -> dict[str, Any]:
    def at(name: str) -> str:
        return f"/rdap/domain/{name}"

    routes: dict[str, Any] = {at(name): _answer(doc) for name, doc in _registry_documents(now).items()}
    good = _answer(domain("reg-throttled.test", now))
    routes |= {
        at("reg-throttled.test"): Flaky(good, "odd", status=429, retry_after="1"),
        at("reg-throttled-always.test"): Flaky(good, "always", status=429, retry_after="1"),
        at("reg-slowdown.test"): Response(429, _error(429, "Slow down"), RDAP, _AN_HOUR),
        at("reg-redirect.test"): Redirect(302, f"https://{REGISTRAR}/rdap/domain/reg-redirect.test"),
        at("reg-redirectloop.test"): Redirect(301, f"https://{REGISTRY}/rdap/domain/reg-redirectloop.test"),
        at("reg-manyhops.test"): Redirect(302, "/hop/1"),
        "/hop/1": Redirect(302, "/hop/2"),
        "/hop/2": Redirect(302, "/hop/3"),
        "/hop/3": Redirect(302, "/hop/4"),
        "/hop/4": _answer(domain("reg-manyhops.test", now)),
        at("reg-plainredirect.test"): Redirect(302, f"http://{PLAIN}/rdap/domain/reg-plainredirect.test"),
        at("reg-metadata.test"): Redirect(302, "https://169.254.169.254/latest/meta-data/"),
        at("reg-malformed.test"): Response(200, '{"objectClassName": "domain", "ldhName": ', RDAP),
        at("reg-deep.test"): Response(200, "[" * 200_000, RDAP),
        at("reg-enormous.test"): Fault("hugebody"),
        at("reg-htmlpage.test"): Response(200, "<!doctype html><title>Sign in</title><form></form>"),
        at("reg-503.test"): Response(503, _error(503, "Service Unavailable: maintenance window"), RDAP),
        at("reg-hang.test"): Fault("hang"),
        at("acme.dead"): _answer(domain("acme.dead", now)),
        ANY_PATH: Response(404, _error(404, "Not Found"), RDAP),
    }
    return routes


def _bootstrap() -> dict[str, Any]:
    return {
        "version": "1.0",
        "publication": BOOTSTRAP_PUBLICATION,
        "description": "launchwizard lab: RDAP bootstrap for domain names",
        "services": [
            [["test"], [f"https://{REGISTRY}/rdap/"]],
            [["example"], [f"https://{THIN}/rdap/"]],
            [["local"], [f"http://{REGISTRY}/rdap/"]],
            [["plain"], [f"http://{PLAIN}/rdap/"]],
            [["metadata"], ["https://169.254.169.254/rdap/"]],
            [["dead"], [f"https://{DEAD}/rdap/", f"https://{REGISTRY}/rdap/"]],
        ],
    }


def _thin_routes(now: datetime) -> dict[str, Any]:
    thin_registrar = {"objectClassName": "entity", "roles": ["registrar"],
                      "publicIds": [{"type": "IANA Registrar ID", "identifier": "9999"}]}  # fmt: skip

    def thin(name: str, related: str) -> Response:
        return _answer(domain(name, now, expires=None, registrar=thin_registrar, related=related))

    return {
        "/rdap/domain/acme.example": thin("acme.example", f"https://{REGISTRAR}/rdap/domain/acme.example"),
        "/rdap/domain/dead-link.example": thin(
            "dead-link.example", f"https://{DEAD}/rdap/domain/dead-link.example"
        ),
        "/rdap/domain/loop-link.example": thin(
            "loop-link.example", f"https://{THIN}/rdap/domain/loop-link.example"
        ),
        ANY_PATH: Response(404, _error(404, "Not Found"), RDAP),
    }


def _registrar_routes(now: datetime) -> dict[str, Any]:
    own = f"https://{REGISTRAR}/rdap/domain/acme.example"
    return {
        "/rdap/domain/acme.example": _answer(
            domain("acme.example", now, expires=timedelta(days=300), related=own)
        ),
        "/rdap/domain/reg-redirect.test": _answer(domain("reg-redirect.test", now)),
        ANY_PATH: Response(404, _error(404, "Not Found"), RDAP),
    }


@functools.cache
def rdap_hosts() -> tuple[WebHost, ...]:
    """The bootstrap, the registries, the registrar and a server that resets every connection."""
    now = datetime.now(UTC).replace(microsecond=0)
    bootstrap = json.dumps(_bootstrap())
    local = {
        "/rdap/domain/acme.local": _answer(domain("acme.local", now)),
        ANY_PATH: Response(404, _error(404, "Not Found"), RDAP),
    }
    return (
        host(
            IANA,
            "127.53.28.1",
            https={
                BOOTSTRAP_PATH: Response(200, bootstrap, "application/json", _A_DAY),
                "/moved/dns.json": Redirect(301, BOOTSTRAP_PATH),
                "/broken/dns.json": Response(200, '{"services": [["test"]', "application/json"),
                "/empty/dns.json": Response(200, '{"version": "1.0", "services": []}', "application/json"),
                "/huge/dns.json": Fault("hugebody"),
                "/hang/dns.json": Fault("hang"),
            },
            http={BOOTSTRAP_PATH: Response(200, bootstrap, "application/json")},
        ),
        host(REGISTRY, "127.53.28.2", https=_registry_routes(now), http=local),
        host(THIN, "127.53.28.3", https=_thin_routes(now)),
        host(REGISTRAR, "127.53.28.4", https=_registrar_routes(now)),
        host(DEAD, "127.53.28.5", http=Fault("reset"), https=Fault("reset")),
    )


def rdap_zones() -> tuple[ZoneSpec, ...]:
    """The RDAP servers' names, and the zones the delegation and DNSSEC scenarios compare."""
    servers = ZoneSpec(
        origin="rdap.test",
        records=(
            ("iana", "A", "127.53.28.1"),
            ("registry", "A", "127.53.28.2"),
            ("thin", "A", "127.53.28.3"),
            ("registrar", "A", "127.53.28.4"),
            ("dead", "A", "127.53.28.5"),
            ("plain", "A", OFF_MACHINE),
        ),
    )
    plain = ("reg-nsdrift.test", "reg-nspartial.test", "reg-dsstale.test")
    zones = [ZoneSpec(origin=name, records=(("@", "A", "127.53.28.9"),)) for name in plain]
    for name in SIGNED:
        keys = (("@", "DNSKEY", zone_key(name)), ("@", "DNSKEY", zone_key(f"{name} zsk", 256)))
        zones.append(ZoneSpec(origin=name, records=(("@", "A", "127.53.28.9"), *keys)))
    return (servers, *zones)
