from collections.abc import Callable, Container, Sequence

from alertd.detect.quiet import QuietLane
from alertd.detect.table import SeriesKey
from alertd.ingest.event import Event

class CompiledLane:
    def __init__(
        self,
        lane: QuietLane,
        step: Callable[[QuietLane, Event, Container[SeriesKey]], bool],
        limit: int,
    ) -> None: ...
    def run(
        self,
        events: Sequence[Event],
        start: int,
        watermark: float,
        due: float,
        tracked: Container[SeriesKey],
    ) -> tuple[int, float]: ...
