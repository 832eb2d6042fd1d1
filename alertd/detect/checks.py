"""Config checks that look across rules: all_of/any_of members, and rules' inputs.

Called from ``alertd check`` (config/semantic.py) so mistakes surface as PATH:LINE
errors before the daemon starts, not as a composite that silently never fires.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from alertd.config.errors import ConfigError
from alertd.detect.detectors import REGISTRY

if TYPE_CHECKING:
    from alertd.config.loader import LocatedRule


def check_rule_graph(rules: Sequence[LocatedRule]) -> Iterable[ConfigError]:
    by_name = {r.spec.name: r for r in rules}
    members = {name: _members(rule) for name, rule in by_name.items()}
    for name, rule in by_name.items():
        listed = members[name]
        if listed is None:
            if "match" not in rule.spec.model_fields_set:
                yield rule.error(
                    ("name",),
                    f"rule {name!r} needs 'match' (which events feed it); only all_of and "
                    "any_of rules are fed by other rules instead",
                )
            continue
        key = rule.spec.detector_name
        for i, member in enumerate(listed):
            other = by_name.get(member)
            where = ("detect", key, "rules", i)
            if other is None:
                yield rule.error(where, f"{key} lists unknown rule {member!r}")
                continue
            missing = [g for g in rule.spec.group_by if g not in other.spec.group_by]
            if missing:
                yield rule.error(
                    where,
                    f"group_by label(s) {', '.join(missing)} of {name!r} are not in the "
                    f"group_by of member {member!r}; a composite can only group by labels "
                    "all its members group by",
                )
        if _reaches(name, name, members, set()):
            yield rule.error(("detect", key), f"{name!r} depends on itself through {key}")


def _members(rule: LocatedRule) -> tuple[str, ...] | None:
    detector = REGISTRY.get(rule.spec.detector_name)
    if detector is None:
        return None
    raw = rule.spec.detect[detector.name]
    try:
        params = detector.params.model_validate({} if raw is None else raw)
    except ValueError:
        return None
    found = detector.members(params)
    return found if found else None


def _reaches(
    start: str, node: str, members: dict[str, tuple[str, ...] | None], seen: set[str]
) -> bool:
    for member in members.get(node) or ():
        if member == start:
            return True
        if member not in seen:
            seen.add(member)
            if _reaches(start, member, members, seen):
                return True
    return False
