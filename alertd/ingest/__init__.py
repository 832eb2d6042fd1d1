"""Ingest: Kafka consumer group, per-topic decoders, dead-letter queue."""
