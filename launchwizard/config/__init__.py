"""sprint.toml -> a typed, validated, frozen :class:`Sprint`.

The consultant edits sprint.toml by hand under time pressure, so every problem is reported
as one :class:`ConfigError` that names the file, the dotted key, the line and what was
expected, instead of surfacing later as a confusing check failure or a stack trace.

Only the standard library is used: the headless CLI imports this package and must start fast.

The modules, in the order the data flows:

- :mod:`.load` reads the file and parses the TOML (``load_sprint``, ``parse_sprint``);
- :mod:`.site`, :mod:`.endpoints`, :mod:`.network`, :mod:`.perf`, :mod:`.workspace`,
  :mod:`.cloudflare` and :mod:`.rdap` read the tables;
- :mod:`.fields` gives them typed access to values, and :mod:`.values` validates strings;
- :mod:`.locate` finds the line of a key when an error is reported;
- :mod:`.model` holds the frozen result, :mod:`.errors` the exceptions.
"""

from __future__ import annotations

from launchwizard.config.errors import ConfigError
from launchwizard.config.load import load_sprint, parse_sprint
from launchwizard.config.model import (
    CloudflareConfig,
    EdgeConfig,
    EmailConfig,
    Endpoint,
    Environment,
    EvalProbe,
    HostExpect,
    InjectionProbe,
    MonitorsConfig,
    Nameserver,
    NetworkConfig,
    PerfConfig,
    Ports,
    ProbeBudget,
    ProbesConfig,
    RdapConfig,
    Sprint,
)

__all__ = [
    "CloudflareConfig",
    "ConfigError",
    "EdgeConfig",
    "EmailConfig",
    "Endpoint",
    "Environment",
    "EvalProbe",
    "HostExpect",
    "InjectionProbe",
    "MonitorsConfig",
    "Nameserver",
    "NetworkConfig",
    "PerfConfig",
    "Ports",
    "ProbeBudget",
    "ProbesConfig",
    "RdapConfig",
    "Sprint",
    "load_sprint",
    "parse_sprint",
]
