"""Compile the per-event loops with Cython where a C compiler is at hand.

alertd is pure Python. Two small modules hold the loops every consumed event runs
through (the canonical decoder's batch loop and the engine's quiet lane); compiled,
they cost less per event (bench/RESULTS.md). Without Cython or a compiler the build
goes on and those modules run as the Python they are; ``ALERTD_PURE_PYTHON=1`` skips
the compilation on purpose. After editing one of them in a checkout, rebuild with
``pip install -e .`` (a stale build is reported by ``tests/test_compiled.py``).
"""

from __future__ import annotations

import os
import sys

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

HOT_PATH = ["alertd/ingest/batch.py", "alertd/detect/quiet.py"]


class OptionalBuildExt(build_ext):
    """A module that fails to compile is left to run as Python, with a warning."""

    def build_extension(self, ext: Extension) -> None:
        try:
            super().build_extension(ext)
        except Exception as exc:  # noqa: BLE001 - any compiler failure: fall back
            print(f"alertd: {ext.name} not compiled ({exc}); it runs as Python", file=sys.stderr)


def extensions() -> list[Extension]:
    if os.environ.get("ALERTD_PURE_PYTHON") == "1":
        return []
    try:
        from Cython.Build import cythonize
    except ImportError:
        return []
    return cythonize(HOT_PATH, language_level="3", quiet=True)


setup(ext_modules=extensions(), cmdclass={"build_ext": OptionalBuildExt})
