{#-
    The four activation lists, one definition each: who qualifies, in words
    and in SQL, why (a sentence with the contact's own numbers), and the
    evidence columns the list table carries. Qualifying is behaviour only;
    who is then kept off (consent and suppression by address, one list per
    address, the frequency cap) and which list wins for a contact who
    qualifies for several is decided once, in activation_assignment
    (models/marts/activation/activation_assignment.sql), by the priority seed
    seeds/activation/activation_list_priority.csv.

    A list's `condition` reads the facts (alias facts: fct_contact_behavior)
    and the labels (alias segments: contact_segments). Where a segment rule
    already says it, the list reads the label, so there is one definition:
      cart_abandoners  purchase_behavior = cart_abandoner (its open abandoned
                       cart: the latest cart or checkout, no completed order
                       at or after it, at least cart_abandonment_window_hours
                       before the as-of cut), and that cart is fewer than
                       activation_cart_window_days days old;
      re_engagement    engagement_level = unengaged (the engagement rule; a
                       new contact is new_contact, never unengaged), engaged
                       at least once before, at least
                       re_engagement_min_unanswered_sends emails sent since
                       the last engagement, no completed order and no app use
                       in the last re_engagement_quiet_days days, and not a
                       loyal or advocate customer;
      upsell           a repeat buyer (at least upsell_min_purchase_days
                       purchase days) inside their own purchase rhythm (not
                       overdue: days_since_last_purchase <=
                       purchase_overdue_after_days, the rhythm every type
                       shares, macros/segmentation/_purchase_rhythm.sql), with
                       a premium order share at most upsell_max_premium_share;
      nurture          a prospect (no purchase) whose journey stage is
                       consideration or decision (the journey rule: the
                       furthest step in the facts' long window).

    activation_list_parameters() reads and validates the vars (defaults and
    comments in dbt_project.yml); impossible combinations stop the build.
-#}
{% macro activation_list_parameters() %}
    {%- do activation_check_retired_vars() -%}
    {%- set p = {
        'cart_window_days': config_int('activation_cart_window_days', 7, 1),
        'cart_abandon_days': rule_parameter('purchase_cart_abandon_days'),
        'min_unanswered_sends': config_int('re_engagement_min_unanswered_sends', 3, 1),
        'quiet_days': config_int('re_engagement_quiet_days', 90, 1),
        'upsell_min_purchase_days': config_int('upsell_min_purchase_days', 2, 2),
        'upsell_max_premium_share': config_number('upsell_max_premium_share', 0, 0, 1),
        'min_days_between_lists': config_int('activation_min_days_between_lists', 7, 0),
    } -%}
    {%- if p.cart_window_days > p.cart_abandon_days -%}
        {{ config_error('activation_cart_window_days', p.cart_window_days,
            "a number of days <= purchase_cart_abandon_days (" ~ p.cart_abandon_days ~ "): the cart list reads "
            ~ "the cart_abandoner label, which ends after purchase_cart_abandon_days days") }}
    {%- endif -%}
    {{ return(p) }}
{% endmacro %}


{#- The lists as an ordered list of dicts: name, condition (SQL), rule
    (words, for the docs), reason (reason parts, macros/segmentation/_rule_table.sql),
    segments_read (the segmentation types the condition reads, for
    rule_version), evidence ([name, type, SQL]). -#}
{% macro activation_list_rules(p) %}
    {%- set cart_age = days_between('cast(facts.open_abandoned_cart_at as date)', 'facts.as_of_date') -%}
    {%- set overdue = rhythm_is_overdue('facts.') -%}
    {{ return([
        {'name': 'cart_abandoners', 'segments_read': ['purchase_behavior'],
            'condition': "segments.purchase_behavior_segment = 'cart_abandoner' and " ~ cart_age ~ ' < '
                ~ p.cart_window_days,
            'rule': 'cart_abandoner in purchase behavior, the cart fewer than ' ~ p.cart_window_days ~ ' days old',
            'reason': ['abandoned a cart or checkout ', reason_count(cart_age, 'day'), ' ago; no purchase since'],
            'evidence': [
                ['open_abandoned_cart_at', dbt.type_timestamp(), 'facts.open_abandoned_cart_at'],
                ['days_since_abandoned_cart', dbt.type_bigint(), cart_age],
                ['abandoned_cart_days', dbt.type_bigint(), 'facts.abandoned_cart_days'],
                ['last_purchase_at', dbt.type_timestamp(), 'facts.last_purchase_at'],
            ]},
        {'name': 're_engagement', 'segments_read': ['engagement_level', 'loyalty_status'],
            'condition': "segments.engagement_level_segment = 'unengaged'"
                ~ ' and facts.last_engagement_at is not null'
                ~ ' and facts.email_sends_since_last_engagement >= ' ~ p.min_unanswered_sends
                ~ ' and coalesce(facts.days_since_last_purchase >= ' ~ p.quiet_days ~ ', true)'
                ~ ' and coalesce(facts.days_since_last_usage >= ' ~ p.quiet_days ~ ', true)'
                ~ " and segments.loyalty_status_segment not in ('loyal', 'advocate')",
            'rule': 'unengaged in engagement level, engaged before, at least ' ~ p.min_unanswered_sends
                ~ ' emails unanswered since, no purchase and no app use in the last ' ~ p.quiet_days
                ~ ' days, not loyal or advocate',
            'reason': ['no engagement for ', reason_count('facts.days_since_last_engagement', 'day'), '; ',
                reason_count('facts.email_sends_since_last_engagement', 'email'), ' unanswered since; no purchase '
                ~ 'or app use in the last ' ~ p.quiet_days ~ ' days'],
            'evidence': [
                ['last_engagement_at', dbt.type_timestamp(), 'facts.last_engagement_at'],
                ['days_since_last_engagement', dbt.type_bigint(), 'facts.days_since_last_engagement'],
                ['email_sends_since_last_engagement', dbt.type_bigint(), 'facts.email_sends_since_last_engagement'],
                ['days_since_last_purchase', dbt.type_bigint(), 'facts.days_since_last_purchase'],
                ['days_since_last_usage', dbt.type_bigint(), 'facts.days_since_last_usage'],
            ]},
        {'name': 'upsell', 'segments_read': [],
            'condition': 'facts.purchase_days >= ' ~ p.upsell_min_purchase_days
                ~ ' and not (' ~ overdue ~ ')'
                ~ ' and coalesce(facts.premium_order_share, 0) <= ' ~ p.upsell_max_premium_share,
            'rule': 'at least ' ~ p.upsell_min_purchase_days ~ ' purchase days, not overdue against the own '
                ~ 'purchase rhythm, premium order share at most ' ~ plain_number((100 * p.upsell_max_premium_share) | round(1)) ~ '%',
            'reason': [reason_count('facts.purchase_days', 'purchase day'), ', the last ',
                reason_count('facts.days_since_last_purchase', 'day'), ' ago; '] + rhythm_reason('facts.')
                + ['; premium share ', reason_percent('coalesce(facts.premium_order_share, 0)')],
            'evidence': [
                ['purchase_days', dbt.type_bigint(), 'facts.purchase_days'],
                ['days_since_last_purchase', dbt.type_bigint(), 'facts.days_since_last_purchase'],
                ['expected_purchase_gap_days', type_double(), 'facts.expected_purchase_gap_days'],
                ['purchase_overdue_after_days', type_double(), 'facts.purchase_overdue_after_days'],
                ['premium_order_share', type_double(), 'coalesce(facts.premium_order_share, 0)'],
                ['net_revenue', 'decimal(18, 2)', 'facts.net_revenue'],
            ]},
        {'name': 'nurture', 'segments_read': ['journey_stage'],
            'condition': "facts.purchase_days = 0 and segments.journey_stage_segment in ('consideration', 'decision')",
            'rule': 'no purchase, journey stage consideration or decision',
            'reason': ['no purchase; furthest step lately: ', reason_text('segments.journey_stage_segment')],
            'evidence': [
                ['last_lead_at', dbt.type_timestamp(), 'facts.last_lead_at'],
                ['research_events', dbt.type_bigint(), 'facts.research_events'],
                ['content_downloads', dbt.type_bigint(), 'facts.content_downloads'],
                ['form_submits', dbt.type_bigint(), 'facts.form_submits'],
                ['days_since_last_activity', dbt.type_bigint(), 'facts.days_since_last_activity'],
            ]},
    ]) }}
{% endmacro %}


{#- The rule of one list, by name. -#}
{% macro activation_list_rule(list_name, p) %}
    {%- for rule in activation_list_rules(p) if rule.name == list_name -%}
        {{ return(rule) }}
    {%- endfor -%}
    {{ exceptions.raise_compiler_error("activation list '" ~ list_name ~ "' is not defined in activation_list_rules() "
        ~ "(macros/activation/activation_rules.sql)") }}
{% endmacro %}


{#- rule_version of a list: the md5 of its condition and reason as rendered
    (so every var value it reads), the shared gates (the text of every macro
    in macros/activation/), the priority seed rows, the frequency cap, and
    the rule_version of every segmentation type the condition reads. A
    constant per build, like the segment types' rule_version. -#}
{% macro activation_rule_version(rule, p) %}
    {%- set texts = {} -%}
    {%- for name, macro in context.items() -%}
        {%- if macro.macro is defined and macro.macro.original_file_path is defined
            and macro.macro.package_name == project_name
            and (macro.macro.original_file_path | replace('\\', '/')).startswith('macros/activation/') -%}
            {%- do texts.update({name: local_md5(macro.macro.macro_sql)}) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- set types = {} -%}
    {%- for segmentation_type in rule.segments_read -%}
        {%- do types.update({segmentation_type: segment_rule_version(segmentation_type)}) -%}
    {%- endfor -%}
    {%- set fingerprint = tojson({
        'list': rule.name, 'condition': rule.condition, 'reason': reason_sentence(rule.reason),
        'min_days_between_lists': p.min_days_between_lists, 'macros': texts, 'segments': types,
        'priority': seed_rows('activation_list_priority')}, sort_keys=true) -%}
    {{ return(local_md5(fingerprint)) }}
{% endmacro %}


{#- Retired vars of the lists: any value stops the build with what to use. -#}
{% macro activation_check_retired_vars() %}
    {%- set retired = {
        're_engagement_inactive_days': 're_engagement_quiet_days (no purchase and no app use) and '
            ~ 're_engagement_min_unanswered_sends; "no engagement" is the engagement rule (engagement_level '
            ~ 'unengaged, vars engagement_*)',
        'nurture_lead_window_days': 'the journey rule: nurture is a prospect in the consideration or decision '
            ~ 'stage (fact_window_long_days)',
    } -%}
    {%- do config_retired_vars(retired, 'the lists read the segment rules (macros/activation/activation_rules.sql)') -%}
{% endmacro %}


{#- The list history of earlier runs (activation_list_history), for the
    frequency cap; none while parsing, before the first run, or with the cap
    off (activation_min_days_between_lists: 0, e.g. in unit tests). Read by
    relation, not ref(): the history is built from the lists, after them. -#}
{% macro activation_history_relation(p) %}
    {%- if not execute or p.min_days_between_lists == 0 or not graph.get('nodes') -%}{{ return(none) }}{%- endif -%}
    {%- for node in graph.nodes.values()
        if node.resource_type == 'model' and node.name == 'activation_list_history' and node.package_name == project_name -%}
        {{ return(adapter.get_relation(database=node.database, schema=node.schema, identifier=node.alias)) }}
    {%- endfor -%}
    {{ return(none) }}
{% endmacro %}


{#- concat parts: the names in expressions, joined with ', ' (a null name
    and the ones after it are left out: the ranks are contiguous). -#}
{% macro activation_join_names(expressions) %}
    {%- set parts = [expressions[0]] -%}
    {%- for expression in expressions[1:] -%}
        {%- do parts.append("coalesce(" ~ dbt.concat(["', '", expression]) ~ ", '')") -%}
    {%- endfor -%}
    {{ return(parts) }}
{% endmacro %}


{#- Markdown: every list's rule with the thresholds in force, for the
    README (`dbt run-operation print_list_rules`, segkit/rule_tables.py).
    The priority is the seed's, so it is not repeated here. -#}
{% macro print_list_rules() %}
    {%- set p = activation_list_parameters() -%}
    {%- set lines = [
        '| list | who qualifies | list_reason (N = the contact\'s own number) |',
        '|---|---|---|',
    ] -%}
    {%- for rule in activation_list_rules(p) -%}
        {%- do lines.append('| `activation_' ~ rule.name ~ '` | ' ~ rule.rule ~ ' | ' ~ reason_template(rule.reason) ~ ' |') -%}
    {%- endfor -%}
    {{ print(lines | join('\n') ~ '\n') }}
{% endmacro %}
