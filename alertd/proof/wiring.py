"""The few lines the daemon needs to keep a proof ledger beside the pipeline."""

from __future__ import annotations

from collections.abc import Iterable

from alertd.config.rules import RuleSpec
from alertd.observe.listener import PipelineListener
from alertd.observe.metrics import Metrics
from alertd.proof.ledger import ProofLedger
from alertd.proof.listener import ProofListener
from alertd.proof.series import SeriesBuffer


def build_proof(
    metrics: Metrics, rules: Iterable[RuleSpec], inner: PipelineListener | None
) -> tuple[ProofLedger, ProofListener]:
    """A ledger with metrics, and the listener that feeds it and passes ``inner`` on."""
    ledger = ProofLedger(metrics, series=SeriesBuffer(rules))
    return ledger, ProofListener(ledger, inner)
