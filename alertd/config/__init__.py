"""Configuration: YAML files with line-accurate errors, validated by pydantic models."""

from alertd.config.errors import ConfigError, ConfigProblems
from alertd.config.loader import load_config

__all__ = ["ConfigError", "ConfigProblems", "load_config"]
