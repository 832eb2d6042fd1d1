"""Observe: Prometheus metrics, structured logs, pipeline listeners."""
