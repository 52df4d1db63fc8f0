"""Edge hardening: security-header grading (MDN HTTP Observatory rules), HSTS, CORS, exposed
paths, CDN/WAF detection, rate-limit headers, subdomain takeover and CAA.

Everything in this package takes text and returns plain data, with no network: the checks
in launchwizard.checks fetch, these modules judge, so every rule can be tested on garbage.
"""
