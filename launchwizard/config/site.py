"""Readers for the tables that describe the public site: [sprint], [domains], [dns],
[redirects], [email] and [edge].

Together they say who the sprint is for, which hosts the checks visit, and what DNS,
redirects and mail authentication those hosts must have.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any

from launchwizard.config import values
from launchwizard.config.fields import (
    Reader,
    as_nonempty_string,
    as_path,
    as_table,
    as_validated_list,
    by_host_name,
    reject_unknown_keys,
    required_value,
    sub_table,
)
from launchwizard.config.keypath import KeyPath
from launchwizard.config.model import EdgeConfig, EmailConfig, HostExpect

_EMAIL_KEYS = ("domain", "dkim_selectors", "sender_ips", "approved_includes", "message")


def read_sprint(reader: Reader, doc: dict[str, Any]) -> tuple[str, str]:
    """[sprint]: who the sprint is for and the one URL visitors should end on."""
    key: KeyPath = ("sprint",)
    table = sub_table(reader, doc, "sprint", (), required=True)
    reject_unknown_keys(reader, table, ("client", "canonical"), key)
    client = as_nonempty_string(reader, required_value(reader, table, "client", key), (*key, "client"))
    canonical = reader.check((*key, "canonical"), values.url, required_value(reader, table, "canonical", key))
    return client.strip(), canonical


def read_domains(
    reader: Reader, doc: dict[str, Any]
) -> tuple[str, tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """[domains]: the apex, every public host the checks visit, the other names under the
    apex that only DNS checks look at (a forgotten `docs.` or `status.` CNAME is where
    subdomain takeovers happen), and the names the operator chose not to audit.

    The apex and `www.<apex>` are always audited: visitors type both, so a redirect, a
    certificate or an expiry date missing there is a broken first visit. They join the
    listed hosts once each, unless `not_audited` names them; then every host check reports
    them as not covered instead of leaving them out silently."""
    key: KeyPath = ("domains",)
    table = sub_table(reader, doc, "domains", (), required=True)
    reject_unknown_keys(reader, table, ("apex", "hosts", "subdomains", "not_audited"), key)
    apex = reader.check((*key, "apex"), values.host, required_value(reader, table, "apex", key))
    listed: tuple[str, ...] = ()
    if "hosts" in table:
        listed = as_validated_list(reader, table["hosts"], (*key, "hosts"), values.host)
    not_audited = _not_audited(reader, table, apex, listed)
    hosts = tuple(dict.fromkeys((*listed, *(n for n in always_audited(apex) if n not in not_audited))))
    subdomains: tuple[str, ...] = ()
    if "subdomains" in table:
        subdomains = as_validated_list(reader, table["subdomains"], (*key, "subdomains"), values.host)
        for index, name in enumerate(subdomains):
            if name != apex and not name.endswith(f".{apex}"):
                reader.fail((*key, "subdomains", index), f"{name!r} is not under the apex {apex!r}")
    return apex, hosts, subdomains, not_audited


def always_audited(apex: str) -> tuple[str, str]:
    """The names every sprint audits: the apex and www.<apex>."""
    return apex, f"www.{apex}"


def _not_audited(
    reader: Reader, table: Mapping[str, Any], apex: str, listed: tuple[str, ...]
) -> tuple[str, ...]:
    """[domains] not_audited: only the names that would be added automatically may be left out."""
    key: KeyPath = ("domains", "not_audited")
    if "not_audited" not in table:
        return ()
    names = as_validated_list(reader, table["not_audited"], key, values.host)
    for index, name in enumerate(names):
        if name not in always_audited(apex):
            reader.fail(
                (*key, index),
                f"{name!r} is neither the apex nor www.{apex}: other names are audited only when "
                "[domains] hosts lists them, so leave it out of hosts instead",
            )
        if name in listed:
            reader.fail((*key, index), f"{name!r} is also in [domains] hosts: audit it or opt out, not both")
    return tuple(dict.fromkeys(names))


def read_edge(reader: Reader, doc: dict[str, Any]) -> EdgeConfig:
    """[edge]: the origins the product's APIs must accept cross-origin (edge.cors)."""
    key: KeyPath = ("edge",)
    table = sub_table(reader, doc, "edge", ())
    reject_unknown_keys(reader, table, ("approved_origins",), key)
    if "approved_origins" not in table:
        return EdgeConfig()
    origins = as_validated_list(reader, table["approved_origins"], (*key, "approved_origins"), values.origin)
    return EdgeConfig(approved_origins=origins)


def read_dns(reader: Reader, doc: dict[str, Any]) -> Mapping[str, HostExpect]:
    """[dns.expect]: the records each host must have."""
    table = sub_table(reader, doc, "dns", ())
    reject_unknown_keys(reader, table, ("expect",), ("dns",))
    key: KeyPath = ("dns", "expect")
    expect = sub_table(reader, table, "expect", ("dns",))
    hosts = by_host_name(reader, expect, key)
    return MappingProxyType(
        {name: _read_expect(reader, value, (*key, raw)) for name, (raw, value) in hosts.items()}
    )


def _read_expect(reader: Reader, value: Any, key: KeyPath) -> HostExpect:
    """One host's expected A / AAAA / CNAME; a CNAME excludes all other data."""
    table = as_table(reader, value, key)
    reject_unknown_keys(reader, table, ("A", "AAAA", "CNAME"), key)
    if not table:
        reader.fail(key, "expected at least one of A, AAAA, CNAME")
    a = as_validated_list(reader, table["A"], (*key, "A"), values.ipv4, nonempty=True) if "A" in table else ()
    aaaa = (
        as_validated_list(reader, table["AAAA"], (*key, "AAAA"), values.ipv6, nonempty=True)
        if "AAAA" in table
        else ()
    )
    cname = reader.check((*key, "CNAME"), values.absolute_cname, table["CNAME"]) if "CNAME" in table else None
    if cname and (a or aaaa):
        reader.fail(
            (*key, "CNAME"),
            "a CNAME cannot be combined with A or AAAA: a name with a CNAME has no other "
            "records (RFC 1034 §3.6.2)",
        )
    return HostExpect(a=a, aaaa=aaaa, cname=cname)


def read_redirects(reader: Reader, doc: dict[str, Any]) -> Mapping[str, str]:
    """[redirects]: host -> the URL a visit must end on, when not the canonical one."""
    table = sub_table(reader, doc, "redirects", ())
    hosts = by_host_name(reader, table, ("redirects",))
    return MappingProxyType(
        {name: reader.check(("redirects", raw), values.url, value) for name, (raw, value) in hosts.items()}
    )


def read_email(reader: Reader, doc: dict[str, Any]) -> EmailConfig:
    """[email]: the sending domain and what its SPF/DKIM/DMARC must allow."""
    key: KeyPath = ("email",)
    table = sub_table(reader, doc, "email", ())
    reject_unknown_keys(reader, table, _EMAIL_KEYS, key)

    def names(name: str, validate: Callable[[str], str]) -> tuple[str, ...]:
        """A list-valued key, validated element by element, empty when absent."""
        return as_validated_list(reader, table[name], (*key, name), validate) if name in table else ()

    domain = reader.check((*key, "domain"), values.host, table["domain"]) if "domain" in table else None
    message = as_path(reader, table["message"], (*key, "message")) if "message" in table else None
    return EmailConfig(
        domain=domain,
        dkim_selectors=names("dkim_selectors", values.dkim_selector),
        sender_ips=names("sender_ips", values.ip_or_network),
        approved_includes=names("approved_includes", values.dns_name),
        message=message,
    )
