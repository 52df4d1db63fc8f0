"""Email authentication: SPF, DKIM, DMARC, MX, MTA-STS and TLS-RPT parsers and lookups."""
