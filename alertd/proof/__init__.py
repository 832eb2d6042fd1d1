"""Proof of proactivity: tickets in, notice lead time and deflection out.

``model`` holds the facts (incidents, notices, tickets), ``correlate`` is the pure
function from facts to a report, ``ledger`` records the facts while the daemon runs,
``replay`` computes them offline from an event+ticket file, and ``table``/``html``
render a report for people.
"""
