"""Read a record as JSON of an expected shape, mapping every failure to a DLQ reason."""

from __future__ import annotations

from typing import Any, TypeVar

import msgspec

from alertd.ingest.decoders import MAX_RECORD_BYTES, DecodeError

T = TypeVar("T")


def decode_json(raw: bytes, decoder: msgspec.json.Decoder[T], what: str) -> T:
    """Decode ``raw`` with a typed msgspec decoder; ``what`` names the format in reasons."""
    if len(raw) > MAX_RECORD_BYTES:
        raise DecodeError(f"record of {len(raw)} bytes exceeds {MAX_RECORD_BYTES}", "too_large")
    if not raw.strip():
        raise DecodeError("empty record", "empty")
    try:
        return decoder.decode(raw)
    except msgspec.ValidationError as exc:
        raise DecodeError(f"not {what}: {exc}", "invalid") from exc
    except msgspec.DecodeError as exc:
        raise DecodeError(f"not {what}: {exc}", "malformed") from exc
    except UnicodeDecodeError as exc:  # msgspec reports bad UTF-8 inside strings this way
        raise DecodeError(f"not {what}: invalid UTF-8 ({exc.reason})", "malformed") from exc
    except RecursionError as exc:
        raise DecodeError("JSON nested too deeply", "malformed") from exc


def is_array(raw: bytes) -> bool:
    """Whether the record is a JSON array (batch) rather than one object."""
    return raw.lstrip()[:1] == b"["


def label_value(value: Any) -> str:
    """Labels are strings; other scalars keep their JSON spelling (true, 3, 1.5)."""
    if isinstance(value, str):
        return value
    return msgspec.json.encode(value).decode()


def convert(obj: Any, kind: type[T], what: str) -> T:
    """Validate already-parsed JSON against ``kind`` (for formats with several shapes)."""
    try:
        return msgspec.convert(obj, kind)
    except msgspec.ValidationError as exc:
        raise DecodeError(f"not {what}: {exc}", "invalid") from exc


JSON_OBJECT = msgspec.json.Decoder(dict[str, Any])
JSON_VALUE = msgspec.json.Decoder()
