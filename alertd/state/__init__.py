"""State: changelog topics, restore on partition assignment (the Kafka Streams model)."""
