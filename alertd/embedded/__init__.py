"""The embedded Kafka-protocol broker behind ``bootstrap_servers: embedded``."""
