"""Regenerate this directory from alertd/demo/proof_scenario.py (deterministic).

.venv/bin/python config/examples/scenario/generate.py
"""

from pathlib import Path

from alertd.demo.proof_files import write_scenario

if __name__ == "__main__":
    print(write_scenario(Path(__file__).resolve().parent))
