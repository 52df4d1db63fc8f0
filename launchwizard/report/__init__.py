"""Renderers of a run: text for terminals and CI logs, JSON for other tools."""
