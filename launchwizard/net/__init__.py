"""The network layer: every DNS question, HTTP request and TLS handshake of a run goes through here.

Importing a submodule (`launchwizard.net.dns` for a command that only asks DNS) does not
load the HTTP and TLS stacks: `Net` imports them when a run builds one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from launchwizard.config import NetworkConfig
    from launchwizard.net.dns import Resolver
    from launchwizard.net.http import HttpClient
    from launchwizard.net.tls import TlsProbe


class Net:
    """One resolver, one HTTP client and one TLS probe sharing the same view of DNS."""

    dns: Resolver
    http: HttpClient
    tls: TlsProbe

    def __init__(self, config: NetworkConfig) -> None:
        from launchwizard.net.dns import Resolver, system_servers
        from launchwizard.net.http import HttpClient
        from launchwizard.net.tls import TlsProbe

        servers = list(config.nameservers) or list(system_servers())
        ca_bundle = str(config.ca_bundle) if config.ca_bundle else None
        self.config = config
        self.dns = Resolver(servers, timeout_s=config.timeout_s, pins=config.pins)
        self.http = HttpClient(
            self.dns,
            timeout_s=config.timeout_s,
            ports={"http": config.ports.http, "https": config.ports.https},
            ca_bundle=ca_bundle,
        )
        self.tls = TlsProbe(
            self.dns,
            timeout_s=config.timeout_s,
            https_port=config.ports.https,
            ca_bundle=ca_bundle,
        )

    async def aclose(self) -> None:
        await self.http.aclose()

    async def __aenter__(self) -> Net:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()
