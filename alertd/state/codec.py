"""Snapshot and restore plain Python state objects without pickle.

Detector series, lifecycle tracks and similar objects keep only numbers, strings,
containers and other such objects. A snapshot walks their ``__slots__`` (or
``__dict__``) into msgpack; configuration objects (pydantic models) are skipped because
the rule recreates them. Pickle is not used: the changelog topic is input from the
network, and unpickling it would run whatever code it names. Nested objects are only
recreated from classes defined inside the ``alertd`` package.
"""

from __future__ import annotations

import enum
import importlib
from collections import deque
from typing import Any

import msgspec
from pydantic import BaseModel

_TAG = "\x00"
_encoder = msgspec.msgpack.Encoder()
_decoder = msgspec.msgpack.Decoder()


class StateCodecError(ValueError):
    """A changelog record cannot be restored (corrupt, or written by another version)."""


def encode_state(obj: object) -> bytes:
    return _encoder.encode(_fields(obj))


def encode_object(obj: object) -> bytes:
    """A whole object, class included, for :func:`decode_object`."""
    return _encoder.encode(_encode(obj))


def decode_object(raw: bytes) -> Any:
    try:
        return _decode(_decoder.decode(raw))
    except (msgspec.DecodeError, TypeError, AttributeError, ImportError, KeyError) as exc:
        raise StateCodecError(f"cannot restore object: {exc}") from exc


def restore_state(obj: object, raw: bytes) -> None:
    """Overwrite ``obj``'s state from ``raw`` (made by :func:`encode_state`)."""
    try:
        fields = _decoder.decode(raw)
        if not isinstance(fields, dict):
            raise StateCodecError("state record is not a mapping")
        for name, value in fields.items():
            object.__setattr__(obj, name, _decode(value))
    except (msgspec.DecodeError, TypeError, AttributeError) as exc:
        raise StateCodecError(f"cannot restore {type(obj).__name__}: {exc}") from exc


def _slot_names(obj: object) -> list[str]:
    names: list[str] = []
    for cls in type(obj).__mro__:
        slots = cls.__dict__.get("__slots__", ())
        names.extend([slots] if isinstance(slots, str) else slots)
    if hasattr(obj, "__dict__"):
        names.extend(vars(obj))
    return [n for n in dict.fromkeys(names) if n not in ("__dict__", "__weakref__")]


def _fields(obj: object) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in _slot_names(obj):
        if not hasattr(obj, name):
            continue
        value = getattr(obj, name)
        if _is_config(value):
            continue
        out[name] = _encode(value)
    return out


def _is_config(value: object) -> bool:
    return isinstance(value, BaseModel) or callable(value)


def _encode(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        cls = type(value)
        return {_TAG: "enum", "cls": f"{cls.__module__}:{cls.__qualname__}", "v": value.value}
    if value is None or isinstance(value, bool | int | float | str | bytes):
        return value
    if isinstance(value, list):
        return [_encode(v) for v in value]
    if isinstance(value, tuple):
        return {_TAG: "tuple", "v": [_encode(v) for v in value]}
    if isinstance(value, deque):
        return {_TAG: "deque", "v": [_encode(v) for v in value], "max": value.maxlen}
    if isinstance(value, dict):
        return {_TAG: "dict", "v": [[_encode(k), _encode(v)] for k, v in value.items()]}
    if isinstance(value, set | frozenset):
        return {_TAG: "set", "v": [_encode(v) for v in value]}
    cls = type(value)
    if cls.__module__.startswith("alertd."):
        return {_TAG: "obj", "cls": f"{cls.__module__}:{cls.__qualname__}", "v": _fields(value)}
    raise TypeError(f"cannot snapshot a {cls.__qualname__}")


def _decode(value: Any) -> Any:
    if isinstance(value, list):
        return [_decode(v) for v in value]
    if not isinstance(value, dict):
        return value
    kind = value.get(_TAG)
    items: Any = value.get("v")
    if kind == "tuple":
        return tuple(_decode(v) for v in items)
    if kind == "deque":
        return deque((_decode(v) for v in items), maxlen=value.get("max"))
    if kind == "dict":
        return {_decode(k): _decode(v) for k, v in items}
    if kind == "set":
        return {_decode(v) for v in items}
    if kind == "obj":
        return _new_object(str(value["cls"]), items)
    if kind == "enum":
        return _alertd_class(str(value["cls"]))(items)
    raise StateCodecError(f"unknown state tag {kind!r}")


def _alertd_class(qualified: str) -> Any:
    module_name, _, qualname = qualified.partition(":")
    if not module_name.startswith("alertd."):
        raise StateCodecError(f"refusing to restore {qualified}: not an alertd class")
    target: Any = importlib.import_module(module_name)
    for part in qualname.split("."):
        target = getattr(target, part)
    if not isinstance(target, type):
        raise StateCodecError(f"{qualified} is not a class")
    return target


def _new_object(qualified: str, fields: dict[str, Any]) -> object:
    obj = object.__new__(_alertd_class(qualified))
    for name, raw in fields.items():
        object.__setattr__(obj, name, _decode(raw))
    return obj
