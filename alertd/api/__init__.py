"""HTTP API: health, metrics, alerts."""
