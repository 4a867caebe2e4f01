{{ config(post_hook="{{ stamp_list_build() }}") }}
-- One row per contact activation_assignment put on the nurture list. Who
-- qualifies: activation_list_rules() in macros/activation/activation_rules.sql;
-- who is kept off and which list wins: activation_assignment.
{{ activation_list('nurture') }}
