"""Load a customer directory file: YAML for readability, CSV for exports from a CRM.

CSV columns: ``id,name,plan,regions,components,locale,timezone,email,webhook,quiet_hours``
where list columns are separated by ``;`` and quiet_hours is ``22:00-07:00``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from alertd.config.errors import ConfigError, ConfigProblems
from alertd.config.yaml_source import load_yaml
from alertd.customers.model import Customer
from alertd.customers.segments import SegmentSpecs

LIST_COLUMNS = ("regions", "components")


class CustomerFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    customers: list[Customer] = Field(default_factory=list)
    segments: SegmentSpecs = Field(default_factory=dict)


def load_customer_file(path: Path) -> CustomerFile:
    """Parse ``path`` (``.csv`` or YAML); problems raise ConfigProblems with PATH:LINE."""
    if path.suffix.lower() == ".csv":
        return CustomerFile(customers=list(_load_csv(path)))
    from alertd.config.loader import validate_model

    parsed = validate_model(CustomerFile, load_yaml(path))
    _reject_duplicates(path, [c.id for c in parsed.customers])
    return parsed


def _load_csv(path: Path) -> Iterable[Customer]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigProblems([ConfigError(path, 0, f"cannot read customer file: {exc}")]) from exc
    reader = csv.DictReader(io.StringIO(text))
    errors: list[ConfigError] = []
    customers: list[Customer] = []
    for row in reader:
        line = reader.line_num
        try:
            customers.append(Customer.model_validate(csv_row_to_customer(row)))
        except ValidationError as exc:
            for err in exc.errors():
                where = ".".join(str(p) for p in err["loc"])
                errors.append(ConfigError(path, line, f"{where}: {err['msg']}"))
    if errors:
        raise ConfigProblems(errors)
    _reject_duplicates(path, [c.id for c in customers])
    return customers


def csv_row_to_customer(row: dict[str, Any]) -> dict[str, Any]:
    """One CSV row as the Customer model's shape (empty cells are left out)."""
    data: dict[str, Any] = {}
    contacts: dict[str, list[str]] = {}
    for key, raw in row.items():
        value = (raw or "").strip()
        if key is None or not value:
            continue
        if key in LIST_COLUMNS:
            data[key] = _split(value)
        elif key in ("email", "webhook"):
            contacts[key] = _split(value)
        elif key == "quiet_hours":
            start, _, end = value.partition("-")
            data["quiet_hours"] = {"start": start.strip(), "end": end.strip()}
        else:
            data[key] = value
    if contacts:
        data["contacts"] = contacts
    return data


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split(";") if part.strip()]


def _reject_duplicates(path: Path, ids: list[str]) -> None:
    seen: set[str] = set()
    dupes = sorted({i for i in ids if i in seen or seen.add(i)})  # type: ignore[func-returns-value]
    if dupes:
        raise ConfigProblems([ConfigError(path, 0, f"duplicate customer ids: {', '.join(dupes)}")])
