{#-
    Cross-engine helpers. Engine differences live only here, behind
    adapter.dispatch; models call the un-prefixed macro.
-#}

{#- Trimmed text, empty or whitespace-only becomes null. -#}
{% macro clean_text(expr) -%}
    {{ return(adapter.dispatch('clean_text', 'behavioral_segmentation')(expr)) }}
{%- endmacro %}

{% macro default__clean_text(expr) -%}
    nullif(trim(cast({{ expr }} as {{ dbt.type_string() }})), '')
{%- endmacro %}

{#- DuckDB's trim() removes spaces only: also strip tabs, line breaks, the
    Unicode space separators (no-break space, ideographic space, ...) and the
    invisible zero-width space and byte-order mark, so an id made only of
    such characters is missing, not a distinct id. -#}
{% macro duckdb__clean_text(expr) -%}
    nullif(trim(cast({{ expr }} as varchar), {% for code in clean_text_codes() %}chr({{ code }}){{ " || " if not loop.last }}{% endfor %}), '')
{%- endmacro %}

{% macro clean_text_codes() -%}
    {{ return([9, 10, 11, 12, 13, 32, 133, 160, 5760] + range(8192, 8204) | list
        + [8232, 8233, 8239, 8287, 12288, 65279]) }}
{%- endmacro %}

{#- PostgreSQL: the same characters, with btrim (chr takes Unicode code points in UTF8). -#}
{% macro postgres__clean_text(expr) -%}
    nullif(btrim(cast({{ expr }} as text), {% for code in clean_text_codes() %}chr({{ code }}){{ " || " if not loop.last }}{% endfor %}), '')
{%- endmacro %}

{#- Spark: chr() is ASCII only, so strip the same classes with a Java regex:
    whitespace, Unicode separators, NEL, zero-width space and byte-order mark. -#}
{% macro spark__clean_text(expr) -%}
    nullif(regexp_replace(cast({{ expr }} as string), '^[\\s\\p{Z}\\x{85}\\x{200B}\\x{FEFF}]+|[\\s\\p{Z}\\x{85}\\x{200B}\\x{FEFF}]+$', ''), '')
{%- endmacro %}

{#- Parse text to a UTC timestamp (without time zone); null when unparseable.
    Offsets such as +02:00 or Z are honoured; text without a zone is UTC.
    DuckDB's try_cast is the reference. The other engines accept the same
    ISO-8601 shapes (timestamp_text_pattern below) and check the calendar
    themselves, so a malformed value is null instead of an error. -#}
{% macro try_cast_timestamp(expr) -%}
    {{ return(adapter.dispatch('try_cast_timestamp', 'behavioral_segmentation')(expr)) }}
{%- endmacro %}

{% macro default__try_cast_timestamp(expr) -%}
    {{ dbt.safe_cast(expr, dbt.type_timestamp()) }}
{%- endmacro %}

{#- DuckDB: only the ISO-8601 shapes the other engines accept
    (timestamp_text_pattern), so a value stages the same everywhere; DuckDB's
    try_cast alone would also take '2024/01/05', named zones, 'epoch', ... -#}
{% macro duckdb__try_cast_timestamp(expr) -%}
    (case
        when regexp_full_match({{ expr }}, '{{ timestamp_text_pattern() }}')
            then (try_cast({{ expr }} as timestamptz) at time zone 'UTC')
    end)
{%- endmacro %}

{#- PostgreSQL has no try_cast: a text is cast only when it has the ISO
    shape with every field in range (timestamp_text_pattern) and its day
    exists in its month, so the cast cannot raise. A zone makes it a
    timestamptz converted to UTC; without one it is read as UTC whatever the
    session time zone. Fractions beyond microseconds are cut, as DuckDB does
    (PostgreSQL would round). Cheap string functions do the rest: regexes
    with capture groups cost far more per row in PostgreSQL. -#}
{% macro postgres__try_cast_timestamp(expr) -%}
    {%- set day = "cast(substring(" ~ expr ~ " from '^[0-9]{4}-[0-9]{1,2}-([0-9]{1,2})') as integer)" -%}
    {%- set month = "cast(split_part(" ~ expr ~ ", '-', 2) as integer)" -%}
    {%- set year = "cast(left(" ~ expr ~ ", 4) as integer)" -%}
    {%- set text -%}
        case
            when strpos({{ expr }}, '.') > 0 then regexp_replace({{ expr }}, '([.][0-9]{6})[0-9]+', '\1')
            else {{ expr }}
        end
    {%- endset -%}
    (case
        when {{ expr }} ~ '{{ timestamp_text_pattern() }}' and left({{ expr }}, 4) <> '0000' then case
            when {{ day }} <= 28
                or {{ day }} <= case
                    when {{ month }} in (4, 6, 9, 11) then 30
                    when {{ month }} <> 2 then 31
                    when ({{ year }} % 4 = 0 and {{ year }} % 100 <> 0) or {{ year }} % 400 = 0 then 29
                    else 28
                end
                then case
                    when right({{ expr }}, 1) = 'Z'
                        or strpos(substr({{ expr }}, 9), '+') > 0
                        or strpos(substr({{ expr }}, 9), '-') > 0
                        then (cast({{ text }} as timestamptz) at time zone 'UTC')
                    else cast({{ text }} as timestamp)
                end
        end
    end)
{%- endmacro %}

{#- Spark: the same shapes, then try_cast (null for an impossible date or
    time, also with ANSI mode on). Spark wants zone offsets as +hh:mm. The
    session time zone is UTC (profiles.yml), so the timestamp is UTC. -#}
{% macro spark__try_cast_timestamp(expr) -%}
    (case
        when {{ expr }} rlike '{{ timestamp_text_pattern() }}' and {{ expr }} not like '0000%'
            then try_cast(
                regexp_replace(
                    regexp_replace({{ expr }}, '(:[0-9]{1,2}([.][0-9]*)?[+-][0-9]{2})$', '$1:00'),
                    '(:[0-9]{1,2}([.][0-9]*)?[+-][0-9]{2})([0-9]{2})$', '$1:$3'
                ) as timestamp
            )
    end)
{%- endmacro %}

{#- ISO-8601 text the timestamp parsers accept: a date, optionally a time
    (T or space, seconds and fraction optional) and a zone (Z, +hh, +hhmm,
    +hh:mm, at most 15:59), every field in range (year 0001 on; the day of
    the month is checked apart). Portable regex (POSIX and Java): no backslashes. -#}
{% macro timestamp_text_pattern() -%}
    ^([0-9]{3}[1-9]|[0-9]{2}[1-9][0-9]|[0-9][1-9][0-9]{2}|[1-9][0-9]{3})-(0?[1-9]|1[0-2])-(0?[1-9]|[12][0-9]|3[01])([ T]([01]?[0-9]|2[0-3]):[0-5]?[0-9](:[0-5]?[0-9]([.][0-9]*)?)?(Z|[+-](0[0-9]|1[0-5])(:?[0-5][0-9])?)?)?$
{%- endmacro %}

{#- Parse text to a decimal amount; null when not a finite number. -#}
{% macro try_cast_amount(expr) -%}
    {{ return(adapter.dispatch('try_cast_amount', 'behavioral_segmentation')(expr)) }}
{%- endmacro %}

{% macro default__try_cast_amount(expr) -%}
    {{ dbt.safe_cast(expr, 'decimal(18, 2)') }}
{%- endmacro %}

{#- DuckDB: a plain or scientific number only (amount_text_pattern), as on
    the other engines; try_cast alone would also take '1_000'. NaN and
    Infinity are not numbers here, and a value beyond decimal(18, 2) is null. -#}
{% macro duckdb__try_cast_amount(expr) -%}
    (case
        when regexp_full_match({{ expr }}, '{{ amount_text_pattern() }}')
            then try_cast({{ expr }} as decimal(18, 2))
    end)
{%- endmacro %}

{#- PostgreSQL: a plain or scientific number (as DuckDB reads it), rounded
    half away from zero to cents, null when it does not fit decimal(18, 2). -#}
{% macro postgres__try_cast_amount(expr) -%}
    {#- nested case: PostgreSQL may evaluate the operands of `and` in any order -#}
    (case
        when {{ expr }} ~ '{{ amount_text_pattern() }}' then case
            when abs(round(cast({{ expr }} as numeric), 2)) < 1e16 then cast({{ expr }} as decimal(18, 2))
        end
    end)
{%- endmacro %}

{% macro spark__try_cast_amount(expr) -%}
    (case
        when {{ expr }} rlike '{{ amount_text_pattern() }}'
            then try_cast({{ expr }} as decimal(18, 2))
    end)
{%- endmacro %}

{#- A number: sign, digits with an optional fraction, optional exponent (at
    most 3 digits, so PostgreSQL's numeric cannot overflow). No backslashes. -#}
{% macro amount_text_pattern() -%}
    ^[+-]?([0-9]+([.][0-9]*)?|[.][0-9]+)([eE][+-]?[0-9]{1,3})?$
{%- endmacro %}

{#- Parse text to a boolean: true/false, t/f, yes/no, y/n, 1/0; null otherwise. -#}
{% macro parse_boolean(expr) -%}
    case
        when lower({{ expr }}) in ('true', 't', 'yes', 'y', '1') then true
        when lower({{ expr }}) in ('false', 'f', 'no', 'n', '0') then false
    end
{%- endmacro %}

{#- Hex SHA-256 of a text value. -#}
{% macro sha256_hex(expr) -%}
    {{ return(adapter.dispatch('sha256_hex', 'behavioral_segmentation')(expr)) }}
{%- endmacro %}

{% macro default__sha256_hex(expr) -%}
    sha2({{ expr }}, 256)
{%- endmacro %}

{% macro duckdb__sha256_hex(expr) -%}
    sha256({{ expr }})
{%- endmacro %}

{% macro postgres__sha256_hex(expr) -%}
    encode(sha256(convert_to({{ expr }}, 'UTF8')), 'hex')
{%- endmacro %}

{#- True when a date falls on Saturday or Sunday. -#}
{% macro is_weekend(date_expr) -%}
    {{ return(adapter.dispatch('is_weekend', 'behavioral_segmentation')(date_expr)) }}
{%- endmacro %}

{% macro default__is_weekend(date_expr) -%}
    (extract(dow from {{ date_expr }}) in (0, 6))
{%- endmacro %}

{% macro spark__is_weekend(date_expr) -%}
    (dayofweek({{ date_expr }}) in (1, 7))
{%- endmacro %}

{#- Whole days from start to end (end - start), on dates. -#}
{% macro days_between(start_date, end_date) -%}
    {{ dbt.datediff(start_date, end_date, 'day') }}
{%- endmacro %}

{#- A double-precision float type (dbt.type_float() is single precision on some engines). -#}
{% macro type_double() -%}
    {{ return(adapter.dispatch('type_double', 'behavioral_segmentation')()) }}
{%- endmacro %}

{% macro default__type_double() -%}
    double precision
{%- endmacro %}

{% macro spark__type_double() -%}
    double
{%- endmacro %}

{#- numerator / denominator as a double, null when the denominator is 0 or null. -#}
{% macro safe_divide(numerator, denominator) -%}
    (cast({{ numerator }} as {{ type_double() }}) / nullif(cast({{ denominator }} as {{ type_double() }}), 0))
{%- endmacro %}

{#- The median of an expression as an aggregate. -#}
{% macro median(expr) -%}
    {{ return(adapter.dispatch('median', 'behavioral_segmentation')(expr)) }}
{%- endmacro %}

{% macro default__median(expr) -%}
    percentile_cont(0.5) within group (order by {{ expr }})
{%- endmacro %}

{% macro spark__median(expr) -%}
    percentile({{ expr }}, 0.5)
{%- endmacro %}

{#- True when the text holds a control character (the C0 range U+0000 to
    U+001F, or DEL): in an id such a value is a typo or an attack (a NUL byte
    would make a new, different id that looks the same), so the row is
    quarantined as invalid_text. Padding is trimmed by clean_text before. -#}
{% macro has_control_characters(expr) -%}
    {{ return(adapter.dispatch('has_control_characters', 'behavioral_segmentation')(expr)) }}
{%- endmacro %}

{% macro default__has_control_characters(expr) -%}
    coalesce(regexp_matches({{ expr }}, '[\x00-\x1f\x7f]'), false)
{%- endmacro %}

{#- PostgreSQL text cannot hold NUL at all (the loader refuses such a file). -#}
{% macro postgres__has_control_characters(expr) -%}
    coalesce({{ expr }} ~ '[\x01-\x1f\x7f]', false)
{%- endmacro %}

{% macro spark__has_control_characters(expr) -%}
    coalesce({{ expr }} rlike '[\\x00-\\x1f\\x7f]', false)
{%- endmacro %}
