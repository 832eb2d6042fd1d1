"""Detector library. Importing this package registers every built-in detector."""

from alertd.detect.detectors import (
    absent,
    anomaly,
    burn_rate,
    composite,
    flatline,
    rate,
    ratio,
    spike,
    threshold,
    trend,
)
from alertd.detect.detectors.base import REGISTRY, DetectorType, SeriesDetector, Verdict

__all__ = [
    "REGISTRY",
    "DetectorType",
    "SeriesDetector",
    "Verdict",
    "absent",
    "anomaly",
    "burn_rate",
    "composite",
    "flatline",
    "rate",
    "ratio",
    "spike",
    "threshold",
    "trend",
]
