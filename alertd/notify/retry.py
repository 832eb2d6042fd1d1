"""Exponential backoff with full jitter, honouring a server's Retry-After."""

from __future__ import annotations

import random
from dataclasses import dataclass

from alertd.config.schema import RetryConfig


@dataclass(frozen=True, slots=True)
class Backoff:
    initial: float
    maximum: float
    attempts: int

    @classmethod
    def from_config(cls, config: RetryConfig) -> Backoff:
        return cls(config.initial_backoff, config.max_backoff, config.attempts)

    def delay(self, attempt: int, retry_after: float | None = None) -> float:
        """Seconds to wait before attempt ``attempt + 1`` (``attempt`` starts at 1)."""
        if retry_after is not None:
            return min(max(retry_after, 0.0), self.maximum)
        ceiling = min(self.maximum, self.initial * 2 ** (attempt - 1))
        return random.uniform(ceiling / 2, ceiling)
