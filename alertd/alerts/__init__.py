"""Alerts: lifecycle pending -> firing -> resolved, and the store of active alerts."""
