"""Rule provenance: every seg_<type> row and every segment_membership row
carries rule_version, the md5 of the rule macro's name, the resolved values
of the vars the rule reads and the seed rows it reads
(macros/segmentation/_segment_model.sql).

  * every var a rule macro reads is declared in its model's rule_inputs (so
    no threshold can change a label without changing the version);
  * a changed threshold changes exactly that type's version; the same value
    written another way ("0.20" for 0.2) changes nothing;
  * a changed seed row (as loaded) changes the version of the type it
    belongs to;
  * an edit to the text of a type's rule macros changes that type's
    version, and only that one;
  * the version is one value per type and build, the same in the seg_<type>
    model and in segment_membership.
"""
from __future__ import annotations

import re
import shutil

import duckdb
import pytest

from dbt_harness import PROJECT_DIR, Build, build_on, run_dbt, write_raw

AS_OF = "2024-03-31"
SEGMENTS = PROJECT_DIR / "models" / "marts" / "segments"
RULES = PROJECT_DIR / "macros" / "segmentation"
TYPES = [
    "rfm", "purchase_behavior", "usage_rate", "engagement_level", "journey_stage",
    "loyalty_status", "benefits_sought", "occasion", "user_status", "activity_lifecycle",
]
BUILD = ("build", "--select", "+segment_membership", "--exclude-resource-type", "test", "unit_test")


def vars_read_by_rule(segmentation_type: str) -> set[str]:
    text = (RULES / f"{segmentation_type}.sql").read_text()
    return set(re.findall(r"""(?:config_\w+|var)\(\s*'(\w+)'""", text))


def declared_parameters(segmentation_type: str) -> set[str] | None:
    """The vars a type on the rule table names in <type>_parameters() (values of its dict)."""
    text = (RULES / f"{segmentation_type}.sql").read_text()
    match = re.search(
        r"macro " + segmentation_type + r"_parameters\(\)\s*%}(.*?){% endmacro", text, re.S)
    if not match:
        return None
    return set(re.findall(r"'\w+':\s*'(\w+)'", match.group(1)))


def rule_inputs(segmentation_type: str) -> set[str]:
    declared = declared_parameters(segmentation_type)
    if declared is not None:
        return declared
    text = (SEGMENTS / f"seg_{segmentation_type}.sql").read_text()
    match = re.search(r"rule_inputs=\[(.*?)\]", text, re.S)
    assert match, f"seg_{segmentation_type}.sql declares no rule_inputs and its macro no _parameters()"
    return set(re.findall(r"'(\w+)'", match.group(1)))


def test_every_declared_parameter_has_a_spec_and_a_default():
    """One declaration per var: bounds in _rule_parameters.sql, default in dbt_project.yml."""
    import yaml

    specs = (RULES / "_rule_parameters.sql").read_text()
    project_vars = yaml.safe_load((PROJECT_DIR / "dbt_project.yml").read_text())["vars"]
    for segmentation_type in TYPES:
        for name in declared_parameters(segmentation_type) or set():
            assert f"'{name}':" in specs, f"{segmentation_type}: {name} has no spec in _rule_parameters.sql"
            assert name in project_vars, f"{segmentation_type}: {name} has no default in dbt_project.yml"


@pytest.mark.parametrize("segmentation_type", TYPES)
def test_model_uses_the_skeleton_and_declares_every_var_its_rule_reads(segmentation_type):
    model = (SEGMENTS / f"seg_{segmentation_type}.sql").read_text()
    assert f"segmentation_type='{segmentation_type}'" in model
    assert f"segment_{segmentation_type}(" in model, "the model must call its own rule macro"
    missing = vars_read_by_rule(segmentation_type) - rule_inputs(segmentation_type)
    assert not missing, f"seg_{segmentation_type}.sql rule_inputs lacks {sorted(missing)}"


def write_shop(raw):
    write_raw(raw, "contacts", [
        ("a", "a@example.com", "2023-01-01 10:00:00", "true"),
        ("b", "b@example.com", "2023-01-01 10:00:00", "true"),
    ])
    write_raw(raw, "events", [
        ("e1", "a", None, "page_view", "2024-03-30 10:00:00", "web", None),
        ("e2", "b", None, "email_open", "2023-12-01 10:00:00", "email", None),
        ("e3", "b", None, "app_session", "2024-03-20 10:00:00", "app", None),
    ])
    write_raw(raw, "orders", [
        ("o1", "a", "2024-02-01 10:00:00", "30.00", "", "USD", "completed", "standard", "standard"),
        ("o2", "a", "2024-03-01 10:00:00", "30.00", "", "USD", "completed", "standard", "standard"),
    ])
    return raw


