"""Look-alike names against the real Neo4j: a look-alike of an existing name is a CONFLICT and finds it by
name, in the API and in seed files; a name mixing scripts is written with a warning; a graph whose keys
were written before normalisation gets normalised keys once, and two nodes that collide are reported, not
merged."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from neo4j import AsyncDriver

from api.auth import Role
from api.database.migrations import NAME_KEYS_MIGRATION, normalize_name_keys
from seed.validate import read_seed
from tests.conftest import GraphQLClient, bearer
from tests.test_names import CAFE_GUILD, LOOK_ALIKES
from tests.test_seed import SOURCE, problems_of, write

EDITOR = bearer(Role.EDITOR)
CITED = "story-2023-08-10-wga-returns"
CREATE = "mutation($input: NodeInput!) { createNode(kind: ORGANIZATION, input: $input) { slug } }"


def organization(slug: str, name: str) -> dict[str, object]:
    return {"id": slug, "name": name, "organizationKind": "UNION", "cites": [{"source": CITED}]}


@pytest.mark.usefixtures("seeded")
async def test_every_look_alike_of_cafe_guild_is_a_conflict_and_finds_it_by_name(gql: GraphQLClient) -> None:
    created = await gql(CREATE, {"input": organization("cafe-guild", CAFE_GUILD)}, headers=EDITOR)
    assert created["data"] == {"createNode": {"slug": "cafe-guild"}}, created
    for n, look_alike in enumerate(LOOK_ALIKES.values()):
        refused = await gql(CREATE, {"input": organization(f"copy-{n}", look_alike)}, headers=EDITOR)
        error = refused["errors"][0]
        assert (error["extensions"]["code"], error["extensions"]["field"]) == ("CONFLICT", "input.name"), look_alike
        found = await gql.data("query($n: String!) { organization(name: $n) { slug name } }", {"n": look_alike})
        assert found == {"organization": {"slug": "cafe-guild", "name": CAFE_GUILD}}, look_alike
    listed = await gql.data('{ organizations(nameContains: "CAFE\u0301\u00a0gu") { slug } }')
    assert listed == {"organizations": [{"slug": "cafe-guild"}]}


@pytest.mark.usefixtures("seeded")
async def test_a_name_mixing_scripts_is_written_with_a_warning(gql: GraphQLClient) -> None:
    body = await gql(CREATE, {"input": organization("cafe-guild-2", "C\u0430f\u00e9 Guild")}, headers=EDITOR)
    assert body["data"] == {"createNode": {"slug": "cafe-guild-2"}}
    assert body["extensions"]["warnings"] == [
        "input.name: 'C\u0430f\u00e9' mixes scripts (CYRILLIC, LATIN): a look-alike of another name?"
    ]


@pytest.mark.usefixtures("seeded")
async def test_a_name_with_nothing_visible_is_bad_user_input_naming_the_field(gql: GraphQLClient) -> None:
    body = await gql(CREATE, {"input": organization("blank", "\u200b\u200d")}, headers=EDITOR)
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert body["errors"][0]["extensions"]["field"] == "input.name"


def test_a_seed_file_with_a_look_alike_name_says_where_the_name_is_taken(tmp_path: Path) -> None:
    text = (
        SOURCE + "organizations:\n"
        f"  - {{id: cafe, name: {CAFE_GUILD}, kind: UNION, cites: [{{source: story}}]}}\n"
        f'  - {{id: cafe-copy, name: "{LOOK_ALIKES["no-break space"]}", kind: UNION, cites: [{{source: story}}]}}\n'
    )
    assert problems_of(tmp_path, text) == [
        f"{tmp_path}/bad.yaml:8: organizations[1].name: '{LOOK_ALIKES['no-break space']}' already names the "
        f"Organization 'cafe' ({tmp_path}/bad.yaml:7): names and aliases are unique per kind"
    ]


def test_a_seed_name_mixing_scripts_is_a_warning_with_file_and_line(tmp_path: Path) -> None:
    text = SOURCE + (
        "organizations:\n"
        "  - id: cafe\n"
        "    name: Caf\u00e9 Guild\n"
        "    aliases: [C\u0430f\u00e9]\n"
        "    kind: UNION\n"
        "    cites: [{source: story}]\n"
    )
    write(tmp_path, "cafe.yaml", text)
    warnings = [str(warning) for warning in read_seed([tmp_path]).warnings]
    assert (
        f"{tmp_path}/cafe.yaml:9: organizations[0].aliases[0]: 'C\u0430f\u00e9' mixes scripts (CYRILLIC, LATIN): "
        "a look-alike of another name?" in warnings
    )


async def _legacy_organization(driver: AsyncDriver, slug: str, name: str) -> None:
    """An organization as written before normalisation: its key is the casefolded name."""
    await driver.execute_query(
        "CREATE (:Entity:Organization {id: $id, name: $name, nameKeys: [$key], kind: 'UNION'}) "
        "CREATE (:NameKey {key: 'Organization:' + $key, owner: $id})",
        id=slug, name=name, key=name.casefold(),
    )  # fmt: skip


async def test_old_keys_are_normalised_once_and_a_collision_is_reported_not_merged(
    empty_graph: AsyncDriver, caplog: pytest.LogCaptureFixture
) -> None:
    await _legacy_organization(empty_graph, "cafe-guild", CAFE_GUILD)
    await _legacy_organization(empty_graph, "cafe-guild-nfd", LOOK_ALIKES["decomposed (NFD)"])
    await _legacy_organization(empty_graph, "cafe-union", "Caf\u00e9\u00a0Union")
    await _legacy_organization(empty_graph, "wga", "WGA")
    with caplog.at_level(logging.WARNING, logger="strikegraph"):
        collisions = await normalize_name_keys(empty_graph, "neo4j")
    assert [str(collision) for collision in collisions] == [
        "Organization 'cafe-guild-nfd' and 'cafe-guild' have names with the same key 'caf\u00e9 guild' once "
        "normalised: 'cafe-guild' keeps it; rename 'cafe-guild-nfd' or merge the two"
    ]
    assert str(collisions[0]) in caplog.text
    records, _, _ = await empty_graph.execute_query(
        "MATCH (n:Organization) RETURN n.id AS id, n.nameKeys AS keys, "
        "COLLECT { MATCH (k:NameKey {owner: n.id}) RETURN k.key ORDER BY k.key } AS owned ORDER BY id"
    )
    assert [(r["id"], r["keys"], r["owned"]) for r in records] == [
        ("cafe-guild", ["caf\u00e9 guild"], ["Organization:caf\u00e9 guild"]),
        ("cafe-guild-nfd", [], []),  # still there, with its name; no longer claiming a name it shares
        ("cafe-union", ["caf\u00e9 union"], ["Organization:caf\u00e9 union"]),
        ("wga", ["wga"], ["Organization:wga"]),
    ]
    marker, _, _ = await empty_graph.execute_query(
        "MATCH (m:GraphMigration {id: $id}) RETURN m", id=NAME_KEYS_MIGRATION
    )
    assert len(marker) == 1
    assert await normalize_name_keys(empty_graph, "neo4j") == []  # once per graph
