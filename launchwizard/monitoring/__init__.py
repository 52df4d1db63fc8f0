"""Exports for the monitoring people already run: Gatus YAML, an Uptime Kuma setup sheet, a
k6 script; all built from one plan, so they agree on URLs, thresholds and detection time."""
