"""Marketer stories on DuckDB: every story of tests/stories/*.yml, one test each.

The stories are the issue's scenarios told from the marketer's side (this
contact did X, Y, Z; the labels and lists a marketer expects), written as
data (format: tests/stories/README.md) and checked by tests/python/stories.py,
the same definition the PostgreSQL and Spark runs use
(tests/engines/test_stories_engines.py).

Each world (tests/stories/_worlds.yml) is one `dbt build` of every model and
data test on the raw files of all its stories (unit tests run in the main
build), so the data tests (forbidden label combinations, shares, accounting)
also hold on the stories. A failing build fails every story of its world
with the build's failures.
"""
from __future__ import annotations

import pytest

import stories as st
from dbt_harness import build_on

STORIES = st.load_stories()
WORLDS = st.load_worlds()
BUILD = ("build", "--exclude-resource-type", "unit_test")


def test_there_are_enough_stories():
    """The issue asks for at least 40 small contact stories."""
    assert len(STORIES) >= 40, f"only {len(STORIES)} stories in tests/stories/"


@pytest.fixture(scope="module")
def built_worlds(tmp_path_factory):
    cache: dict[str, st.WorldResult | list[str]] = {}

    def get(name: str):
        if name not in cache:
            world = WORLDS[name]
            members = [story for story in STORIES if story.world == name]
            raw = st.write_world(members, world, tmp_path_factory.mktemp(f"world_{name}") / "raw")
            build = build_on(raw, tmp_path_factory.mktemp(f"world_{name}_build"), vars=world.build_vars(), args=BUILD)
            if not build.ok:
                cache[name] = build.failures()
            else:
                cache[name] = st.read_world(
                    build.query, lambda layer, table: f"main_{layer}.{table}")
        return cache[name]

    return get


@pytest.mark.parametrize("story", STORIES, ids=st.story_ids(STORIES))
def test_story(story, built_worlds):
    result = built_worlds(story.world)
    assert not isinstance(result, list), f"the build of world {story.world} failed:\n" + "\n".join(result)
    problems = st.check_story(story, result)
    assert not problems, f"{story.file} {story.id}: {story.text}\n  " + "\n  ".join(problems)
