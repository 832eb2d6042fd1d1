"""Audience resolution: labels -> customer fields, optional segments, sizes."""

from __future__ import annotations

from alertd.customers.audience import resolve
from alertd.customers.directory import CustomerDirectory
from alertd.customers.model import Customer
from alertd.customers.spec import AudienceSpec


def directory() -> CustomerDirectory:
    def c(cid: str, plan: str, region: str, component: str, **contacts: list[str]) -> Customer:
        return Customer.model_validate(
            {
                "id": cid,
                "plan": plan,
                "regions": [region],
                "components": [component],
                "contacts": contacts,
            }
        )

    return CustomerDirectory(
        [
            c("eu-ent", "enterprise", "eu-west", "checkout", email=["a@x"], webhook=["http://h"]),
            c("eu-pro", "pro", "eu-west", "checkout", email=["b@x"]),
            c("eu-search", "enterprise", "eu-west", "search", email=["c@x"]),
            c("us-ent", "enterprise", "us-east", "checkout", email=["d@x"]),
        ],
        {"enterprise-eu": {"plan": "enterprise", "regions": "eu-*"}},
    )


LABELS = {"region": "eu-west", "service": "checkout"}


def test_labels_pick_customers_by_region_and_component() -> None:
    spec = AudienceSpec(match={"regions": "region", "components": "service"})
    audience = resolve(spec, LABELS, directory())
    assert audience.ids() == ["eu-ent", "eu-pro"]
    assert audience.sizes == {
        "enterprise-eu": {"status": 1, "email": 1, "webhook": 1},
        "(none)": {"status": 1, "email": 1},
    }


def test_segments_limit_the_audience() -> None:
    spec = AudienceSpec(
        match={"region": "region", "component": "service"}, segments=["enterprise-eu"]
    )
    assert resolve(spec, LABELS, directory()).ids() == ["eu-ent"]


def test_account_label_targets_one_customer() -> None:
    spec = AudienceSpec(match={"account": "tenant"})
    assert resolve(spec, {"tenant": "us-ent"}, directory()).ids() == ["us-ent"]


def test_missing_label_affects_nobody_rather_than_everybody() -> None:
    spec = AudienceSpec(match={"regions": "region", "components": "service"})
    assert resolve(spec, {"service": "checkout"}, directory()).size == 0
