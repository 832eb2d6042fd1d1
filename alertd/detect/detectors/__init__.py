"""Detector library. Importing this package registers every built-in detector."""

from alertd.detect.detectors import threshold
from alertd.detect.detectors.base import REGISTRY, DetectorType, SeriesDetector, Verdict

__all__ = ["REGISTRY", "DetectorType", "SeriesDetector", "Verdict", "threshold"]
