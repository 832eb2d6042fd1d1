"""Templates run sandboxed: escape attempts fail, never run code or leak internals."""

from __future__ import annotations

import pytest

from alertd.templating import MAX_OUTPUT, Templates

CONTEXT = {"labels": {"service": "checkout"}, "value": 0.5}

ESCAPES = [
    "{{ ''.__class__.__mro__ }}",
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ cycler.__init__.__globals__ }}",
    "{{ joiner.__init__.__globals__.os }}",
    "{{ namespace.__init__.__globals__ }}",
    "{{ lipsum.__globals__['os'].popen('id').read() }}",
    "{{ self.__init__.__globals__ }}",
    "{{ labels.__class__.__base__.__subclasses__() }}",
    "{{ value.__class__.__add__ }}",
    "{{ (labels|attr('__class__')).__mro__ }}",
    "{{ labels.clear() }}",
    "{{ labels.update({'service': 'hacked'}) }}",
    "{{ labels.pop('service') }}",
]


@pytest.mark.parametrize("source", ESCAPES)
def test_escape_attempt_renders_an_error_marker(source: str) -> None:
    context = {"labels": dict(CONTEXT["labels"]), "value": 0.5}  # type: ignore[call-overload]
    out = Templates().render(source, context)
    # refused outright, or (a single unsafe attribute) rendered as undefined
    assert out == "" or out.startswith("[template error")
    for leak in ("<class", "<function", "<built-in", "<module", "uid="):
        assert leak not in out
    assert context["labels"] == {"service": "checkout"}


def test_ranges_are_bounded() -> None:
    assert (
        Templates().render("{{ range(10**9)|list|length }}", CONTEXT).startswith("[template error")
    )


def test_output_is_bounded() -> None:
    out = Templates().render("{{ 'x' * 10000000 }}", CONTEXT)
    assert len(out) <= MAX_OUTPUT + 100


def test_ordinary_templates_still_work() -> None:
    out = Templates().render("{{ labels.service }} at {{ value }}", CONTEXT)
    assert out == "checkout at 0.5"
