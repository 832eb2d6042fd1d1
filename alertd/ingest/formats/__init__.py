"""Decoders for formats other systems already write to Kafka.

Each module turns one record of one foreign format into canonical events and raises
``DecodeError`` with a reason for anything else, so a bad record lands in the DLQ
explained. ``registry.FORMATS`` lists them; ``decoders.DECODERS`` includes them.
"""

# DecodeError's home is loaded first so that importing any format module directly
# (before alertd.ingest.decoders) cannot trip over the registration cycle.
import alertd.ingest.decoders  # noqa: F401
