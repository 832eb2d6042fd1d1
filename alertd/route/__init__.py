"""Route: which receivers hear about an alert."""
