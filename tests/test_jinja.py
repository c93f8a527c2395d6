"""Jinja's messages about a failing tag are kept, but never the student's value they may quote."""

from __future__ import annotations

import pytest

from generator.jinja import HIDDEN, RENDER_ERRORS, data_free_message, make_environment, render_in, template_line

SECRET = "ZZNOTE1001Q"
CASES = [
    ("{{ {'Yes': 'x'}[note] }}", "'dict object' has no attribute " + HIDDEN),
    ("{{ ['a', 'b'][n] }}", "list object has no element " + HIDDEN),
    ("{{ first|attr(note) }}", "has no attribute " + HIDDEN),
    ("{{ note.upper2 }}", "'str object' has no attribute 'upper2'"),  # the template's own word is kept
    ("{{ nope }}", "'nope' is undefined"),
    ("{{ note + 1 }}", 'TypeError: can only concatenate str (not "int") to str'),
    ("{{ '{:d}'.format(note) }}", "ValueError: Unknown format code 'd' for object of type 'str'"),
    ("{{ 1 / zero }}", "ZeroDivisionError: division by zero"),
]


@pytest.mark.parametrize(("source", "expected"), CASES)
def test_messages_keep_the_templates_words_and_hide_the_values(source: str, expected: str):
    template = make_environment().from_string(source)
    with pytest.raises(RENDER_ERRORS) as caught:
        render_in(template, {"note": SECRET, "n": 12345, "zero": 0, "first": "Ana"})
    message = data_free_message(caught.value, source)
    assert expected in message and SECRET not in message and "12345" not in message


def test_the_template_line_of_an_error_is_found():
    source = "first line\n\n{{ {'a': 1}[note] }}"
    with pytest.raises(RENDER_ERRORS) as caught:
        make_environment().from_string(source).render({"note": SECRET})
    assert template_line(caught.value) == 3


def test_an_undefined_name_is_always_the_templates_own_word():
    with pytest.raises(RENDER_ERRORS) as caught:
        make_environment().from_string("{{ other }}").render({})
    assert data_free_message(caught.value, "") == "'other' is undefined"
