"""A daemon config for on-call tests: one critical rule, pager + escalation + webhook."""

from __future__ import annotations

from tests.support import checkout
from tests.support.daemon import kafka_yaml, unique

TOKEN = "t0ken-for-tests"
RULES = checkout.rules()


def oncall_config(kafka: str, topic: str, recorder_url: str, silences_topic: str = "") -> str:
    return f"""\
{kafka_yaml(kafka, topic)}http: {{listen: "127.0.0.1:0", token: {TOKEN}}}
rule_files: [rules.yml]
route:
  receiver: hook
  routes:
    - match: {{team: payments}}
      receiver: pager
      escalation: esc
receivers:
  - name: pager
    pagerduty_configs: [{{url: "{recorder_url}/pd", routing_key: rk}}]
  - name: secondary
    webhook_configs: [{{url: "{recorder_url}/secondary"}}]
  - name: hook
    webhook_configs: [{{url: "{recorder_url}/hook"}}]
escalation_policies:
  - name: esc
    levels: [{{after: 1500ms, receiver: secondary}}]
silences: {{topic: {silences_topic or unique("silences")}}}
notify: {{retry: {{initial_backoff: 50ms}}}}
detect: {{clock_tick: 100ms, idle_lag: 1h}}
"""


ratio = checkout.ratio
