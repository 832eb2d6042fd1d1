"""Kafka TLS and SASL settings as aiokafka client options.

The same options go to the consumer, the producers and the admin client, so every
connection alertd makes is authenticated the same way. The SASL password comes from
the environment or a file (``password_env`` / ``password_file``) and exists only inside
the options dict handed to aiokafka; nothing here logs it.
"""

from __future__ import annotations

import ssl
from pathlib import Path
from typing import Any

from aiokafka.helpers import create_ssl_context

from alertd.config.schema import KafkaConfig, KafkaTlsConfig
from alertd.config.secrets import resolve_secret


class KafkaSecurityError(ValueError):
    """A TLS file or SASL secret cannot be used; the message says which and why."""


def security_protocol(kafka: KafkaConfig) -> str:
    if kafka.sasl is not None:
        return "SASL_SSL" if kafka.tls is not None else "SASL_PLAINTEXT"
    return "SSL" if kafka.tls is not None else "PLAINTEXT"


def kafka_client_options(kafka: KafkaConfig, base_dir: Path) -> dict[str, Any]:
    """Keyword arguments for AIOKafkaConsumer/Producer/AdminClient."""
    options: dict[str, Any] = {"security_protocol": security_protocol(kafka)}
    if kafka.tls is not None:
        options["ssl_context"] = _ssl_context(kafka.tls, base_dir)
    sasl = kafka.sasl
    if sasl is not None:
        try:
            password = resolve_secret(
                sasl.password, sasl.password_env, sasl.password_file, base_dir
            )
        except ValueError as exc:
            raise KafkaSecurityError(f"kafka.sasl password: {exc}") from None
        if password is None:
            raise KafkaSecurityError(
                "kafka.sasl needs a password: set password_env or password_file"
            )
        options.update(
            sasl_mechanism=sasl.mechanism,
            sasl_plain_username=sasl.username,
            sasl_plain_password=password.get_secret_value(),
        )
    return options


def describe(kafka: KafkaConfig) -> dict[str, str]:
    """What may be logged about the connection's security: never the password."""
    out = {"security_protocol": security_protocol(kafka)}
    if kafka.sasl is not None:
        out.update(sasl_mechanism=kafka.sasl.mechanism, sasl_username=kafka.sasl.username)
    return out


def _ssl_context(tls: KafkaTlsConfig, base_dir: Path) -> ssl.SSLContext:
    def path(value: str | None) -> str | None:
        if value is None:
            return None
        full = Path(value) if Path(value).is_absolute() else base_dir / value
        if not full.is_file():
            raise KafkaSecurityError(f"kafka.tls: file {full} does not exist")
        return str(full)

    try:
        context: ssl.SSLContext = create_ssl_context(
            cafile=path(tls.cafile), certfile=path(tls.certfile), keyfile=path(tls.keyfile)
        )
    except (ssl.SSLError, OSError) as exc:
        raise KafkaSecurityError(f"kafka.tls: cannot load certificates: {exc}") from None
    context.check_hostname = tls.check_hostname
    return context
