"""Names of the foreign-format decoders, as used in ``kafka.topics[].decoder``."""

from __future__ import annotations

from collections.abc import Callable

from alertd.ingest.event import Event
from alertd.ingest.formats.alertmanager import decode_alertmanager
from alertd.ingest.formats.cloudevents import decode_cloudevents
from alertd.ingest.formats.otlp import decode_otlp_json
from alertd.ingest.formats.prometheus import decode_prometheus_kafka_adapter
from alertd.ingest.formats.telegraf import decode_telegraf

FORMATS: dict[str, Callable[[bytes], list[Event]]] = {
    "prometheus-kafka-adapter": decode_prometheus_kafka_adapter,
    "telegraf": decode_telegraf,
    "cloudevents": decode_cloudevents,
    "otlp_json": decode_otlp_json,
    "alertmanager": decode_alertmanager,
}
