"""Bottom layer: helpers every app may import; imports no domain app."""
