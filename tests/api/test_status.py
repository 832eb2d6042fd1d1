"""Status feed: per customer and segment, CORS, ETag/304; on-call and maintenance API."""

from __future__ import annotations

import aiohttp

from tests.api.status_support import TOKEN, published_incident, serve
from tests.notices.conftest import _close_harness_dispatchers  # noqa: F401 - autouse


async def test_feed_shows_customer_only_what_affects_them_with_cors_and_etag() -> None:
    h = await published_incident()
    async with serve(h) as base, aiohttp.ClientSession() as client:
        eu = await client.get(f"{base}/api/v1/status?customer=eu-ru")
        eu_body = await eu.json()
        again = await client.get(
            f"{base}/api/v1/status?customer=eu-ru", headers={"If-None-Match": eu.headers["ETag"]}
        )
        us = await (await client.get(f"{base}/api/v1/status?customer=us")).json()
        unknown = await client.get(f"{base}/api/v1/status?customer=nobody")
        preflight = await client.options(f"{base}/api/v1/status")
        await h.service.update(h.service.tracker.all()[0].incident_id, {"text": "Fix found"})
        changed = await client.get(
            f"{base}/api/v1/status?customer=eu-ru", headers={"If-None-Match": eu.headers["ETag"]}
        )
        changed_body = await changed.json()

    assert eu.headers["Access-Control-Allow-Origin"] == "*"
    assert eu_body["status"] == "degraded"
    assert eu_body["customer"] == {
        "id": "eu-ru",
        "name": "EU-RU",
        "locale": "ru",
        "timezone": "Europe/Moscow",
    }
    [incident] = eu_body["incidents"]
    assert incident["impact"] == "Payments in eu-west may fail"
    assert incident["workaround"] == "Pay by invoice"
    assert incident["nextUpdateAt"] is not None
    assert eu_body["maintenance"] == []
    assert again.status == 304
    assert us["status"] == "operational"
    assert us["incidents"] == []
    assert [m["id"] for m in us["maintenance"]] == ["us-db"]
    assert unknown.status == 404
    assert preflight.status == 204
    assert "If-None-Match" in preflight.headers["Access-Control-Allow-Headers"]
    assert changed.status == 200
    assert changed_body["incidents"][0]["text"] == "Fix found"


async def test_segment_and_public_feeds() -> None:
    h = await published_incident()
    async with serve(h) as base, aiohttp.ClientSession() as client:
        segment = await (await client.get(f"{base}/api/v1/status?segment=enterprise-eu")).json()
        us = await (await client.get(f"{base}/api/v1/status?segment=us-all")).json()
        public = await (await client.get(f"{base}/api/v1/status")).json()
        missing = await client.get(f"{base}/api/v1/status?segment=nope")
    assert segment["segment"] == "enterprise-eu"
    assert len(segment["incidents"]) == 1
    assert us["incidents"] == []
    assert len(public["incidents"]) == 1
    assert len(public["maintenance"]) == 1
    assert missing.status == 404


async def test_writes_need_token_and_maintenance_can_be_declared_by_api() -> None:
    h = await published_incident()
    incident = h.service.tracker.all()[0].incident_id
    window = {
        "id": "eu-net",
        "start": "2027-01-15T10:00:00Z",
        "end": "2027-01-15T11:00:00Z",
        "title": "Network work",
        "regions": ["eu-west"],
    }
    auth = {"Authorization": f"Bearer {TOKEN}"}
    async with serve(h) as base, aiohttp.ClientSession() as client:
        no_token = await client.post(f"{base}/api/v1/incidents/{incident}/hold")
        wrong_state = await client.post(f"{base}/api/v1/incidents/{incident}/hold", headers=auth)
        bad = await client.post(
            f"{base}/api/v1/incidents/{incident}/update", json={"stage": "fixed"}, headers=auth
        )
        unknown = await client.post(f"{base}/api/v1/incidents/inc-x/release", headers=auth)
        created = await client.post(f"{base}/api/v1/maintenance", json=window, headers=auth)
        invalid = await client.post(
            f"{base}/api/v1/maintenance", json={**window, "end": window["start"]}, headers=auth
        )
        listed = await (await client.get(f"{base}/api/v1/maintenance")).json()
    assert no_token.status == 401
    assert wrong_state.status == 409
    assert bad.status == 400
    assert unknown.status == 404
    assert created.status == 201
    assert invalid.status == 400
    assert [w["id"] for w in listed["maintenance"]] == ["eu-net", "us-db"]
