{#-
    Engagement level: how much a contact engages, and whether they can be
    emailed at all.

    An engagement is one definition, in the facts (int_contact_daily_activity):
    any event whose event_taxonomy weight is above zero, whatever its category
    (email opens and clicks, visits, form submits, downloads, product views,
    carts and checkouts, demo requests, app sessions and feature use, social,
    reviews, referrals), and every completed order (the order_completed row's
    weight). The score, last_engagement_at / days_since_last_engagement and
    the graymail counter email_sends_since_last_engagement all read it, so a
    buyer from last week or a daily app user has engaged recently.

    engagement_score is the facts' time-decayed score (half-life var
    engagement_half_life_days, default 30): one email open today = 1, a
    click = 3, a cart = 2, a checkout = 3, a form submit, download, demo
    request, review, referral or completed order = 5, an app session or a
    feature use = 1, each halving every 30 days. A habit kept up for weeks
    scores about 6.7 x its weekly points, so the default cut points mean:
      10  about a click every other week (or three opens a week, or a few app
          sessions a week)
      5   about an email open most weeks

    Rule table (first match wins; engagement_level_rules below):
      unreachable     not is_reachable (the facts' one definition, also the
                      activation lists' gate): no_email, invalid_email,
                      unsubscribed, bounced, spam_complaint, opt_in_unknown,
                      no_opt_in, address_suppressed, suppression_list, in
                      that order (fct_contact_behavior
                      unreachable_reason). One rule per reason, so the
                      reason_code says which. Unreachable comes before new:
                      a new contact who cannot be emailed is unreachable (the
                      fact a list needs), and reachability does not depend on
                      age.
      new_contact     the graymail test below holds, but the contact was first
                      seen fewer than grace_days days ago (contact_age_days <
                      grace_days): too new to judge, never unengaged. A new
                      contact who already engaged is scored as anyone else.
      unengaged       the graymail test, by graymail_method:
                      'days' (default): no engagement on any of the last
                        unengaged_days days (days_since_last_engagement null
                        or >= unengaged_days; days_ago 0 .. N-1, as the fact
                        windows);
                      'sends' (HubSpot's rule): email_sends_since_last_engagement
                        >= sends_never_engaged (11) for a contact who never
                        engaged, >= sends_engaged (16) for one who did; fewer
                        unanswered sends are never unengaged (the score
                        decides: passive at most);
                      'days_or_sends': either test (a contact silent for
                        unengaged_days is unengaged however few emails went out).
      highly_engaged  engagement_score >= high_score
      engaged         engagement_score >= engaged_score
      passive         everyone else: engaged recently (or, with 'sends', not
                      enough unanswered sends to judge), but a lower score

    Args (keyword arguments of segment_engagement_level; each defaults to its
    var, default and comment in dbt_project.yml, bounds in _rule_parameters.sql):
      unengaged_days       var engagement_unengaged_days (90), >= 1
      graymail_method      var engagement_graymail_method ('days'): days, sends or days_or_sends
      sends_never_engaged  var engagement_graymail_sends_never_engaged (11), >= 1
      sends_engaged        var engagement_graymail_sends_engaged (16), >= 1
      high_score           var engagement_high_score (10), > engaged_score
      engaged_score        var engagement_engaged_score (5), > 0
      grace_days           var engagement_grace_days (30), >= 0 (0: no grace period)
-#}
{% macro engagement_level_parameters() %}
    {{ return({
        'unengaged_days': 'engagement_unengaged_days',
        'graymail_method': 'engagement_graymail_method',
        'sends_never_engaged': 'engagement_graymail_sends_never_engaged',
        'sends_engaged': 'engagement_graymail_sends_engaged',
        'high_score': 'engagement_high_score',
        'engaged_score': 'engagement_engaged_score',
        'grace_days': 'engagement_grace_days',
    }) }}
{% endmacro %}


{#- SQL of the graymail tests: {'days': ..., 'sends': ..., 'unengaged': the one in force}. -#}
{% macro engagement_level_tests(p) %}
    {%- set quiet_days -%}
        (days_since_last_engagement is null or days_since_last_engagement >= {{ p.unengaged_days }})
    {%- endset -%}
    {%- set unanswered_sends -%}
        (
            (last_engagement_at is null and email_sends_since_last_engagement >= {{ p.sends_never_engaged }})
            or (last_engagement_at is not null and email_sends_since_last_engagement >= {{ p.sends_engaged }})
        )
    {%- endset -%}
    {{ return({
        'days': quiet_days,
        'sends': unanswered_sends,
        'unengaged': {
            'days': quiet_days,
            'sends': unanswered_sends,
            'days_or_sends': '(' ~ quiet_days ~ ' or ' ~ unanswered_sends ~ ')',
        }[p.graymail_method],
    }) }}
{% endmacro %}


{% macro engagement_level_rules(p) %}
    {%- if p.engaged_score <= 0 or p.engaged_score >= p.high_score -%}
        {{ config_error('engagement_engaged_score', p.engaged_score,
            "a score above 0 and below engagement_high_score (" ~ p.high_score ~ ")") }}
    {%- endif -%}
    {%- set t = engagement_level_tests(p) -%}
    {%- set unanswered = [reason_int('email_sends_since_last_engagement'), ' emails unanswered'] -%}
    {#- the score is cut (not rounded) to one place, so 9.96 reads 9.9, never the 10 it did not reach -#}
    {%- set score = ['engagement score ', reason_decimal('floor(engagement_score * 10) / 10', 1)] -%}
    {%- set unreachable = [
        ('no_email', 'no email address on record', 'no email address on record (or not a CRM contact)'),
        ('invalid_email', 'the email address is not a valid address', 'email address fails the syntax test'),
        ('unsubscribed', 'unsubscribed from marketing email', 'unsubscribed'),
        ('bounced', 'an email to this address bounced', 'an email bounced'),
        ('spam_complaint', 'reported a marketing email as spam', 'reported spam'),
        ('opt_in_unknown', 'marketing consent unknown', 'opt-in unknown (no value received)'),
        ('no_opt_in', 'no marketing opt-in', 'no opt-in'),
        ('address_suppressed', 'another contact record with this email address unsubscribed, bounced, reported spam or was erased',
         'the address is suppressed on another record with it'),
        ('suppression_list', 'the email address is on the suppression list', 'the address is on the suppression list'),
    ] -%}
    {%- set rules = [] -%}
    {%- for reason, sentence, words in unreachable -%}
        {%- do rules.append({'label': 'unreachable', 'when': "unreachable_reason = '" ~ reason ~ "'",
            'code': 'unreachable_' ~ reason, 'rule': 'not reachable: ' ~ words,
            'reason': ['not reachable: ' ~ sentence]}) -%}
    {%- endfor -%}
    {#- a safety net: is_reachable false with no reason cannot happen (tested in the facts) -#}
    {%- do rules.append({'label': 'unreachable', 'when': 'not is_reachable', 'code': 'unreachable_other',
        'rule': 'not reachable for another reason', 'reason': ['not reachable']}) -%}
    {%- do rules.append({'label': 'new_contact',
        'when': t.unengaged ~ ' and contact_age_days < ' ~ p.grace_days, 'code': 'new_contact_in_grace_period',
        'rule': 'would be unengaged, but first seen fewer than ' ~ p.grace_days ~ ' days ago',
        'reason': ['created ', reason_int('contact_age_days'), ' days ago; too new to judge']}) -%}
    {%- if p.graymail_method != 'days' -%}
        {%- do rules.append({'label': 'unengaged',
            'when': t.sends ~ ' and last_engagement_at is null', 'code': 'never_engaged_unanswered_sends',
            'rule': 'never engaged and at least ' ~ p.sends_never_engaged ~ ' emails sent',
            'reason': ['never engaged; '] + unanswered}) -%}
        {%- do rules.append({'label': 'unengaged',
            'when': t.sends, 'code': 'unanswered_sends',
            'rule': 'at least ' ~ p.sends_engaged ~ ' emails sent since the last engagement',
            'reason': ['no engagement for ', reason_int('days_since_last_engagement'), ' days; '] + unanswered}) -%}
    {%- endif -%}
    {%- if p.graymail_method != 'sends' -%}
        {%- do rules.append({'label': 'unengaged',
            'when': t.days ~ ' and days_since_last_engagement is null', 'code': 'never_engaged',
            'rule': 'never engaged',
            'reason': ['never engaged; '] + unanswered}) -%}
        {%- do rules.append({'label': 'unengaged',
            'when': t.days, 'code': 'no_recent_engagement',
            'rule': 'no engagement in the last ' ~ p.unengaged_days ~ ' days',
            'reason': ['no engagement for ', reason_int('days_since_last_engagement'), ' days; '] + unanswered}) -%}
    {%- endif -%}
    {%- do rules.append({'label': 'highly_engaged',
        'when': 'engagement_score >= ' ~ p.high_score, 'code': 'score_high',
        'rule': 'engagement score at least ' ~ p.high_score,
        'reason': score + [' (highly engaged from ' ~ p.high_score ~ ')']}) -%}
    {%- do rules.append({'label': 'engaged',
        'when': 'engagement_score >= ' ~ p.engaged_score, 'code': 'score_engaged',
        'rule': 'engagement score at least ' ~ p.engaged_score,
        'reason': score + [' (engaged from ' ~ p.engaged_score ~ ', highly engaged from ' ~ p.high_score ~ ')']}) -%}
    {%- do rules.append({'label': 'passive', 'when': 'true', 'code': 'score_low',
        'rule': 'engagement score below ' ~ p.engaged_score
            ~ (' (with sends: also too few unanswered sends to judge)' if p.graymail_method == 'sends' else ''),
        'reason': score + [' (engaged from ' ~ p.engaged_score ~ '); '] + unanswered}) -%}
    {{ return(rules) }}
{% endmacro %}


{% macro segment_engagement_level() %}
    {%- set p = rule_parameters('engagement_level', kwargs) -%}
    {{ rule_table(engagement_level_rules(p)) }}
{%- endmacro %}
