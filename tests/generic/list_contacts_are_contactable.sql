{#- No row of an activation list may belong to a contact the gate suppresses. -#}
{% test list_contacts_are_contactable(model, column_name='contact_id') %}
    select list_rows.{{ column_name }}
    from {{ model }} as list_rows
    left join {{ ref('contactability') }} as gate
        on list_rows.{{ column_name }} = gate.contact_id
    where gate.contact_id is null or not gate.is_contactable
{% endtest %}
