{#-
    The segmentation types, in display order. Each has a macro
    macros/segmentation/<type>.sql and a model seg_<type>; the wide, long and
    summary marts loop over this list, so a new type is one line here.
-#}
{% macro segmentation_types() %}
    {{ return([
        'rfm', 'purchase_behavior', 'usage_rate', 'engagement_level', 'journey_stage',
        'loyalty_status', 'benefits_sought', 'occasion', 'user_status', 'activity_lifecycle',
    ]) }}
{% endmacro %}
