{#-
    on-run-end (dbt_project.yml): say in the log, at info level, why a build
    that succeeded may still look wrong, so an operator is not left with
    empty segments and no word on why:
      - a raw table none of whose rows could be staged (every row quarantined:
        the reasons and their counts; never a row's content),
      - rows dated after the build started (future_timestamp: a typo such as
        2031 for 2026, which would otherwise have moved the default clock),
      - empty segments, and why: the raw tables hold no rows, no row could be
        staged, or the as-of date is before the earliest staged row.
    These are info lines, not dbt warnings: CI builds with --warn-error, and
    empty input is not an error. Only models this invocation built are read.
-#}
{% macro log_input_warnings() %}
    {%- if not execute or invocation_args_dict.get('which') not in ('build', 'run') -%}{{ return('') }}{%- endif -%}
    {%- set built = {} -%}
    {%- for result in results if result.node.resource_type == 'model' and (result.status | string) == 'success' -%}
        {%- do built.update({result.node.name: api.Relation.create(database=result.node.database,
            schema=result.node.schema, identifier=result.node.alias)}) -%}
    {%- endfor -%}
    {%- set messages = [] -%}
    {%- set totals = namespace(read=none, staged=none) -%}

    {%- if 'stg_raw__row_accounting' in built and 'stg_raw__quarantine' in built -%}
        {%- set reasons = {} -%}
        {%- for row in run_query(
            'select source_table, rejection_reason, count(*) from ' ~ built['stg_raw__quarantine']
            ~ ' group by source_table, rejection_reason order by source_table, rejection_reason').rows -%}
            {%- do reasons.setdefault(row[0], []).append((row[1], row[2] | int)) -%}
        {%- endfor -%}
        {%- set totals.read = 0 -%}
        {%- set totals.staged = 0 -%}
        {%- for row in run_query(
            'select source_table, rows_read, rows_staged, rows_quarantined from ' ~ built['stg_raw__row_accounting']
            ~ ' order by source_table').rows -%}
            {%- set table_name, rows_read, rows_staged, rows_quarantined = row[0], row[1] | int, row[2] | int, row[3] | int -%}
            {%- set totals.read = totals.read + rows_read -%}
            {%- set totals.staged = totals.staged + rows_staged -%}
            {%- set counted = [] -%}
            {%- for reason, n in reasons.get(table_name, []) -%}{%- do counted.append(reason ~ ': ' ~ n) -%}{%- endfor -%}
            {%- if rows_read > 0 and rows_quarantined == rows_read -%}
                {%- do messages.append(table_name ~ ': all ' ~ rows_read ~ ' raw rows were quarantined ('
                    ~ counted | join(', ') ~ '); see stg_raw__quarantine.') -%}
            {%- endif -%}
            {%- for reason, n in reasons.get(table_name, []) if reason == 'future_timestamp' -%}
                {%- do messages.append(table_name ~ ': ' ~ n ~ (' row' if n == 1 else ' rows')
                    ~ ' dated after the build started (' ~ run_started_at.strftime('%Y-%m-%d %H:%M:%S')
                    ~ ' UTC, plus one day) quarantined as future_timestamp; they do not move the as-of date.') -%}
            {%- endfor -%}
        {%- endfor -%}
    {%- endif -%}

    {%- if 'fct_contact_behavior' in built and 'int_as_of_date' in built -%}
        {%- set contacts = run_query('select count(*) from ' ~ built['fct_contact_behavior']).rows[0][0] | int -%}
        {%- if contacts == 0 -%}
            {%- set as_of = run_query('select max(as_of_date) from ' ~ built['int_as_of_date']).rows[0][0] -%}
            {%- set why = [] -%}
            {%- if totals.read == 0 -%}
                {%- do why.append('the raw tables hold no rows (empty or header-only files)') -%}
            {%- elif totals.staged == 0 -%}
                {%- do why.append('no raw row could be staged (see stg_raw__quarantine)') -%}
            {%- elif 'stg_raw__contacts' in built and 'stg_raw__events' in built and 'stg_raw__orders' in built -%}
                {%- set earliest = run_query(
                    'select min(first_date) from ('
                    ~ ' select min(cast(created_at as date)) as first_date from ' ~ built['stg_raw__contacts']
                    ~ ' union all select min(occurred_date) as first_date from ' ~ built['stg_raw__events']
                    ~ ' union all select min(ordered_date) as first_date from ' ~ built['stg_raw__orders']
                    ~ ') as dated').rows[0][0] -%}
                {%- if earliest is not none and (earliest | string) > (as_of | string) -%}
                    {%- do why.append('as_of_date ' ~ as_of ~ ' is before the earliest staged row (' ~ earliest ~ ')') -%}
                {%- endif -%}
            {%- endif -%}
            {%- do messages.append('segments are empty: no contact has facts as of ' ~ as_of
                ~ ('; ' ~ why | join('; ') if why else '') ~ '. The build itself succeeded.') -%}
        {%- endif -%}
    {%- endif -%}

    {%- for message in messages -%}
        {{ log('Warning: ' ~ message, info=true) }}
    {%- endfor -%}
    {{ return('') }}
{% endmacro %}
