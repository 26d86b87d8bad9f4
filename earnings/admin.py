"""Admin registrations: filled by the issue that owns this app."""
