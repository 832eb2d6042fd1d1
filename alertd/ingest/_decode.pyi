from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

def epoch_seconds(moment: datetime) -> float: ...

class ObjectRun:
    def __init__(
        self, decode: Callable[[bytes], Any], max_bytes: int, min_time: float, max_time: float
    ) -> None: ...
    def run(self, records: Sequence[Any], start: int, events: list[Any]) -> int: ...
