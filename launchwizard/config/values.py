"""Pure validators for the strings sprint.toml holds: host names, URLs, IPs, nameservers...

Each takes the raw string and returns its normal form (lower-case host names, canonical IP
text) or raises :class:`InvalidValue` explaining what is wrong. They know nothing about
keys or files, which keeps them small and testable; the reader adds the location.
"""

from __future__ import annotations

import ipaddress
import os
import re
from urllib.parse import urlsplit, urlunsplit

from launchwizard.config.errors import InvalidValue

HTTP_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")

_LDH_LABEL = re.compile(r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?")
_DNS_LABEL = re.compile(r"[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?")
_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_NAMESERVER_V6 = re.compile(r"\[([^\]]*)\](?::(.*))?")


def is_ip(text: str) -> bool:
    """Whether ``text`` is an IPv4 or IPv6 literal."""
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def _host_name(raw: str, *, underscore: bool = False, min_labels: int = 2) -> str:
    """Normalise a host name (lower-case, no trailing dot) or explain what is wrong.

    ``underscore`` admits DNS-only labels such as ``_spf.google.com``; host names proper
    (RFC 952/1123) are letters, digits and hyphens.
    """
    if not raw:
        raise InvalidValue("expected a host name, got an empty string")
    if not raw.isascii():
        raise InvalidValue(_non_ascii_message(raw))
    if "/" in raw or (":" in raw and not is_ip(raw.strip("[]"))):
        raise InvalidValue(f"{raw!r} is not a host name: expected a bare name like 'www.acme.test'")
    if is_ip(raw.strip("[]")):
        raise InvalidValue(f"{raw!r} is an IP address: expected a host name like 'www.acme.test'")
    name = (raw[:-1] if raw.endswith(".") else raw).lower()
    if len(name) > 253:
        raise InvalidValue(f"{raw!r} is not a valid host name: longer than 253 characters")
    labels = name.split(".")
    for label in labels:
        _check_label(raw, label, _DNS_LABEL if underscore else _LDH_LABEL)
    if len(labels) < min_labels:
        raise InvalidValue(
            f"{raw!r} is not a fully qualified host name: expected at least two labels, like 'www.acme.test'"
        )
    if labels[-1].isdigit():
        raise InvalidValue(f"{raw!r} is neither a valid IP address nor a host name")
    return name


def _check_label(raw: str, label: str, pattern: re.Pattern[str]) -> None:
    """One DNS label: 1-63 allowed characters, no hyphen at either end."""
    if not label:
        raise InvalidValue(f"{raw!r} is not a valid host name: it has an empty label")
    if len(label) > 63:
        raise InvalidValue(f"{raw!r} is not a valid host name: label {label!r} is over 63 characters")
    if not pattern.fullmatch(label):
        allowed = "letters, digits, hyphens" + (" and underscores" if "_" in pattern.pattern else "")
        raise InvalidValue(
            f"{raw!r} is not a valid host name: label {label!r} must be {allowed}, "
            "not starting or ending with a hyphen"
        )


def _non_ascii_message(raw: str) -> str:
    """Point to the xn-- A-label form, computed when the stdlib IDNA codec can."""
    try:
        a_label = raw.encode("idna").decode("ascii")
    except UnicodeError:
        return f"{raw!r} is not ASCII: write internationalised names in their xn-- A-label form"
    return f"{raw!r} is not ASCII: write internationalised names in their xn-- A-label form ({a_label!r})"


def host(raw: str) -> str:
    """A fully qualified host name."""
    return _host_name(raw)


def dns_name(raw: str) -> str:
    """A DNS name that may hold underscore labels (SPF include targets)."""
    return _host_name(raw, underscore=True)


def absolute_cname(raw: str) -> str:
    """A CNAME target, absolute (trailing dot) as it appears in DNS answers."""
    return _host_name(raw) + "."


def ip(raw: str, version: int | None = None) -> str:
    """An IP address in canonical text form (``2001:db8::1``), optionally of one family."""
    try:
        address = ipaddress.ip_address(raw)
    except ValueError:
        raise InvalidValue(f"{raw!r} is not an IP address") from None
    if version is not None and address.version != version:
        raise InvalidValue(f"{raw!r} is not an IPv{version} address")
    return str(address)


def ipv4(raw: str) -> str:
    """An A record value."""
    return ip(raw, 4)


def ipv6(raw: str) -> str:
    """An AAAA record value."""
    return ip(raw, 6)


def ip_or_network(raw: str) -> str:
    """An SPF sender: one address, or a CIDR network without host bits set."""
    if "/" not in raw:
        try:
            return ip(raw)
        except InvalidValue:
            raise InvalidValue(f"{raw!r} is not an IP address or CIDR network") from None
    try:
        return str(ipaddress.ip_network(raw))
    except ValueError:
        pass
    try:
        network = ipaddress.ip_network(raw, strict=False)
    except ValueError:
        raise InvalidValue(f"{raw!r} is not an IP address or CIDR network") from None
    raise InvalidValue(f"{raw!r} has host bits set: did you mean '{network}'?")


def url(raw: str) -> str:
    """An absolute http(s) URL; scheme and host lower-cased, an empty path written '/'."""
    invalid = InvalidValue(f"{raw!r} is not an absolute URL: expected http:// or https:// followed by a host")
    if not raw or any(char.isspace() or ord(char) < 32 for char in raw):
        raise invalid
    try:
        parts = urlsplit(raw)
        port = parts.port
    except ValueError:
        raise invalid from None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise invalid
    if "@" in parts.netloc:
        raise InvalidValue(f"{raw!r} holds credentials: secrets never live in sprint.toml")
    if port == 0:
        raise InvalidValue(f"{raw!r} has port 0: expected 1-65535")
    netloc = _url_host(parts.hostname) + (f":{port}" if port is not None else "")
    return urlunsplit((parts.scheme.lower(), netloc, parts.path or "/", parts.query, parts.fragment))


def origin(raw: str) -> str:
    """A web origin as browsers send it in the Origin header: scheme://host[:port], no path.

    CORS compares origins as exact strings, so the normal form matters: lower-case scheme
    and host, no trailing slash, the port only when it is not the scheme's default.
    """
    invalid = InvalidValue(
        f"{raw!r} is not an origin: expected scheme and host only, like 'https://www.acme.test'"
    )
    normal = url(raw)
    parts = urlsplit(normal)
    if parts.path != "/" or parts.query or parts.fragment or raw.endswith(("?", "#")):
        raise invalid
    default = {"http": 80, "https": 443}[parts.scheme]
    port = parts.port
    netloc = _url_host(parts.hostname or "") + (f":{port}" if port not in (None, default) else "")
    return f"{parts.scheme}://{netloc}"


def _url_host(host: str) -> str:
    """A URL's host as it is written back: IPv6 in brackets, names normalised.

    A single label is allowed here (``http://localhost:8080/``), unlike in [domains].
    """
    if is_ip(host):
        return f"[{host}]" if ":" in host else host
    return _host_name(host, min_labels=1)


def nameserver(raw: str) -> tuple[str, int | None]:
    """A resolver address and its port, if written: '192.0.2.53', '127.0.0.1:5353', '[::1]:53'.

    The port stays None when absent so that ``[network.ports] dns`` can supply it.
    """
    expected = "expected an IP address with optional :port, like '127.0.0.1:5353' or '[::1]:5353'"
    bracketed = _NAMESERVER_V6.fullmatch(raw)
    if bracketed:
        host, port = bracketed.group(1), bracketed.group(2)
        if not is_ip(host) or ipaddress.ip_address(host).version != 6:
            raise InvalidValue(f"{raw!r} is not a nameserver: '[...]' must hold an IPv6 address")
    elif is_ip(raw):
        host, port = raw, None
    elif raw.count(":") == 1:
        host, port = raw.split(":")
    else:
        host, port = raw, None
    if not is_ip(host):
        kind = "is a host name" if _looks_like_host(host) else "is not an IP address"
        raise InvalidValue(f"{raw!r} {kind}: {expected}")
    address = str(ipaddress.ip_address(host))
    if port is None:
        return address, None
    if not (port.isascii() and port.isdigit()) or not 1 <= int(port) <= 65535:
        raise InvalidValue(f"{raw!r} is not host:port: port must be 1-65535")
    return address, int(port)


def _looks_like_host(text: str) -> bool:
    """Whether ``text`` would pass as a host name (to say 'use an IP', not 'garbage')."""
    try:
        _host_name(text)
    except InvalidValue:
        return False
    return True


def dkim_selector(raw: str) -> str:
    """A DKIM selector: one or more DNS labels (``google``, ``s1``, ``k1.mail``)."""
    name = raw.lower()
    labels = name.split(".")
    if not raw or len(name) > 200 or not all(_DNS_LABEL.fullmatch(label) for label in labels):
        raise InvalidValue(
            f"{raw!r} is not a DKIM selector: expected DNS labels of letters, digits, "
            "hyphens and underscores, like 'google' or 's1'"
        )
    if any(len(label) > 63 for label in labels):
        raise InvalidValue(f"{raw!r} is not a DKIM selector: a label is over 63 characters")
    return name


def env_name(raw: str) -> str:
    """An environment variable name as shells accept it."""
    if not _ENV_NAME.fullmatch(raw):
        raise InvalidValue(f"{raw!r} is not an environment variable name: expected [A-Za-z_][A-Za-z0-9_]*")
    return raw


def http_method(raw: str) -> str:
    """An HTTP method, upper-cased."""
    method = raw.upper()
    if method not in HTTP_METHODS:
        raise InvalidValue(f"{raw!r} is not an HTTP method: expected one of {', '.join(HTTP_METHODS)}")
    return method


def log_glob(raw: str) -> str:
    """A log file glob with '~' expanded; what it matches is the check's business."""
    if not raw.strip():
        raise InvalidValue("expected a non-empty glob, like 'logs/*.log'")
    expanded = os.path.expanduser(raw)
    if expanded.startswith("~"):
        raise InvalidValue(f"{raw!r} starts with '~' but that home directory is unknown")
    return expanded
