"""Secrets come from the environment or from files, never from logs.

Each secret field ``x`` in the config can be given as ``x_env: VAR`` or ``x_file: PATH``
(inline ``x:`` works too but is meant for local experiments). The value is held as a
pydantic ``SecretStr`` so it prints as ``**********``.
"""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import SecretStr


def resolve_secret(
    inline: SecretStr | None, env: str | None, file: str | None, base: Path
) -> SecretStr | None:
    """The secret's value from exactly one source; ValueError says which one failed."""
    sources = [s for s in (inline, env, file) if s is not None]
    if len(sources) > 1:
        raise ValueError("give a secret once: inline, *_env or *_file")
    if env is not None:
        if env not in os.environ:
            raise ValueError(f"environment variable {env} is not set")
        return SecretStr(os.environ[env])
    if file is not None:
        path = Path(file) if Path(file).is_absolute() else base / file
        try:
            return SecretStr(path.read_text(encoding="utf-8").strip())
        except OSError as exc:
            raise ValueError(f"cannot read secret file {path}: {exc.strerror}") from exc
    return inline
