"""Detect: rules, detectors and the event-time engine that evaluates them."""