def versions(build: Build) -> dict[str, str]:
    found = {}
    for segmentation_type in TYPES:
        rows = build.query(f"select distinct rule_version from main_marts.seg_{segmentation_type}")
        assert len(rows) == 1 and re.fullmatch("[0-9a-f]{32}", rows[0]["rule_version"]), (segmentation_type, rows)
        found[segmentation_type] = rows[0]["rule_version"]
    membership = {
        row["segmentation_type"]: row["rule_version"]
        for row in build.query("select distinct segmentation_type, rule_version from main_marts.segment_membership")
    }
    assert membership == found
    return found


@pytest.fixture(scope="module")
def raw(tmp_path_factory):
    return write_shop(tmp_path_factory.mktemp("provenance") / "raw")


@pytest.fixture(scope="module")
def default_build(raw, tmp_path_factory) -> Build:
    build = build_on(raw, tmp_path_factory.mktemp("provenance_default"), vars={"as_of_date": AS_OF}, args=BUILD)
    assert build.ok, build.failures()
    return build


def test_changed_threshold_changes_only_its_type(raw, default_build, tmp_path_factory):
    before = versions(default_build)
    assert len(set(before.values())) == len(TYPES)
    changed = build_on(
        raw, tmp_path_factory.mktemp("provenance_changed"),
        # one real change, and one default written another way (no change)
        vars={"as_of_date": AS_OF, "journey_lapse_days": 60, "usage_heavy_share": "0.20"},
        args=BUILD,
    )
    assert changed.ok, changed.failures()
    after = versions(changed)
    assert {t for t in TYPES if after[t] != before[t]} == {"journey_stage"}


def test_rebuild_gives_the_same_versions(raw, default_build, tmp_path_factory):
    again = build_on(raw, tmp_path_factory.mktemp("provenance_again"), vars={"as_of_date": AS_OF}, args=BUILD)
    assert again.ok, again.failures()
    assert versions(again) == versions(default_build)


def test_changed_seed_row_changes_its_type(raw, default_build, tmp_path):
    before = versions(default_build)
    # a copy of the default build (same file name: the views name their database by it)
    database = tmp_path / default_build.database.name
    shutil.copy(default_build.database, database)
    con = duckdb.connect(str(database))
    try:
        con.execute(
            "update main.segment_definitions set recommended_action = recommended_action || ' (edited)' "
            "where segmentation_type = 'occasion' and segment = 'holiday_shopper'")
        con.execute("update main_reference.journey_stages set journey_stage = journey_stage where stage_rank = 1")
        con.execute("update main.rfm_segment_map set segment = 'loyal' where r_score = 3 and f_score = 3")
    finally:
        con.close()
    models = ["seg_occasion", "seg_journey_stage", "seg_rfm", "seg_user_status", "segment_membership"]
    rerun = run_dbt(["run", "--select", *models], database, vars={"raw_data_path": str(raw), "as_of_date": AS_OF})
    assert rerun.ok, rerun.failures()
    after = versions(rerun)
    # occasion: its definitions changed; rfm: its grid changed; journey_stage: an update to the same value
    assert {t for t in TYPES if after[t] != before[t]} == {"occasion", "rfm"}


def compiled_versions(project, tmp_path, name) -> dict[str, str]:
    """The rule_version each seg_<type> model compiles to (a compile-time constant)."""
    build = run_dbt(["compile", "--select", "seg_*"], tmp_path / name / "compile.duckdb",
                    vars={"as_of_date": AS_OF}, project_dir=project)
    assert build.ok, build.failures()
    found = {}
    for segmentation_type in TYPES:
        compiled = next((tmp_path / name / "target").rglob(f"seg_{segmentation_type}.sql")).read_text()
        found[segmentation_type] = re.search(r"cast\('([0-9a-f]{32})' as \w+\) as rule_version", compiled).group(1)
    return found


def test_edited_rule_text_changes_only_its_version(tmp_path):
    """A change to the rule's SQL (not only to a threshold) is a new rule_version."""
    project = tmp_path / "project"
    shutil.copytree(PROJECT_DIR, project, ignore=shutil.ignore_patterns(
        ".git", ".venv*", "target", "logs", "*.duckdb", "__pycache__", "dbt_packages"))
    (tmp_path / "before").mkdir()
    (tmp_path / "after").mkdir()
    before = compiled_versions(project, tmp_path, "before")
    rules = project / "macros" / "segmentation" / "loyalty_status.sql"
    text = rules.read_text()
    edited = text.replace("'rule': '2 or more purchase days',", "'rule': '2 or more purchase days (edited)',")
    assert edited != text
    rules.write_text(edited)
    after = compiled_versions(project, tmp_path, "after")
    assert {t for t in TYPES if after[t] != before[t]} == {"loyalty_status"}
