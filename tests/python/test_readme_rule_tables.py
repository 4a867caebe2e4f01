"""The README's rule tables are written from the rules (one definition).

README.md holds, between <!-- rule-tables:start --> and
<!-- rule-tables:end -->, the output of `dbt run-operation
print_rule_tables` (segkit/rule_tables.py): every type's labels, conditions
with the default thresholds, reason sentences and reason codes, rendered
from the same rule tables the models compile. A changed rule or default
without `python -m segkit.rule_tables` fails here.
"""
from __future__ import annotations

from segkit import rule_tables


def test_readme_rule_tables_are_rendered_from_the_rules():
    text = rule_tables.README.read_text()
    rendered = rule_tables.render()
    assert "(not on the rule table yet)" not in rendered, "every type renders from its rule table"
    assert rule_tables.replace_block(text, rendered) == text, (
        "README.md rule tables differ from the rules: run `python -m segkit.rule_tables`")


def test_readme_list_rules_are_rendered_from_the_rules():
    text = rule_tables.README.read_text()
    rendered = rule_tables.render(operation="print_list_rules")
    for name in ["cart_abandoners", "re_engagement", "upsell", "nurture"]:
        assert f"`activation_{name}`" in rendered
    assert rule_tables.replace_block(text, rendered, "list-rules") == text, (
        "README.md list rules differ from macros/activation/activation_rules.sql: run `python -m segkit.rule_tables`")
