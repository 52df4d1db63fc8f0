"""Reader for [network]: how every network call is made (resolvers, pins, trust, ports,
timeouts and concurrency)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any

from launchwizard.config import values
from launchwizard.config.fields import (
    Reader,
    as_int,
    as_path,
    as_positive_number,
    as_string_list,
    by_host_name,
    reject_unknown_keys,
    sub_table,
)
from launchwizard.config.keypath import KeyPath
from launchwizard.config.model import Nameserver, NetworkConfig, Ports
from launchwizard.safe.files import MIB, read_capped

_NETWORK_KEYS = (
    "nameservers",
    "ca_bundle",
    "timeout_s",
    "pins",
    "ports",
    "concurrency",
    "per_host",
)


def read_network(reader: Reader, doc: dict[str, Any]) -> NetworkConfig:
    """[network]: resolvers, pins, trust anchors, ports, timeouts and concurrency limits."""
    key: KeyPath = ("network",)
    table = sub_table(reader, doc, "network", ())
    reject_unknown_keys(reader, table, _NETWORK_KEYS, key)
    defaults = NetworkConfig()
    ports = _read_ports(reader, table)
    listed = as_string_list(reader, table.get("nameservers", []), (*key, "nameservers"))
    nameservers = []
    for index, item in enumerate(listed):
        host, port = reader.check((*key, "nameservers", index), values.nameserver, item)
        nameservers.append(Nameserver(host, ports.dns if port is None else port))
    ca_bundle = table.get("ca_bundle")
    return NetworkConfig(
        nameservers=tuple(nameservers),
        ca_bundle=None if ca_bundle is None else _read_ca_bundle(reader, ca_bundle, (*key, "ca_bundle")),
        timeout_s=as_positive_number(
            reader, table.get("timeout_s", defaults.timeout_s), (*key, "timeout_s"), 120
        ),
        pins=_read_pins(reader, table),
        ports=ports,
        concurrency=as_int(reader, table.get("concurrency", defaults.concurrency), (*key, "concurrency"), 1),
        per_host=as_int(reader, table.get("per_host", defaults.per_host), (*key, "per_host"), 1),
    )


def _read_pins(reader: Reader, network: dict[str, Any]) -> Mapping[str, str]:
    """[network.pins]: host -> address, to audit a deployment before the DNS cutover."""
    key: KeyPath = ("network", "pins")
    hosts = by_host_name(reader, sub_table(reader, network, "pins", ("network",)), key)
    return MappingProxyType(
        {name: reader.check((*key, raw), values.ip, value) for name, (raw, value) in hosts.items()}
    )


def _read_ports(reader: Reader, network: dict[str, Any]) -> Ports:
    """[network.ports]: the ports used where a URL names none."""
    key: KeyPath = ("network", "ports")
    table = sub_table(reader, network, "ports", ("network",))
    reject_unknown_keys(reader, table, ("http", "https", "dns"), key)
    defaults = Ports()
    return Ports(
        **{
            name: as_int(reader, table.get(name, getattr(defaults, name)), (*key, name), 1, 65535)
            for name in ("http", "https", "dns")
        }
    )


CA_BUNDLE_LIMIT = 16 * MIB


def _read_ca_bundle(reader: Reader, value: Any, key: KeyPath) -> Path:
    """An existing PEM file of CA certificates; anything else is refused here, naming the key,
    instead of surfacing later as a TLS failure of every check."""
    path = as_path(reader, value, key, must_exist=True)
    try:
        data = read_capped(path, CA_BUNDLE_LIMIT)
    except OSError as exc:
        reader.fail(key, f"{str(path)!r} cannot be read: {exc.strerror or exc}")
    problem = _pem_problem(data)
    if problem is not None:
        reader.fail(key, f"{str(path)!r} is not a PEM bundle of CA certificates: {problem}")
    return path


def _pem_problem(data: bytes) -> str | None:
    """Why OpenSSL refuses these bytes as trust anchors, or None when it takes them."""
    import ssl

    text = data.decode("ascii", errors="replace")
    if "-----BEGIN CERTIFICATE-----" not in text:
        return "it holds no -----BEGIN CERTIFICATE----- block"
    try:
        ssl.create_default_context(cadata=text)
    except (ssl.SSLError, ValueError) as exc:
        return re.sub(r"\s*\(_ssl\.c:\d+\)", "", str(exc)).lower()
    return None
