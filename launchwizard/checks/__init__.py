"""Checks: the registry table, one module per family, and the async runner."""
