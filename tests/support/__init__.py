"""Helpers shared by the tests and bench/run.py (no fixtures, no Django imports at module level)."""
