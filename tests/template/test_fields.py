"""Which item fields a template reads with no fallback: a records field must give each of them."""

from __future__ import annotations

from pathlib import Path

from generator.template.fields import required_item_fields, template_fields
from generator.template.loader import PlanTemplate
from tests.helpers import make_template


def test_required_item_fields_are_those_read_without_a_fallback(tmp_path: Path) -> None:
    path = make_template(
        tmp_path / "t.docx",
        [
            "{% for s in services %}{{ s.name }} {{ s.end|default(annual) }}{% endfor %}",
            "{% for g in goals %}{{ g.text|default(g) }}{% if g.area is defined %}{{ g.area }}{% endif %}{% endfor %}",
        ],
    )
    template = PlanTemplate(path)
    assert required_item_fields(template) == {"services[].name"}
    assert {"services[].end", "goals[].text", "goals[].area"} <= set(template_fields(template))
