"""`alertd check` rejects customer templates that leave out what customers need."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from alertd.config import ConfigProblems, load_config

RULES = """\
rules:
  - name: checkout_errors
    match: {kind: metric, name: http_error_ratio}
    detect: {threshold: {above: 0.05}}
    customers:
      match: {regions: region, components: service}
      segments: [enterprise-eu]
"""


def write(tmp_path: Path, text_template: str | None, segments: str = "enterprise-eu") -> Path:
    (tmp_path / "rules.yml").write_text(RULES)
    (tmp_path / "customers.yml").write_text(
        f"segments:\n  {segments}: {{plan: enterprise, regions: 'eu-*'}}\ncustomers: []\n"
    )
    config = "rule_files: [rules.yml]\ncustomers: {file: customers.yml}\n"
    if text_template is not None:
        folder = tmp_path / "templates" / "customer" / "en"
        folder.mkdir(parents=True)
        (folder / "email.text.j2").write_text(text_template)
        config += "templates_dir: templates\n"
    (tmp_path / "alertd.yml").write_text(config)
    return tmp_path / "alertd.yml"


def test_shipped_example_and_templates_pass(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ALERTD_TOKEN", "t")
    root = Path(__file__).parents[2]
    loaded = load_config(root / "config" / "examples" / "customers.yml")
    assert loaded.config.notices.maintenance[0].components == ["checkout"]


def test_template_without_workaround_and_next_update_is_rejected(tmp_path: Path) -> None:
    path = write(tmp_path, "{% for it in items %}Impact: {{ it.impact }}{% endfor %}\n")
    with pytest.raises(ConfigProblems) as problems:
        load_config(path)
    messages = [str(e) for e in problems.value.errors]
    template = tmp_path / "templates" / "customer" / "en" / "email.text.j2"
    assert any(m.startswith(f"{template}:") and "workaround" in m for m in messages)
    assert any("next update" in m for m in messages)
    assert not any("impact" in m.split(": ", 1)[1][:40] for m in messages)


def test_rule_naming_unknown_segment_points_at_its_line(tmp_path: Path) -> None:
    path = write(tmp_path, None, segments="smb-us")
    with pytest.raises(ConfigProblems) as problems:
        load_config(path)
    [error] = problems.value.errors
    assert str(error) == (
        f"{tmp_path / 'rules.yml'}:7: unknown segment 'enterprise-eu' (known: smb-us)"
    )


def test_check_command_exits_1_and_prints_path_line(tmp_path: Path) -> None:
    path = write(tmp_path, "Hello {{ item.impact }}\n")
    result = subprocess.run(
        [sys.executable, "-m", "alertd", "check", "-c", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1
    assert (
        "email.text.j2:0: customer template must show the workaround"
        in result.stdout + result.stderr
    )


def test_receiver_cannot_take_a_customer_channel_name(tmp_path: Path) -> None:
    (tmp_path / "alertd.yml").write_text(
        "receivers:\n  - name: customer-email\n    email_configs: [{to: [a@b.example]}]\n"
    )
    with pytest.raises(ConfigProblems) as problems:
        load_config(tmp_path / "alertd.yml")
    assert [str(e) for e in problems.value.errors] == [
        f"{tmp_path / 'alertd.yml'}:2: receiver name 'customer-email' is reserved for "
        "customer notices; rename it"
    ]
