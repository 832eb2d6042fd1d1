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
from collections.abc import Sequence
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


def _slot_names(obj: object) -> Sequence[str]:
    slots = _class_slots(type(obj))
    if not hasattr(obj, "__dict__"):
        return slots
    return [n for n in dict.fromkeys([*slots, *vars(obj)]) if n not in _NOT_STATE]


_NOT_STATE = ("__dict__", "__weakref__", "last_seen")
"""Not snapshotted: ``last_seen`` is the engine's bookkeeping on a series
(alertd/detect/detectors/base.py:LastSeen), which its record stores beside the state."""
_SLOTS: dict[type, tuple[str, ...]] = {}
"""Slot names per class, cached: every changelog flush snapshots thousands of objects
of a handful of classes."""


def _class_slots(cls: type) -> tuple[str, ...]:
    slots = _SLOTS.get(cls)
    if slots is None:
        names: list[str] = []
        for klass in cls.__mro__:
            own = klass.__dict__.get("__slots__", ())
            names.extend([own] if isinstance(own, str) else own)
        slots = _SLOTS[cls] = tuple(n for n in dict.fromkeys(names) if n not in _NOT_STATE)
    return slots


def _fields(obj: object) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in _slot_names(obj):
        value = getattr(obj, name, _UNSET)
        if type(value) in _PLAIN:  # the common case first: changelog flushes are hot
            out[name] = value
        elif value is not _UNSET and not _is_config(value):
            out[name] = _encode(value)
    return out


_UNSET = object()
_PLAIN = frozenset({type(None), bool, int, float, str, bytes})
"""Types stored as they are (exact types: an ``IntEnum`` member is tagged as an enum)."""


def _is_config(value: object) -> bool:
    return isinstance(value, BaseModel) or callable(value)


def _encode(value: Any) -> Any:
    if type(value) in _PLAIN:
        return value
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
