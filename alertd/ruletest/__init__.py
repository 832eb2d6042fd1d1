"""Rule unit tests (``alertd test``): input series in, expected alerts at given times."""
