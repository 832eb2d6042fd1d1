"""Notify: channels, templates, retries and the delivery log."""
