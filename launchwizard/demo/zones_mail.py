"""Lab zones for the DMARC, DKIM and MX checks: one scenario per name under `mail.test`.

Kept out of scenario.py so the email work does not crowd the web tables; scenario.py adds
these rows with one line each. The scenario module is imported inside the functions
because it imports this one. Names live on 127.53.4.x.

Scenarios (each is the `[email] domain` of a test):
  mail.test            good: DMARC p=reject with rua to an authorised external domain,
                       DKIM keys for several selectors, MX, MTA-STS (policy served over
                       HTTPS by mta-sts.mail.test) and TLS-RPT
  none.mail.test       DMARC p=none
  two.mail.test        two DMARC records
  bad.mail.test        DMARC with broken tags
  noauth.mail.test     external rua that never authorised the reports
  x.y.walk.mail.test   no record of its own: found by the tree walk at mail.test
  broken.mail.test     SERVFAIL for its MX, _dmarc and err._domainkey names
  quiet.mail.test      _dmarc never answers (timeout)
  nullmx / cnamemx / ipmx / deadmx / nomx .mail.test   MX variants
  badsts.mail.test     MTA-STS record whose policy host does not exist
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from launchwizard.demo.model import WebHost, ZoneSpec

MTA_STS_ADDRESS = "127.53.4.10"
MX_ADDRESS = "127.53.4.25"

RSA_2048 = (
    "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAtf1IfR+GnPu+7PSH8Y4gzjL8hGGDhZSKeVmxR0eDuFXswwKhyiKfKCoVhe/"
    "Rtez+K7JwDzX4f0erNPrxkivzlnoF0t6t0X+wX5ZlLkmd6CUsxiiI2dB8D7JPHG5j3jmySaPGpirmeqSa786eaeNL9QgkEoNsHrf1vs8"
    "XOUvpEFu7Gd/9F7VC8bb9GirsGPt+PCxSLRM7i5nIDIaxsHxwXIO8VCcy2za6OM8bzF7uKcw18UliZcO8RcsP+v5LY+FSO2LVAXS5DZ"
    "AlaCnyT2+q7eeyd8e66N3oXA7+kFOIGr327YVCh0wWf1llYmNtp3Y+d2SdQgnA0FOtLDYWaorj2QIDAQAB"
)
RSA_1024 = (
    "MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQCsDOaYSlXFF7CWdwYIcDBaiZPzivR3JPrjM78MY85k4spG0K1Z/7Xb+EGXRYFF5LoF"
    "+FdH+5zA/M244TUD3lwdexEqBH4y9AjsIydVX76KXWqVPPjbd9yDsAM1igTUTdtOoOj0B3m0Z9woHLCbKOfTdZGEcTNUWGk3TRMiOInm"
    "OQIDAQAB"
)
RSA_512 = (
    "MFwwDQYJKoZIhvcNAQEBBQADSwAwSAJBAKfzDvtEgeLXRTwsHHUV+v0GOHybVmvGnc+RwZMx05Ah1qaIlZzWaygs/9Hm2yxEj3u0xHNy"
    "G4Lmsi52dtws0ZkCAwEAAQ=="
)
ED25519 = "DcqY9gwzfNnNL8AX0UGs+tuj0oyoM6S3LD7UoiYZgEw="

STS_POLICY = "version: STSv1\nmode: enforce\nmx: mx1.mail.test\nmax_age: 86400\n"


def _txt(text: str, chunk: int = 200) -> str:
    """TXT rdata split into quoted character-strings (one string holds at most 255 bytes)."""
    return " ".join(f'"{text[i : i + chunk]}"' for i in range(0, len(text), chunk))


def _dkim_records() -> tuple[tuple[str, str, str], ...]:
    """Key records under mail.test for each selector the tests name."""
    keys = {
        "s2048": f"v=DKIM1; k=rsa; p={RSA_2048}",
        "s1024": f"v=DKIM1; k=rsa; p={RSA_1024}",
        "s512": f"v=DKIM1; k=rsa; p={RSA_512}",
        "ed": f"v=DKIM1; k=ed25519; p={ED25519}",
        "revoked": "v=DKIM1; k=rsa; p=",
        "testing": f"v=DKIM1; k=rsa; t=y; p={RSA_2048}",
        "garbage": "v=DKIM1; k=rsa; p=this is not base64!!",
        "google": f"v=DKIM1; k=rsa; p={RSA_2048}",
        "selector1": f"v=DKIM1; k=rsa; p={RSA_2048}",
    }
    return tuple((f"{sel}._domainkey", "TXT", _txt(text)) for sel, text in keys.items())


def _dmarc_records() -> tuple[tuple[str, str, str], ...]:
    return (
        ("_dmarc", "TXT", _txt("v=DMARC1; p=reject; rua=mailto:agg@reports.test; adkim=s; aspf=r")),
        ("_dmarc.none", "TXT", _txt("v=DMARC1; p=none; rua=mailto:dmarc@mail.test")),
        ("_dmarc.two", "TXT", _txt("v=DMARC1; p=reject; rua=mailto:dmarc@mail.test")),
        ("_dmarc.two", "TXT", _txt("v=DMARC1; p=none")),
        ("_dmarc.bad", "TXT", _txt("v=DMARC1; p=maybe; pct=200; adkim=x; rua=reports")),
        ("_dmarc.noauth", "TXT", _txt("v=DMARC1; p=quarantine; rua=mailto:agg@reports.test")),
        ("x.y.walk", "A", "127.53.4.30"),
    )


def _mx_records() -> tuple[tuple[str, str, str], ...]:
    return (
        ("@", "MX", "10 mx1.mail.test."),
        ("mx1", "A", MX_ADDRESS),
        ("mta-sts", "A", MTA_STS_ADDRESS),
        ("_mta-sts", "TXT", _txt("v=STSv1; id=20261125")),
        ("_smtp._tls", "TXT", _txt("v=TLSRPTv1; rua=mailto:tlsrpt@mail.test")),
        ("nullmx", "MX", "0 ."),
        ("cnamemx", "MX", "10 alias.mail.test."),
        ("alias", "CNAME", "mx1.mail.test."),
        ("ipmx", "MX", f"10 {MX_ADDRESS}."),
        ("deadmx", "MX", "10 gone.mail.test."),
        ("nomx", "A", "127.53.4.31"),
        ("badsts", "MX", "10 mx1.mail.test."),
        ("_mta-sts.badsts", "TXT", _txt("v=STSv1; id=1")),
    )


def mail_zones() -> tuple[ZoneSpec, ...]:
    """The `mail.test` zone and `reports.test`, the external report receiver."""
    from launchwizard.demo.model import ZoneSpec

    return (
        ZoneSpec(
            origin="mail.test",
            records=(*_dmarc_records(), *_dkim_records(), *_mx_records()),
            faults={
                "broken": "servfail",
                "_dmarc.broken": "servfail",
                "err._domainkey.broken": "servfail",
                "_dmarc.quiet": "silent",
            },
        ),
        ZoneSpec(
            origin="reports.test",
            records=(
                ("@", "MX", "10 mx1.mail.test."),
                ("mail.test._report._dmarc", "TXT", _txt("v=DMARC1")),
            ),
        ),
    )


def mail_hosts() -> tuple[WebHost, ...]:
    """mta-sts.mail.test, serving the MTA-STS policy over HTTPS."""
    from launchwizard.demo.model import Response, host

    policy = Response(200, STS_POLICY, content_type="text/plain")
    return (host("mta-sts.mail.test", MTA_STS_ADDRESS, https={"/.well-known/mta-sts.txt": policy}),)
