"""The registry's own view of a domain, read over RDAP (RFC 7480-7484, 9082, 9083, 9224).

Registries publish a domain's expiry, its status codes (holds, locks, pending deletion),
the name servers they delegate to and the DS records they publish, with no account or
token. This package finds the registry through the IANA bootstrap file, reads the answer
defensively and judges it; it knows nothing about checks. The modules, in the order the
data flows:

- :mod:`.bootstrap` parses the bootstrap file and picks the server for a domain;
- :mod:`.bootstrap_cache` keeps the file on disk between runs, with its age;
- :mod:`.client` fetches through the run's HTTP client (redirects, rate limits, the
  thin registry's link to the registrar);
- :mod:`.domain` turns the JSON (decoded with bounds by :mod:`.jsondata`) into a
  `Registration`, with :mod:`.dates` and :mod:`.status` normalising what registries
  spell differently;
- :mod:`.judge` and :mod:`.dnssec` grade it; :mod:`.facts` summarises it for the handover.
"""
