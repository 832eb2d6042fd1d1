"""alertd: tell on-call and the affected customers about a problem before the first ticket."""

__version__ = "0.1.0"
