"""Kafka TLS and SASL settings become aiokafka options; secrets only from env or files."""

from __future__ import annotations

import shutil
import ssl
import subprocess
from pathlib import Path

import pytest

from alertd.config.schema import KafkaConfig
from alertd.ingest.security import KafkaSecurityError, describe, kafka_client_options


def kafka(**fields: object) -> KafkaConfig:
    return KafkaConfig.model_validate({"bootstrap_servers": "k:9093", **fields})


def test_plaintext_by_default() -> None:
    assert kafka_client_options(kafka(), Path()) == {"security_protocol": "PLAINTEXT"}


@pytest.mark.parametrize("mechanism", ["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"])
def test_sasl_password_from_env(monkeypatch: pytest.MonkeyPatch, mechanism: str) -> None:
    monkeypatch.setenv("KAFKA_PW", "pw-from-env")
    config = kafka(sasl={"mechanism": mechanism, "username": "alertd", "password_env": "KAFKA_PW"})
    options = kafka_client_options(config, Path())
    assert options == {
        "security_protocol": "SASL_PLAINTEXT",
        "sasl_mechanism": mechanism,
        "sasl_plain_username": "alertd",
        "sasl_plain_password": "pw-from-env",
    }
    assert "pw-from-env" not in str(describe(config))
    assert "pw-from-env" not in repr(config)


def test_sasl_password_from_file_relative_to_config(tmp_path: Path) -> None:
    (tmp_path / "kafka.pw").write_text("pw-from-file\n")
    config = kafka(sasl={"mechanism": "PLAIN", "username": "u", "password_file": "kafka.pw"})
    assert kafka_client_options(config, tmp_path)["sasl_plain_password"] == "pw-from-file"


@pytest.mark.parametrize(
    ("sasl", "message"),
    [
        ({"password_env": "ALERTD_TEST_UNSET_VAR"}, "ALERTD_TEST_UNSET_VAR is not set"),
        ({"password_file": "missing.pw"}, "cannot read secret file"),
        ({}, "needs a password"),
        ({"password": "x", "password_env": "Y"}, "give a secret once"),
    ],
)
def test_unusable_sasl_secret_is_an_error_saying_what_to_fix(
    tmp_path: Path, sasl: dict[str, str], message: str
) -> None:
    config = kafka(sasl={"mechanism": "PLAIN", "username": "u", **sasl})
    with pytest.raises(KafkaSecurityError, match=message):
        kafka_client_options(config, tmp_path)


def test_unknown_sasl_mechanism_is_a_config_error() -> None:
    with pytest.raises(ValueError, match="SCRAM-SHA-256"):
        kafka(sasl={"mechanism": "GSSAPI", "username": "u", "password": "p"})


@pytest.fixture
def ca(tmp_path: Path) -> Path:
    if shutil.which("openssl") is None:
        pytest.skip("openssl not installed")
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=alertd-test-ca", "-keyout", str(tmp_path / "ca.key"),
         "-out", str(tmp_path / "ca.pem")],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    return tmp_path / "ca.pem"


def test_tls_with_sasl_is_sasl_ssl_with_a_verifying_context(
    ca: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KAFKA_PW", "pw")
    config = kafka(
        tls={"cafile": ca.name, "certfile": ca.name, "keyfile": "ca.key"},
        sasl={"mechanism": "SCRAM-SHA-512", "username": "u", "password_env": "KAFKA_PW"},
    )
    options = kafka_client_options(config, ca.parent)
    context = options["ssl_context"]
    assert options["security_protocol"] == "SASL_SSL"
    assert isinstance(context, ssl.SSLContext)
    assert context.verify_mode == ssl.CERT_REQUIRED
    assert context.check_hostname
    assert context.cert_store_stats()["x509_ca"] == 1


def test_missing_tls_file_names_the_path(tmp_path: Path) -> None:
    with pytest.raises(KafkaSecurityError, match=str(tmp_path / "nope.pem")):
        kafka_client_options(kafka(tls={"cafile": "nope.pem"}), tmp_path)
