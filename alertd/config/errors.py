"""Errors that point an SRE at the exact line to fix."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class ConfigError:
    """One problem in one file, printed as ``PATH:LINE: message``."""

    path: Path
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


class ConfigProblems(Exception):
    """Raised when a configuration cannot be used; carries every problem found."""

    def __init__(self, errors: list[ConfigError]) -> None:
        self.errors = sorted(errors, key=lambda e: (str(e.path), e.line, e.message))
        super().__init__("\n".join(str(e) for e in self.errors))
