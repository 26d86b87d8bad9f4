"""Read-only analytics: no tables of its own."""
