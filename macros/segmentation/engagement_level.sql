{#-
    Engagement level: how much a contact engages, and whether they can be
    emailed at all.

    Rule (first match wins):
      unreachable     not is_reachable: no email opt-in (false or unknown),
                      unsubscribed, bounced or reported spam. Reason names
                      which: bounced first, then spam complaint, then
                      unsubscribed, then the missing opt-in.
      unengaged       the graymail test, by graymail_method:
                      'days' (default): no engagement event on any of the last
                        unengaged_days days (days_since_last_engagement null
                        or >= unengaged_days; days_ago 0 .. N-1, as the fact
                        windows, so with N = the long window it means
                        engagement_events_long = 0);
                      'sends' (HubSpot's rule): email_sends_since_last_engagement
                        >= sends_never_engaged (11) for a contact who never
                        engaged, >= sends_engaged (16) for one who did;
                      'days_or_sends': either test.
                      Engagement is any event of category engagement (email
                      opens and clicks, visits, form submits, downloads,
                      social), as in the facts.
      highly_engaged  engagement_score >= high_score
      engaged         engagement_score >= engaged_score
      passive         engaged recently, but a lower score
    engagement_score is the facts' time-decayed score (weights per event
    type in the event_taxonomy seed, half-life var engagement_half_life_days,
    default 30): one email open today = 1, one click = 3, a form submit or a
    download = 5, each halving every 30 days. A habit kept up for weeks
    scores about 6.7 x its weekly points, so the default cut points mean:
      10  about a click every other week (or three opens a week); on the
          bundled sample the top ~10% of recently engaged, reachable contacts
      5   about an email open most weeks; the top ~30% on the sample

    Args (default from the var of the same role):
      unengaged_days       var engagement_unengaged_days (90), >= 1
      graymail_method      var engagement_graymail_method ('days'): days, sends or days_or_sends
      sends_never_engaged  var engagement_graymail_sends_never_engaged (11), >= 1
      sends_engaged        var engagement_graymail_sends_engaged (16), >= 1
      high_score           var engagement_high_score (10), > engaged_score
      engaged_score        var engagement_engaged_score (5), > 0
-#}
{% macro segment_engagement_level(
    unengaged_days=none,
    graymail_method=none,
    sends_never_engaged=none,
    sends_engaged=none,
    high_score=none,
    engaged_score=none
) %}
    {%- set unengaged_days = unengaged_days if unengaged_days is not none
        else config_int('engagement_unengaged_days', 90, 1) -%}
    {%- set graymail_method = graymail_method if graymail_method is not none
        else var('engagement_graymail_method', 'days') -%}
    {%- if graymail_method not in ['days', 'sends', 'days_or_sends'] -%}
        {{ config_error('engagement_graymail_method', graymail_method, "days, sends or days_or_sends") }}
    {%- endif -%}
    {%- set sends_never_engaged = sends_never_engaged if sends_never_engaged is not none
        else config_int('engagement_graymail_sends_never_engaged', 11, 1) -%}
    {%- set sends_engaged = sends_engaged if sends_engaged is not none
        else config_int('engagement_graymail_sends_engaged', 16, 1) -%}
    {%- set high_score = high_score if high_score is not none
        else config_number('engagement_high_score', 10, 0) -%}
    {%- set engaged_score = engaged_score if engaged_score is not none
        else config_number('engagement_engaged_score', 5, 0) -%}
    {#- Whole numbers print without '.0' in the reasons. -#}
    {%- set high_score = high_score | int if high_score == high_score | int else high_score -%}
    {%- set engaged_score = engaged_score | int if engaged_score == engaged_score | int else engaged_score -%}
    {%- if engaged_score <= 0 or engaged_score >= high_score -%}
        {{ config_error('engagement_engaged_score', engaged_score,
            "a score above 0 and below engagement_high_score (" ~ high_score ~ ")") }}
    {%- endif -%}

    {%- set quiet_days_test -%}
        (days_since_last_engagement is null or days_since_last_engagement >= {{ unengaged_days }})
    {%- endset -%}
    {%- set unanswered_sends_test -%}
        (
            (last_engagement_at is null and email_sends_since_last_engagement >= {{ sends_never_engaged }})
            or (last_engagement_at is not null and email_sends_since_last_engagement >= {{ sends_engaged }})
        )
    {%- endset -%}
    {%- set unengaged_test = {
        'days': quiet_days_test,
        'sends': unanswered_sends_test,
        'days_or_sends': '(' ~ quiet_days_test ~ ' or ' ~ unanswered_sends_test ~ ')',
    }[graymail_method] -%}

    case
        when not is_reachable then 'unreachable'
        when {{ unengaged_test }} then 'unengaged'
        when engagement_score >= {{ high_score }} then 'highly_engaged'
        when engagement_score >= {{ engaged_score }} then 'engaged'
        else 'passive'
    end as segment,
    case
        when not is_reachable then
            case
                when has_bounced then 'bounced'
                when has_reported_spam then 'reported_spam'
                when has_unsubscribed then 'unsubscribed'
                when email_opt_in is null then 'opt_in_unknown'
                else 'no_opt_in'
            end
        {%- if graymail_method != 'days' %}
        when {{ unanswered_sends_test }} then
            case
                when last_engagement_at is null then 'never_engaged_{{ sends_never_engaged }}+_sends'
                else '{{ sends_engaged }}+_sends_since_last_engagement'
            end
        {%- endif %}
        {%- if graymail_method != 'sends' %}
        when {{ quiet_days_test }} then
            case
                when days_since_last_engagement is null then 'never_engaged'
                else 'no_engagement_in_{{ unengaged_days }}_days'
            end
        {%- endif %}
        when engagement_score >= {{ high_score }} then 'engagement_score>={{ high_score }}'
        when engagement_score >= {{ engaged_score }} then 'engagement_score>={{ engaged_score }}'
        else 'engagement_score<{{ engaged_score }}'
    end as segment_reason
{%- endmacro %}
