{#-
    The fixed vocabulary the facts are built on. Event types map onto these
    behaviors and categories in the event_taxonomy seed, so a new event type
    is a seed row; a new behavior is a new fact column (and this list).
-#}

{% macro event_behaviors() %}
    {{ return([
        'visit', 'product_view', 'content_download', 'form_submit', 'demo_request',
        'cart_add', 'checkout', 'email_send', 'email_open', 'email_click',
        'email_bounce', 'unsubscribe', 'spam_complaint', 'app_usage', 'social', 'review', 'referral',
        'purchase',
    ]) }}
{% endmacro %}


{% macro event_categories() %}
    {{ return(['engagement', 'usage', 'purchase_intent', 'conversion', 'advocacy', 'deliverability']) }}
{% endmacro %}


{% macro engagement_channels() %}
    {#- Channels reported separately for engagement; anything else counts as other. -#}
    {{ return(['email', 'web', 'app', 'social']) }}
{% endmacro %}


{% macro journey_stage_names() %}
    {{ return(['awareness', 'consideration', 'decision', 'customer', 'advocate']) }}
{% endmacro %}
