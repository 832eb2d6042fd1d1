"""Real peers for tests: Kafka (Tansu), SMTP (aiosmtpd), HTTP receivers (aiohttp)."""
